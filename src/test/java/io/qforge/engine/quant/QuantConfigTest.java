package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantConfigTest {

    @Test
    void defaultsAreW8A8PerChannelSymmetricWeightsAsymmetricActivations() {
        QuantConfig c = QuantConfig.defaults();
        assertThat(c.weightBits()).isEqualTo(8);
        assertThat(c.activationBits()).isEqualTo(8);
        assertThat(c.weightGranularity()).isEqualTo(Granularity.PER_CHANNEL);
        assertThat(c.weightSymmetry()).isEqualTo(Symmetry.SYMMETRIC);
        assertThat(c.activationSymmetry()).isEqualTo(Symmetry.ASYMMETRIC);
        assertThat(c.weightObserver()).isEqualTo(ObserverKind.MIN_MAX);
        assertThat(c.activationObserver()).isEqualTo(ObserverKind.MOVING_AVERAGE_MIN_MAX);
        assertThat(c.percentile()).isEqualTo(99.99);
        assertThat(c.calibrationBatches()).isEqualTo(16);
        assertThat(c.learnedRanges()).isFalse();
        assertThat(c.weightRange()).isEqualTo(new IntRange(-127, 127));
        assertThat(c.activationRange()).isEqualTo(new IntRange(-128, 127));
    }

    @Test
    void freezeEpochsFollowTheTorchvisionRecipeAndNeverMeansNever() {
        QuantConfig c = QuantConfig.defaults();
        assertThat(c.batchNormFrozenAt(2)).isFalse();
        assertThat(c.batchNormFrozenAt(3)).isTrue();
        assertThat(c.observersFrozenAt(3)).isFalse();
        assertThat(c.observersFrozenAt(4)).isTrue();
        QuantConfig never = c.toBuilder().freezeBatchNormAfterEpoch(QuantConfig.NEVER)
                .freezeObserversAfterEpoch(0).build();
        assertThat(never.batchNormFrozenAt(1000)).isFalse();
        assertThat(never.observersFrozenAt(0)).isTrue();
    }

    @Test
    void lowBitWidthsUseNarrowerRanges() {
        QuantConfig c = QuantConfig.builder().weightBits(4).activationBits(2).build();
        assertThat(c.weightRange()).isEqualTo(new IntRange(-7, 7));
        assertThat(c.activationRange()).isEqualTo(new IntRange(-2, 1));
    }

    @Test
    void singleBadFieldNamesFieldValueAndAllowedRange() {
        assertThatThrownBy(() -> QuantConfig.builder().weightBits(9).build())
                .isInstanceOf(QuantConfigException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid quantization config: weightBits: 9 is not allowed (2..8)");
    }

    @Test
    void everyBadFieldIsListed() {
        QuantConfigException e = (QuantConfigException) org.junit.jupiter.api.Assertions.assertThrows(
                QuantConfigException.class, () -> QuantConfig.builder()
                        .weightBits(1).activationBits(16)
                        .weightGranularity(null).weightSymmetry(null).activationSymmetry(null)
                        .weightObserver(null).activationObserver(null)
                        .percentile(90).calibrationBatches(0)
                        .freezeObserversAfterEpoch(-2).freezeBatchNormAfterEpoch(-5)
                        .build());
        assertThat(e.errors()).containsExactly(
                "weightBits: 1 is not allowed (2..8)",
                "activationBits: 16 is not allowed (2..8)",
                "weightGranularity: null is not allowed (one of [PER_TENSOR, PER_CHANNEL])",
                "weightSymmetry: null is not allowed (one of [SYMMETRIC, ASYMMETRIC])",
                "activationSymmetry: null is not allowed (one of [SYMMETRIC, ASYMMETRIC])",
                "weightObserver: null is not allowed (one of [MIN_MAX, MOVING_AVERAGE_MIN_MAX, PERCENTILE, MSE])",
                "activationObserver: null is not allowed (one of [MIN_MAX, MOVING_AVERAGE_MIN_MAX, PERCENTILE, MSE])",
                "percentile: 90.0 is not allowed (90 < percentile <= 100)",
                "calibrationBatches: 0 is not allowed (>= 1)",
                "freezeObserversAfterEpoch: -2 is not allowed (>= 0, or -1 for never)",
                "freezeBatchNormAfterEpoch: -5 is not allowed (>= 0, or -1 for never)");
        assertThat(e.getMessage()).startsWith("invalid quantization config: weightBits: 1 is not allowed (2..8); "
                + "activationBits: 16 is not allowed (2..8); ");
    }

    @Test
    void percentileBoundsAndNaN() {
        assertThat(QuantConfig.builder().percentile(100).build().percentile()).isEqualTo(100);
        assertThat(QuantConfig.builder().percentile(90.0001).build().percentile()).isEqualTo(90.0001);
        assertThatThrownBy(() -> QuantConfig.builder().percentile(100.5).build())
                .hasMessageContaining("percentile: 100.5 is not allowed (90 < percentile <= 100)");
        assertThatThrownBy(() -> QuantConfig.builder().percentile(Double.NaN).build())
                .hasMessageContaining("percentile: NaN is not allowed");
    }

    @Test
    void bitBoundsAreInclusive() {
        assertThat(QuantConfig.builder().weightBits(2).activationBits(8).build().weightBits()).isEqualTo(2);
        assertThatThrownBy(() -> QuantConfig.builder().activationBits(9).build())
                .hasMessageContaining("activationBits: 9 is not allowed (2..8)");
    }
}
