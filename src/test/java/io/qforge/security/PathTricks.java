package io.qforge.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Spellings of one path that a router and a security check might read differently: path
 * parameters, percent-encoded letters, encoded dots and slashes, doubled slashes, dot segments,
 * a trailing slash, upper case.
 */
final class PathTricks {
    private PathTricks() {}

    static Set<String> of(String path) {
        String[] segments = path.substring(1).split("/");
        var tricks = new LinkedHashSet<String>();
        for (int i = 0; i < segments.length; i++) {
            tricks.add(with(segments, i, segments[i] + ";x=1"));
            tricks.add(with(segments, i, segments[i] + ";"));
            tricks.add(with(segments, i, ";" + segments[i]));
            tricks.add(with(segments, i, encodeFirst(segments[i])));
            tricks.add(with(segments, i, segments[i].toUpperCase(Locale.ROOT)));
            tricks.add(with(segments, i, "." + "/" + segments[i]));
            tricks.add(with(segments, i, "/" + segments[i]));
            tricks.add(with(segments, i, "%2e/" + segments[i]));
            tricks.add(with(segments, i, "x/../" + segments[i]));
            tricks.add(with(segments, i, "x/%2e%2e/" + segments[i]));
            tricks.add(with(segments, i, "x%2f..%2f" + segments[i]));
            tricks.add(with(segments, i, "x%5c..%5c" + segments[i]));
            tricks.add(with(segments, i, segments[i] + "%2f"));
            tricks.add(with(segments, i, segments[i] + "%20"));
        }
        tricks.add("/" + path);
        tricks.add(path + "/");
        tricks.add(path + "/.");
        tricks.add(path + "%2f");
        tricks.add(path + "//");
        tricks.add(path + ";");
        tricks.add("/." + path);
        tricks.add(path.replace("/v1/", "/v1/%2e/"));
        tricks.add(path.replace("/v1/", "/v1%2f"));
        tricks.add(path.replace("/v1/", "/V1/"));
        tricks.add(path.replace("/v1/", "/v1/x/../"));
        tricks.remove(path);
        return tricks;
    }

    private static String with(String[] segments, int index, String replacement) {
        List<String> copy = new ArrayList<>(List.of(segments));
        copy.set(index, replacement);
        return "/" + String.join("/", copy);
    }

    private static String encodeFirst(String segment) {
        return String.format("%%%02x", (int) segment.charAt(0)) + segment.substring(1);
    }
}
