package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.onnx.ExportOptions;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.Symmetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Generated names never clash with source names; invalid models are refused with precise messages. */
class QdqNamesTest {

    /** lenet with tensor and layer names equal to names the exporter generates. */
    static IntModel clashing() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(false, null);
        Map<String, String> t = Map.of("/conv1/output_0", "input_quantized", "/pool1/output_0", "fc1.weight",
                "/flatten/output_0", "scale_0.5", "/fc1/output_0", "conv1.weight_dequantized",
                "/fc2/output_0", "zero_point_0");
        UnaryOperator<String> r = s -> t.getOrDefault(s, s);
        List<IntLayer> layers = new ArrayList<>();
        for (IntLayer l : m.layers()) {
            if (l instanceof IntLayer.Conv c) {
                layers.add(new IntLayer.Conv("input_QuantizeLinear", r.apply(c.input()), r.apply(c.output()), c.weight(),
                        c.weightParams(), c.bias(), c.strides(), c.pads(), c.dilations(), c.group(), c.clip()));
            } else if (l instanceof IntLayer.MaxPool p) {
                layers.add(new IntLayer.MaxPool("conv1.weight", r.apply(p.input()), r.apply(p.output()), p.kernel(),
                        p.strides(), p.pads(), p.dilations()));
            } else if (l instanceof IntLayer.Flatten f) {
                layers.add(new IntLayer.Flatten(f.name(), r.apply(f.input()), r.apply(f.output()), f.axis()));
            } else if (l instanceof IntLayer.Gemm g) {
                layers.add(new IntLayer.Gemm(g.name(), r.apply(g.input()), r.apply(g.output()), g.weight(),
                        g.weightParams(), g.bias(), g.clip()));
            }
        }
        Map<String, QuantParams> enc = new HashMap<>();
        m.activations().forEach((k, v) -> enc.put(r.apply(k), v));
        return new IntModel(m.name(), m.input(), m.inputShape(), layers, enc, "zero_point_0", "zero_point_0", -1);
    }

    @Test
    void generatedNamesDoNotClashWithSourceNames() {
        IntModel m = clashing();
        QdqCheck.Result r = QdqCheck.run("clashing names", m, QdqExporterTest.lenetInput());
        assertThat(r.kernels().usesIntegerKernels()).isTrue();
        ModelProto mp = OnnxImporter.parse(r.model());
        Set<String> produced = new HashSet<>();
        for (TensorProto t : mp.getGraph().getInitializerList()) {
            assertThat(produced.add(t.getName())).as("initializer " + t.getName()).isTrue();
        }
        Set<String> nodeNames = new HashSet<>();
        for (NodeProto n : mp.getGraph().getNodeList()) {
            assertThat(nodeNames.add(n.getName())).as("node name " + n.getName()).isTrue();
            for (String o : n.getOutputList()) {
                assertThat(produced.add(o)).as("tensor " + o + " produced once").isTrue();
            }
        }
        assertThat(mp.getGraph().getInput(0).getName()).isEqualTo("input");
        assertThat(mp.getGraph().getOutput(0).getName()).isEqualTo("zero_point_0");
        // the source tensor names survive as the float outputs of the layers
        assertThat(produced).contains("input_quantized", "fc1.weight", "scale_0.5", "conv1.weight_dequantized");
        // the weights got suffixed names, and the JSON uses the same ones
        String json = EncodingsJson.toJson(m);
        assertThat(json).contains("\"input_QuantizeLinear.weight\"", "\"fc1.weight_1\"");
        assertThat(produced).contains("input_QuantizeLinear.weight", "fc1.weight_1");
    }

    @Test
    void producerAndDocStringAreWritten() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(false, null);
        ModelProto mp = QdqExporter.toModel(m, QdqExportOptions.DEFAULT.withModel(new ExportOptions("qforge-test", "1.2", "job 7")));
        assertThat(mp.getProducerName()).isEqualTo("qforge-test");
        assertThat(mp.getProducerVersion()).isEqualTo("1.2");
        assertThat(mp.getDocString()).isEqualTo("job 7");
    }

    @Test
    void weightOutsideItsRangeIsRefused() {
        IntModel m = QdqExporterTest.lenet(4, 4, false).build(false, null);
        IntLayer.Gemm fc2 = (IntLayer.Gemm) m.layers().get(4);
        byte[] w = fc2.weight().dup('c').data().asBytes();
        w[3] = 8;
        IntLayer.Gemm bad = new IntLayer.Gemm(fc2.name(), fc2.input(), fc2.output(),
                Nd4j.createFromArray(w).reshape('c', fc2.weight().shape()), fc2.weightParams(), fc2.bias(), fc2.clip());
        List<IntLayer> layers = new ArrayList<>(m.layers());
        layers.set(4, bad);
        IntModel broken = new IntModel(m.name(), m.input(), m.inputShape(), layers, m.activations(),
                m.quantizedOutput(), m.outputName(), -1);
        assertThatThrownBy(() -> QdqExporter.toBytes(broken))
                .hasMessage("layer 'fc2': weight value 8.0 at flat index 3 is not allowed (an integer in [-7, 7])");
    }

    @Test
    void perChannelActivationIsRefused() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(false, null);
        Map<String, QuantParams> enc = new HashMap<>(m.activations());
        enc.put("/fc1/output_0", QuantParams.perChannel(new double[] {0.1, 0.2}, new int[] {0, 0}, 1, 8, Symmetry.ASYMMETRIC));
        IntModel broken = new IntModel(m.name(), m.input(), m.inputShape(), m.layers(), enc,
                m.quantizedOutput(), m.outputName(), -1);
        assertThatThrownBy(() -> QdqExporter.toBytes(broken))
                .hasMessageStartingWith("activation '/fc1/output_0': QuantParams[per-channel(axis 1)")
                .hasMessageEndingWith("is not allowed (activations are quantized per tensor)");
    }

    @Test
    void layersOutOfOrderAreRefused() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(false, null);
        List<IntLayer> layers = new ArrayList<>(m.layers());
        java.util.Collections.swap(layers, 0, 1);
        IntModel broken = new IntModel(m.name(), m.input(), m.inputShape(), layers, m.activations(),
                m.quantizedOutput(), m.outputName(), -1);
        assertThatThrownBy(() -> QdqExporter.toBytes(broken))
                .hasMessage("int model 'lenet': tensor '/conv1/output_0' is read before it is produced (layers must be in topological order)");
    }

    @Test
    void softmaxOutputNameMustBeNew() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(false, null);
        IntModel broken = new IntModel(m.name(), m.input(), m.inputShape(), m.layers(), m.activations(),
                m.quantizedOutput(), "/fc1/output_0", 1);
        assertThatThrownBy(() -> QdqExporter.toBytes(broken)).hasMessageContaining("output name '/fc1/output_0' is not allowed");
    }
}
