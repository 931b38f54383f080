package io.qforge.engine.job;

import java.util.function.Supplier;

/** Times the steps inside a job's phases and reports each to {@link JobListener#timing}. */
record StepTimer(JobListener listener) {
    static final StepTimer NONE = new StepTimer(JobListener.NONE);

    <T> T time(String step, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            listener.timing(step, (System.nanoTime() - start) / 1e9);
        }
    }
}
