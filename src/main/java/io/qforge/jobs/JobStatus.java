package io.qforge.jobs;

/** {@code QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED}; a lost lease sends RUNNING back to QUEUED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
