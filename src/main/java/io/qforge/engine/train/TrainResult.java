package io.qforge.engine.train;

import java.util.List;

/** What a training run did: the epochs it finished and whether it was stopped early. */
public record TrainResult(List<EpochResult> epochs, boolean stopped) {
    public TrainResult {
        epochs = List.copyOf(epochs);
    }
}
