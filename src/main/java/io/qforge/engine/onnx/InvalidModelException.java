package io.qforge.engine.onnx;

/**
 * The bytes are not a well-formed ONNX model (unparseable protobuf, missing graph or opset,
 * dangling tensor names, inconsistent shapes). The message names what failed.
 */
public class InvalidModelException extends RuntimeException {

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
