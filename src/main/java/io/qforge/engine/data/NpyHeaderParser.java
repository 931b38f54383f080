package io.qforge.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a {@code .npy} stream (format versions 1.0, 2.0 and 3.0):
 *
 * <pre>
 * "\x93NUMPY" major minor  header_len (uint16 LE in v1, uint32 LE in v2/v3)  header
 * header = "{'descr': '&lt;f4', 'fortran_order': False, 'shape': (60000, 28, 28), }" padded with spaces, '\n'
 * </pre>
 *
 * The header is a Python dict literal; this parses the small subset numpy writes (strings, True,
 * False, None, integers, tuples, lists, dicts) and never evaluates anything.
 */
final class NpyHeaderParser {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy itself refuses headers above 10000 bytes by default; leave room for wide shapes. */
    private static final int MAX_HEADER_LENGTH = 1 << 16;
    /**
     * Deepest nesting of dicts, tuples and lists accepted; numpy writes 2 (a dict holding a tuple),
     * a structured dtype a few more. Bounds the parser's recursion.
     */
    static final int MAX_NESTING = 16;

    private final String name;
    private final String text;
    private int pos;
    private int depth;

    private NpyHeaderParser(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** Reads magic, version and header from {@code in}, leaving it at the first data byte. */
    static NpyHeader read(InputStream in, String name) throws IOException {
        byte[] start = in.readNBytes(10);
        if (start.length < 8) {
            throw new DatasetException(name + " is not a .npy array: it has only " + start.length + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (start[i] != MAGIC[i]) {
                throw new DatasetException(name + " is not a .npy array: it does not start with the magic \\x93NUMPY");
            }
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        long headerLength;
        if (major == 1) {
            if (start.length < 10) {
                throw truncatedHeader(name);
            }
            headerLength = (start[8] & 0xFF) | (start[9] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (start.length < 10 || more.length < 2) {
                throw truncatedHeader(name);
            }
            headerLength = (start[8] & 0xFFL) | (start[9] & 0xFFL) << 8 | (more[0] & 0xFFL) << 16
                    | (more[1] & 0xFFL) << 24;
        } else {
            throw new DatasetException(name + " uses .npy format version " + major + "." + minor
                    + "; versions 1.0, 2.0 and 3.0 are supported");
        }
        if (headerLength > MAX_HEADER_LENGTH) {
            throw new DatasetException(name + " has a .npy header of " + headerLength + " bytes; at most "
                    + MAX_HEADER_LENGTH + " are accepted");
        }
        byte[] header = in.readNBytes((int) headerLength);
        if (header.length < headerLength) {
            throw truncatedHeader(name);
        }
        String text = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new NpyHeaderParser(name, text).parseHeader();
    }

    private static DatasetException truncatedHeader(String name) {
        return new DatasetException(name + " is truncated: the file ends inside its .npy header");
    }

    private NpyHeader parseHeader() {
        Object value = parseValue();
        skipSpace();
        if (pos != text.length() || !(value instanceof Map<?, ?> dict)) {
            throw malformed("expected one dict literal");
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw malformed("the key '" + key + "' is missing");
            }
        }
        long[] shape = shape(dict.get("shape"));
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw malformed("fortran_order is " + fortran + ", expected True or False");
        }
        Object descr = dict.get("descr");
        if (holdsObjectType(descr)) {
            throw new PickledArrayException(name + " has object dtype "
                    + (descr instanceof String d ? "'" + d + "'" : describe(descr)) + ": pickled arrays are refused");
        }
        if (!(descr instanceof String d)) {
            throw new DatasetException(name + " has a structured dtype " + describe(descr)
                    + "; only plain numeric arrays are supported");
        }
        return dtype(d, (Boolean) fortran, shape);
    }

    private NpyHeader dtype(String descr, boolean fortran, long[] shape) {
        String body = descr;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (!body.isEmpty() && "<>|=".indexOf(body.charAt(0)) >= 0) {
            char c = body.charAt(0);
            order = c == '>' ? ByteOrder.BIG_ENDIAN : c == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
            body = body.substring(1);
        }
        if (body.startsWith("O")) {
            throw new PickledArrayException(name + " has object dtype '" + descr + "': pickled arrays are refused");
        }
        NpyDtype dtype = NpyDtype.fromCode(body);
        if (dtype == null) {
            throw new DatasetException(name + " has dtype '" + descr + "', which is not supported; supported are "
                    + "bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32 and float64");
        }
        NpyHeader header = new NpyHeader(name, dtype, order, fortran, shape, descr);
        if (header.elementCount() > Long.MAX_VALUE / dtype.size()) {
            throw new DatasetException(name + " has shape " + header.shapeString() + " of " + dtype.numpyName()
                    + " whose size in bytes overflows 64 bits");
        }
        return header;
    }

    private long[] shape(Object value) {
        if (!(value instanceof List<?> dims)) {
            throw malformed("shape is " + describe(value) + ", expected a tuple of integers");
        }
        long[] shape = new long[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw malformed("shape " + describe(value) + " has a dimension that is not a non-negative integer");
            }
            shape[i] = d;
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new DatasetException(name + " has shape " + NpyHeader.shapeString(shape)
                        + " whose element count overflows 64 bits");
            }
        }
        return shape;
    }

    /** True for an object type code ({@code O}, {@code |O}, {@code O8}) anywhere in a (structured) descr. */
    private static boolean holdsObjectType(Object descr) {
        if (descr instanceof String d) {
            String body = !d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0 ? d.substring(1) : d;
            return body.equals("O") || body.equals("O4") || body.equals("O8");
        }
        if (descr instanceof List<?> items) {
            return items.stream().anyMatch(NpyHeaderParser::holdsObjectType);
        }
        return false;
    }

    private DatasetException malformed(String what) {
        String shown = text.strip();
        if (shown.length() > 200) {
            shown = shown.substring(0, 200) + "... (" + shown.length() + " characters)";
        }
        return new DatasetException(name + " has a malformed .npy header (" + what + "): " + shown);
    }

    private static String describe(Object v) {
        return String.valueOf(v);
    }

    // --- a tiny parser for the Python literals numpy writes ---

    private Object parseValue() {
        skipSpace();
        if (pos >= text.length()) {
            throw malformed("unexpected end");
        }
        char c = text.charAt(pos);
        if (c == '{' || c == '(' || c == '[') {
            if (++depth > MAX_NESTING) {
                throw new DatasetException(name + " has a malformed .npy header (brackets nested deeper than "
                        + MAX_NESTING + " levels)");
            }
            Object v = c == '{' ? parseDict() : parseSequence(c == '(' ? ')' : ']');
            depth--;
            return v;
        }
        if (c == '\'' || c == '"') {
            return parseString(c);
        }
        if (c == '-' || Character.isDigit(c)) {
            return parseInteger();
        }
        if (Character.isLetter(c)) {
            int start = pos;
            while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
                pos++;
            }
            String word = text.substring(start, pos);
            return switch (word) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> "None";
                default -> throw malformed("unexpected word '" + word + "'");
            };
        }
        throw malformed("unexpected character '" + c + "' at " + pos);
    }

    private Map<String, Object> parseDict() {
        Map<String, Object> map = new HashMap<>();
        pos++; // {
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            Object key = parseValue();
            if (!(key instanceof String k)) {
                throw malformed("a dict key is not a string");
            }
            skipSpace();
            expect(':');
            map.put(k, parseValue());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw malformed("expected ',' or '}' at " + pos);
            }
        }
    }

    private List<Object> parseSequence(char close) {
        List<Object> items = new ArrayList<>();
        pos++; // ( or [
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(parseValue());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != close) {
                throw malformed("expected ',' or '" + close + "' at " + pos);
            }
        }
    }

    private String parseString(char quote) {
        int start = ++pos;
        while (pos < text.length() && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\\') {
                throw malformed("escape sequences in strings are not supported");
            }
            pos++;
        }
        if (pos >= text.length()) {
            throw malformed("unterminated string");
        }
        return text.substring(start, pos++);
    }

    private Long parseInteger() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == 'L') {
            pos++; // Python 2 long suffix, written by very old numpy
            return parseLong(text.substring(start, pos - 1));
        }
        return parseLong(text.substring(start, pos));
    }

    private Long parseLong(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw malformed("'" + digits + "' is not a 64-bit integer");
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw malformed("unexpected end");
        }
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw malformed("expected '" + c + "' at " + pos);
        }
        pos++;
    }
}
