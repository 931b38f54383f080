package io.qforge.storage;

/**
 * The name stored for an upload, from the {@code name} field or the multipart filename: only the
 * last path segment ({@code ../../tmp/x.onnx} -> {@code x.onnx}, either slash), without control
 * or invisible formatting characters (such as a right-to-left override), trimmed, and at most
 * {@code maxLength} characters. {@code null} when nothing usable is left.
 */
final class UploadNames {
    private UploadNames() {}

    static String clean(String raw, int maxLength) {
        if (raw == null) return null;
        String last = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        var out = new StringBuilder(Math.min(last.length(), maxLength));
        last.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .forEach(out::appendCodePoint);
        String name = out.toString().strip();
        if (name.codePointCount(0, name.length()) > maxLength) {
            name = name.substring(0, name.offsetByCodePoints(0, maxLength)).strip();
        }
        return name.isEmpty() || name.equals(".") || name.equals("..") ? null : name;
    }
}
