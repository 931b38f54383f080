package io.qforge.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's resident memory from {@code /proc/<pid>/status} (Linux): {@code VmRSS} now and
 * {@code VmHWM}, its peak. Empty where there is no such file (another OS, or the process is gone).
 */
record ProcStatus(long rssBytes, long peakRssBytes) {

    static Optional<ProcStatus> of(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"));
    }

    static Optional<ProcStatus> self() {
        return read(Path.of("/proc/self/status"));
    }

    private static Optional<ProcStatus> read(Path status) {
        String text;
        try {
            text = Files.readString(status);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        long rss = -1;
        long hwm = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("VmRSS:")) rss = kilobytes(line);
            else if (line.startsWith("VmHWM:")) hwm = kilobytes(line);
        }
        if (rss < 0) return Optional.empty(); // a zombie has no memory lines
        return Optional.of(new ProcStatus(rss, Math.max(rss, hwm)));
    }

    /** "VmRSS:	  123456 kB" -> bytes. */
    private static long kilobytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
    }
}
