package io.qforge.engine.convert;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Converts a calibrated (and possibly QAT-trained) {@link QatModel} to an {@link IntModel}, unit by
 * unit of its {@link io.qforge.engine.quant.QuantizationPlan}:
 * <ul>
 * <li>Conv(+BN)(+Relu/Clip) -> {@link IntLayer.Conv}: BN folded with the running statistics
 *     ({@code w_fold = w * gamma / sigma}, {@code b_fold = beta + (b - mean) * gamma / sigma}),
 *     the weight quantized with the weight quantizer's params (the ones its fake-quant used; they
 *     were observed on the same folded weight), int32 bias {@code rint(b / (s_in * s_w[c]))};</li>
 * <li>Gemm (alpha already in the weight, beta in C) and MatMul with a constant weight (+ bias Add)
 *     -> {@link IntLayer.Gemm} with the weight as [out, in] (transposed when needed, per-channel
 *     axis then 0);</li>
 * <li>Add(+Relu/Clip), Mul, Concat, Sigmoid, AveragePool, GlobalAveragePool -> their layer;
 *     MaxPool, Reshape, Flatten (Identity, Dropout as a copying Reshape) share their input's
 *     encoding; a trailing Softmax becomes {@link IntModel#softmaxAxis()};</li>
 * <li>a float island (an op without an integer kernel, docs/QUANTIZATION-POLICY.md) -> an
 *     {@link IntLayer.FloatIsland} holding its FP32 nodes and their constants as trained; a
 *     value-moving op without a layer of its own -> the same, with its input's encoding out.</li>
 * </ul>
 * Activation encodings are the activation quantizers' params ({@link QatModel#params}). Anything
 * else is refused with a {@link ConversionException} naming the node.
 */
public final class IntModelConverter {
    private IntModelConverter() {
    }

    public static IntModel convert(QatModel model) {
        if (!model.calibrated()) {
            throw new IllegalStateException("QAT model '" + model.graph().name()
                    + "' is not calibrated: there are no params to convert");
        }
        Graph g = model.graph();
        Map<String, String> sources = model.plan().encodingSources();
        Map<String, QuantParams> encodings = new LinkedHashMap<>();
        String input = g.inputs().get(0).name();
        encodings.put(input, model.params(sources.get(input)));
        List<IntLayer> layers = new ArrayList<>();
        String quantizedOutput = input;
        int softmaxAxis = -1;
        LayerFactory f = new LayerFactory(model);
        for (QuantUnit u : model.plan().units()) {
            if (u instanceof QuantUnit.FloatTail t) {
                softmaxAxis = f.softmaxAxis(t.op());
                quantizedOutput = t.op().input(0);
                continue;
            }
            if (softmaxAxis >= 0) {
                throw new ConversionException("node '" + u.head().name() + "' (" + u.head().opType()
                        + ") follows the trailing Softmax; only a final Softmax may stay float");
            }
            IntLayer layer = f.layer(u);
            for (String in : layer.inputs()) {
                if (!encodings.containsKey(in)) {
                    throw new ConversionException("node '" + u.head().name() + "' (" + u.head().opType()
                            + "): input '" + in + "' is not an integer tensor (a constant or a float tensor)");
                }
            }
            for (String out : layer.outputs()) {
                String source = sources.get(out);
                if (source == null) {
                    throw new ConversionException("node '" + u.head().name() + "': output '" + out
                            + "' has no quantizer");
                }
                encodings.put(out, model.params(source));
            }
            layers.add(layer);
            quantizedOutput = layer.outputs().contains(g.outputs().get(0).name()) ? g.outputs().get(0).name()
                    : layer.output();
        }
        String outputName = g.outputs().get(0).name();
        if (softmaxAxis < 0 && !quantizedOutput.equals(outputName)) {
            throw new ConversionException("graph '" + g.name() + "': the last integer tensor '" + quantizedOutput
                    + "' is not the graph output '" + outputName + "'");
        }
        return new IntModel(g.name(), input, g.inputs().get(0).shape(), layers, encodings, quantizedOutput,
                outputName, softmaxAxis);
    }

    /**
     * The op types other than Conv/Gemm/MatMul that convert to an integer layer of their own (the
     * op table's INTEGER ops must all be here).
     */
    public static java.util.Set<String> integerLayerTypes() {
        return LayerFactory.INTEGER_LAYERS;
    }

    /** Reads a trained initializer of the QAT graph or fails naming it. */
    static INDArray initializer(Graph g, String name, Node node) {
        INDArray a = g.initializer(name);
        if (a == null) {
            throw new ConversionException("node '" + node.name() + "': '" + name + "' is not a constant");
        }
        return a;
    }
}
