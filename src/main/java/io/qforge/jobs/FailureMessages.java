package io.qforge.jobs;

import org.bytedeco.javacpp.Pointer;
import org.springframework.dao.DataAccessException;

/** What a FAILED job tells its user about the throwable that ended it. */
final class FailureMessages {
    private static final long MIB = 1024 * 1024;

    private FailureMessages() {}

    static String of(Throwable e) {
        if (e instanceof OutOfMemoryError oom) return outOfMemory(oom);
        // engine messages name what is wrong and are meant for the user; storage internals are not
        if (e instanceof DataAccessException) return "Internal storage error while running the job; see the service log";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Names both memory pools a job uses: the Java heap ({@code -Xmx}) and ND4J's off-heap
     * buffers (JavaCPP's {@code org.bytedeco.javacpp.maxBytes} / {@code maxPhysicalBytes}), with
     * the limits in force, and the spec field that scales them.
     */
    static String outOfMemory(OutOfMemoryError e) {
        return "The job ran out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage()) + "). "
                + "Memory settings of this process: Java heap max " + Runtime.getRuntime().maxMemory() / MIB
                + " MiB (-Xmx), ND4J off-heap max " + Pointer.maxBytes() / MIB
                + " MiB (-Dorg.bytedeco.javacpp.maxBytes), process max " + Pointer.maxPhysicalBytes() / MIB
                + " MiB (-Dorg.bytedeco.javacpp.maxPhysicalBytes). Give the worker more memory "
                + "(e.g. JAVA_TOOL_OPTIONS=\"-Xmx4g -Dorg.bytedeco.javacpp.maxBytes=8g\") or use a smaller spec.batchSize.";
    }
}
