package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.in;
import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class ModelSummaryTest {

    @Test
    void summarizesASupportedModel() {
        byte[] model = OnnxExporterTest.allOps();
        ModelSummary s = ModelSummary.of(model);
        Graph g = OnnxImporter.load(model);
        long floatElements = g.initializers().values().stream()
                .filter(a -> a.dataType() == DataType.FLOAT).mapToLong(a -> a.length()).sum();
        assertThat(s.supported()).isTrue();
        assertThat(s.parameterCount()).isEqualTo(floatElements);
        assertThat(s.opCounts()).containsEntry("Conv", 2).containsEntry("Add", 2).containsEntry("Dropout", 1);
        assertThat(s.inputs()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("x");
            assertThat(v.shape()).containsExactly(-1, 3, 8, 8);
        });
        assertThat(s.outputs()).singleElement().satisfies(v -> assertThat(v.type()).isEqualTo(ElementType.FLOAT));
        assertThat(s.opset()).isEqualTo(13);
        assertThat(s.producer()).isEqualTo("OnnxModels test");
    }

    @Test
    void listsProblemsOfAnUnsupportedModel() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 4)
                .node("Resize", "Resize_1", "r", in("x", "", "", ""))
                .node("Tanh", "t", "y", in("r")).output("y").bytes();
        ModelSummary s = ModelSummary.of(model);
        assertThat(s.supported()).isFalse();
        assertThat(s.problems()).containsExactly("node 'Resize_1' has unsupported op type Resize",
                "node 't' has unsupported op type Tanh");
        assertThat(s.opCounts()).containsEntry("Resize", 1).containsEntry("Tanh", 1);
    }
}
