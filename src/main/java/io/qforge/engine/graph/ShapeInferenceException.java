package io.qforge.engine.graph;

/** A node's input shapes are inconsistent with its op (the message names the node). */
public class ShapeInferenceException extends RuntimeException {

    public ShapeInferenceException(String message) {
        super(message);
    }
}
