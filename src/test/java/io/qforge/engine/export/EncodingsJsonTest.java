package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.QuantParams;
import java.util.HashSet;
import java.util.Set;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class EncodingsJsonTest {

    @Test
    void encodingsMatchTheModelAndNameTheExportedWeights() {
        IntModel m = QdqExporterTest.lenet(8, 8, false).build(true, "probs");
        String json = EncodingsJson.toJson(m);
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.get("version").asString()).isEqualTo("0.6.1");

        JsonNode acts = root.get("activation_encodings");
        assertThat(names(acts)).isEqualTo(m.activations().keySet());
        for (String t : m.activations().keySet()) {
            QuantParams p = m.encoding(t);
            JsonNode e = acts.get(t);
            assertThat(e.size()).isEqualTo(1);
            checkEntry(e.get(0), p, 0, "False");
        }
        // shape-only layers repeat their input's encoding
        assertThat(acts.get("/pool1/output_0")).isEqualTo(acts.get("/conv1/output_0"));
        assertThat(acts.get("/flatten/output_0")).isEqualTo(acts.get("/conv1/output_0"));
        // ReLU output: zero point -128 -> offset 0, min 0
        assertThat(acts.get("/conv1/output_0").get(0).get("offset").asInt()).isZero();
        assertThat(acts.get("/conv1/output_0").get(0).get("min").asDouble()).isZero();

        JsonNode params = root.get("param_encodings");
        assertThat(names(params)).containsExactlyInAnyOrder("conv1.weight", "fc1.weight", "fc2.weight");
        for (IntLayer l : m.layers()) {
            QuantParams p = l instanceof IntLayer.Conv c ? c.weightParams()
                    : l instanceof IntLayer.Gemm g ? g.weightParams() : null;
            if (p == null) {
                continue;
            }
            JsonNode e = params.get(l.name() + ".weight");
            assertThat(e.size()).as("one entry per output channel").isEqualTo(p.channels());
            for (int c = 0; c < p.channels(); c++) {
                checkEntry(e.get(c), p, c, "True");
                assertThat(e.get(c).get("offset").asInt()).as("narrow symmetric int8").isEqualTo(-127);
                assertThat(e.get(c).get("min").asDouble()).isEqualTo(-e.get(c).get("max").asDouble());
            }
        }

        // the param names are the INT8 initializers of the exported model
        Set<String> int8Initializers = new HashSet<>();
        for (TensorProto t : OnnxImporter.parse(QdqExporter.toBytes(m)).getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getDimsCount() > 1) {
                int8Initializers.add(t.getName());
            }
        }
        assertThat(int8Initializers).isEqualTo(names(params));
    }

    @Test
    void fourBitEncodings() {
        IntModel m = QdqExporterTest.lenet(4, 4, false).build(false, null);
        JsonNode root = new ObjectMapper().readTree(EncodingsJson.toJson(m));
        JsonNode in = root.get("activation_encodings").get("input").get(0);
        assertThat(in.get("bitwidth").asInt()).isEqualTo(4);
        QuantParams p = m.encoding("input");
        assertThat(in.get("offset").asInt()).isEqualTo(-8 - p.zeroPoint(0));
        JsonNode w = root.get("param_encodings").get("fc2.weight").get(0);
        assertThat(w.get("offset").asInt()).isEqualTo(-7);
        assertThat(w.get("bitwidth").asInt()).isEqualTo(4);
    }

    @Test
    void namesAreEscaped() {
        JsonText j = new JsonText().string("a\"b\\c\nd\u0001é/");
        assertThat(new ObjectMapper().readTree(j.toString()).asString()).isEqualTo("a\"b\\c\nd\u0001é/");
    }

    private static void checkEntry(JsonNode e, QuantParams p, int c, String symmetric) {
        assertThat(e.get("bitwidth").asInt()).isEqualTo(p.bits());
        assertThat(e.get("dtype").asString()).isEqualTo("int");
        assertThat(e.get("is_symmetric").asString()).isEqualTo(symmetric);
        assertThat(e.get("scale").asDouble()).isEqualTo(p.scale(c));
        assertThat(e.get("min").asDouble()).isEqualTo(p.min(c));
        assertThat(e.get("max").asDouble()).isEqualTo(p.max(c));
        assertThat(e.get("offset").asInt()).isEqualTo(p.qmin() - p.zeroPoint(c));
        // AIMET's convention: offset = round(min / scale)
        assertThat(e.get("offset").asInt()).isEqualTo((int) Math.round(p.min(c) / p.scale(c)));
    }

    private static Set<String> names(JsonNode obj) {
        Set<String> s = new HashSet<>();
        obj.propertyNames().forEach(s::add);
        return s;
    }
}
