package io.qforge.engine.convert;

import io.qforge.engine.quant.QuantParams;
import java.util.List;
import java.util.Map;

/**
 * A converted, integer-only model: the quantized graph input, integer layers in topological
 * order, and the encoding of every activation tensor (per tensor). The float world is entered
 * once (quantize the input with {@code activations().get(input())}) and left once (dequantize
 * {@link #quantizedOutput()}, then, when {@code softmaxAxis >= 0}, a float Softmax on that axis,
 * which produces the graph output {@code outputName}).
 *
 * @param name            the source graph's name
 * @param input           the graph input tensor name
 * @param inputShape      the graph input shape (dim 0 = -1, the batch)
 * @param layers          integer layers in topological order
 * @param activations     encoding of the input and of every layer output
 * @param quantizedOutput the integer tensor that leaves the integer world (the graph output, or the Softmax's input)
 * @param outputName      the graph output name (equals quantizedOutput when there is no softmax)
 * @param softmaxAxis     axis of a trailing float Softmax, or -1
 */
public record IntModel(String name, String input, long[] inputShape, List<IntLayer> layers,
                       Map<String, QuantParams> activations, String quantizedOutput, String outputName,
                       int softmaxAxis) {

    public IntModel {
        layers = List.copyOf(layers);
        activations = Map.copyOf(activations);
        inputShape = inputShape.clone();
        if (!activations.containsKey(input)) {
            throw new IllegalArgumentException("int model '" + name + "': the input '" + input + "' has no encoding");
        }
        for (IntLayer l : layers) {
            for (String out : l.outputs()) {
                if (!activations.containsKey(out)) {
                    throw new IllegalArgumentException("int model '" + name + "': layer '" + l.name() + "' output '"
                            + out + "' has no encoding");
                }
            }
        }
    }

    public QuantParams encoding(String tensor) {
        QuantParams p = activations.get(tensor);
        if (p == null) {
            throw new IllegalArgumentException("int model '" + name + "': tensor '" + tensor + "' has no encoding");
        }
        return p;
    }
}
