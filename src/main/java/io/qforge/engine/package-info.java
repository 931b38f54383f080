/**
 * The quantization engine: plain Java on ND4J, no Spring, JPA or servlet types (a test enforces
 * it). Usable as a library: {@code onnx} imports and exports models, {@code graph} is the IR,
 * {@code ops} holds each op's forward and backward, {@code data} reads datasets, {@code train}
 * fine-tunes.
 */
package io.qforge.engine;
