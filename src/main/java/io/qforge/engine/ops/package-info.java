/**
 * The ONNX ops the engine keeps, each whole in one entry of {@link io.qforge.engine.ops.OpTable}:
 * its forward and backward pass on ND4J custom ops ({@link io.qforge.engine.ops.Op}), its shape rule
 * ({@link io.qforge.engine.ops.ShapeInference} walks a graph with them) and its quantization role
 * ({@link io.qforge.engine.ops.QuantRole}, docs/QUANTIZATION-POLICY.md).
 *
 * <p>{@link io.qforge.engine.ops.OpRegistry#create} builds one {@link io.qforge.engine.ops.Op}
 * per node (attributes validated there; shapes at the first forward). The contract the executor
 * relies on:
 * <ul>
 *   <li>Ops hold no arrays between calls. What a backward needs comes from its inputs, its
 *       outputs, or the per-node {@link io.qforge.engine.ops.OpContext} of the same pass (only
 *       BatchNormalization uses it: batch mean/var and the mode). Use one OpContext per node
 *       per pass, the same one for that node's forward and backward.</li>
 *   <li>Ops never write to their inputs, with one exception: BatchNormalization in
 *       batch-statistics mode updates its running mean/var (inputs 3 and 4) in place.</li>
 *   <li>Outputs may alias inputs: Identity and Dropout return the input array itself; Reshape
 *       and Flatten may return a view of it; the gradient of Identity/Dropout is the incoming
 *       gradient array. Do not modify outputs or gradients in place unless the executor owns
 *       them (for example when accumulating, add into a fresh array or a dup).</li>
 *   <li>Everything an op allocates is allocated in the current workspace, if any; nothing is
 *       leveraged or detached. Outputs, gradients and saved context entries therefore live as
 *       long as the workspace scope around the forward/backward pass; parameters and the
 *       BatchNorm running statistics must be detached arrays (created outside the scope).</li>
 *   <li>Gradients are returned per input position, null where an input has none (shapes,
 *       BatchNorm running statistics, absent optional inputs, Clip bounds).</li>
 *   <li>All ops run in FLOAT and DOUBLE (the gradient checks use DOUBLE).</li>
 * </ul>
 */
package io.qforge.engine.ops;
