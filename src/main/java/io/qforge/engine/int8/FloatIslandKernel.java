package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import io.qforge.engine.ops.OpRegistry;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kernel of an {@link IntLayer.FloatIsland}: {@code x_i = s_i (q_i - z_i)} in float32 for each
 * integer input (the value DequantizeLinear gives and the simulation's fake quantization computes),
 * the island's FP32 ops in inference mode (the same {@link Op}s the simulation runs), then
 * {@code q = clamp(rint(y / s_y) + z_y, qmin, qmax)} (QuantizeLinear, round half to even) for each
 * of its outputs (one, or each used output of a Split, each with its encoding). The
 * float world is entered and left here only; every tensor around the island stays integer.
 */
final class FloatIslandKernel implements IntStep.Outputs {
    private final IntLayer.FloatIsland island;
    private final List<Op> ops;
    private final QuantParams[] inputs;
    private final QuantParams[] outputs;

    /** @param outputs the encoding of each of the island's outputs, in {@link IntLayer.FloatIsland#outputs()} order */
    FloatIslandKernel(IntLayer.FloatIsland island, QuantParams[] inputs, QuantParams[] outputs) {
        if (outputs.length != island.outputs().size()) {
            throw new IllegalArgumentException("float island '" + island.name() + "': " + outputs.length
                    + " output encodings for " + island.outputs().size() + " outputs");
        }
        this.island = island;
        this.ops = island.nodes().stream().map(OpRegistry::create).toList();
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
    }

    @Override
    public INDArray[] apply(INDArray[] x) {
        Map<String, INDArray> v = new HashMap<>(island.constants());
        for (int i = 0; i < x.length; i++) {
            v.put(island.inputs().get(i), QuantPrimitives.dequantize(x[i], inputs[i], DataType.FLOAT));
        }
        for (int k = 0; k < ops.size(); k++) {
            Node n = island.nodes().get(k);
            INDArray[] in = new INDArray[n.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = n.hasInput(i) ? v.get(n.input(i)) : null;
            }
            INDArray[] out = ops.get(k).forward(in, new OpContext(false));
            for (int o = 0; o < out.length && o < n.outputs().size(); o++) {
                v.put(n.output(o), out[o]);
            }
        }
        INDArray[] q = new INDArray[outputs.length];
        for (int o = 0; o < q.length; o++) {
            INDArray y = v.get(island.outputs().get(o));
            if (y == null) {
                throw new IllegalArgumentException("float island '" + island.name() + "' did not produce '"
                        + island.outputs().get(o) + "'");
            }
            q[o] = QuantPrimitives.quantize(y, outputs[o]);
        }
        return q;
    }
}
