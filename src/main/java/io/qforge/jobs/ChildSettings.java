package io.qforge.jobs;

import io.qforge.config.QforgeProperties;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The resolved memory settings of a job's child JVM.
 *
 * <p>Defaults: the budget is what the machine (or the container: the JVM reads the cgroup limit)
 * has left after this JVM's maximum heap and 1 GiB for this JVM's other memory (metaspace, threads,
 * the natives that inspect uploads, PostgreSQL when embedded), shared equally by
 * {@code qforge.workers.count} workers, and at least 1 GiB. The child's heap is a quarter of the
 * budget (at least 512 MiB): training tensors live off the heap, in ND4J/JavaCPP buffers, which may
 * take the rest ({@code -Dorg.bytedeco.javacpp.maxBytes = budget - heap}); JavaCPP also refuses
 * allocations once the child's resident memory passes the budget ({@code maxPhysicalBytes}).
 *
 * @param budget resident bytes one child may use; the parent kills it past this
 * @param heap the child's {@code -Xmx}
 * @param explicitBudget whether the budget was set (for messages and the start-up log)
 * @param nice the child's scheduling niceness (0: as this JVM)
 */
record ChildSettings(long budget, long heap, boolean explicitBudget, long killGraceMillis, List<String> extraJvmOptions,
        int nice) {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    static ChildSettings of(QforgeProperties.Workers w) {
        boolean explicit = w.getMemoryBudget() != null;
        long budget = explicit ? w.getMemoryBudget().toBytes() : defaultBudget(w.getCount());
        long heap = w.getChildHeap() != null ? w.getChildHeap().toBytes() : Math.max(512 * MIB, budget / 4);
        if (heap >= budget) {
            throw new IllegalArgumentException("qforge.workers.child-heap (" + size(heap)
                    + ") must be smaller than qforge.workers.memory-budget (" + size(budget) + ")");
        }
        if (w.getChildNice() < 0 || w.getChildNice() > 19) {
            throw new IllegalArgumentException("qforge.workers.child-nice must be between 0 and 19, not " + w.getChildNice());
        }
        String extra = w.getChildJvmOptions() == null ? "" : w.getChildJvmOptions().trim();
        return new ChildSettings(budget, heap, explicit, w.getKillGrace().toMillis(),
                extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")), w.getChildNice());
    }

    /** JavaCPP's limit on the off-heap bytes it tracks (ND4J's buffers): what the heap leaves of the budget. */
    long offHeap() {
        return budget - heap;
    }

    static long defaultBudget(int workers) {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        long left = total - Runtime.getRuntime().maxMemory() - GIB;
        return Math.max(GIB, left / Math.max(1, workers));
    }

    /** 6442450944 -> "6 GiB", 6550000000 -> "6.10 GiB", 805306368 -> "768 MiB", 300000000 -> "286.1 MiB". */
    static String size(long bytes) {
        if (bytes >= GIB && bytes % GIB == 0) return bytes / GIB + " GiB";
        if (bytes >= GIB) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
        if (bytes % MIB == 0) return bytes / MIB + " MiB";
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
