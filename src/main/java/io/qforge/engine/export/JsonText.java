package io.qforge.engine.export;

/**
 * A minimal JSON writer (objects, arrays, strings, numbers) so the engine needs no JSON library.
 * Callers place commas; strings are escaped per RFC 8259; numbers must be finite.
 */
final class JsonText {

    private final StringBuilder out = new StringBuilder();

    JsonText raw(String s) {
        out.append(s);
        return this;
    }

    JsonText string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return this;
    }

    /** {@code "key": } */
    JsonText key(String k) {
        return string(k).raw(": ");
    }

    JsonText number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("JSON number " + v + " is not allowed (finite only)");
        }
        out.append(Double.toString(v)); // shortest round-trip form, e.g. 0.0, -1.25, 1.0E-4
        return this;
    }

    JsonText number(long v) {
        out.append(v);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
