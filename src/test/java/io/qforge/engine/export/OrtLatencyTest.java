package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrtLatencyTest {

    @Test
    void measuresBothModelsPerBatchWithTheGivenThreadsAndSessionConfig() {
        var data = Fixtures.LENET.data();
        QatModel m = QatModel.prepare(Fixtures.LENET.graph(), QuantConfig.defaults());
        Calibrator.calibrate(m, data.xTrain(), 32, 2);
        byte[] int8 = QdqExporter.toBytes(IntModelConverter.convert(m));

        OrtLatency l = OrtLatency.measure(Fixtures.LENET.bytes(), int8, data.xTest(), List.of(4, 1, 4), 1, 3, 2,
                Map.of("session.qdqisint8allowed", "1"));

        assertThat(l.threads()).isEqualTo(2);
        assertThat(l.timedRuns()).isEqualTo(3);
        assertThat(l.points()).extracting(OrtLatency.Point::batch).containsExactly(1, 4);
        for (OrtLatency.Point p : l.points()) {
            assertThat(p.fp32Ms()).isPositive();
            assertThat(p.int8Ms()).isPositive();
            assertThat(p.int8OverFp32()).isCloseTo(p.int8Ms() / p.fp32Ms(), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void refusesNoThreads() {
        byte[] fp32 = Fixtures.LENET.bytes();
        assertThatThrownBy(() -> OrtLatency.measure(fp32, fp32, Fixtures.LENET.data().xTest(), List.of(1), 0, 1, 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads >= 1");
    }
}
