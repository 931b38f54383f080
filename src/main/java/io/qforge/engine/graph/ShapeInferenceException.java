package io.qforge.engine.graph;

/**
 * A node's input shapes are inconsistent with its op (the message names the node). When
 * {@link #batchRelated()} is true the shapes are valid ONNX but tie the dynamic batch dimension
 * to a fixed size or merge it with other dimensions, which a model trained on batches of any
 * size cannot do.
 */
public class ShapeInferenceException extends RuntimeException {
    private final boolean batchRelated;

    public ShapeInferenceException(String message) {
        this(message, false);
    }

    public ShapeInferenceException(String message, boolean batchRelated) {
        super(message);
        this.batchRelated = batchRelated;
    }

    public boolean batchRelated() {
        return batchRelated;
    }
}
