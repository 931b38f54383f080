package io.qforge.jobs;

/** Thrown by the progress sink to stop a running job; the runner acts on {@link #reason()}. */
public class JobStoppedException extends RuntimeException {
    public enum Reason {
        /** The user cancelled it: the job ends CANCELLED. */
        CANCELLED,
        /** This worker is shutting down: the job goes back to the queue. */
        SHUTDOWN,
        /** Another worker owns the job now (the lease expired): leave it alone. */
        LEASE_LOST
    }

    private final Reason reason;

    public JobStoppedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
