package io.qforge.engine.train;

/** One finished epoch: mean training loss and accuracy over its batches, test metrics, speed. */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, Metrics test,
                          double imagesPerSecond, double learningRate) {
}
