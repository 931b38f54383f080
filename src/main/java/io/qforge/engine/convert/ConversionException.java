package io.qforge.engine.convert;

/** A QAT graph pattern the integer conversion does not support; the message names the node. */
public final class ConversionException extends RuntimeException {
    public ConversionException(String message) {
        super(message);
    }
}
