package io.qforge.jobs;


/**
 * PLACEHOLDER until the engine's whole-job call is on main: every job fails with
 * "engine not wired yet". {@link EnginePorts} registers it; the integrator
 * replaces it with the adapters over {@code io.qforge.engine}.
 */
public final class UnwiredEngine implements JobEngine {
    static final String MESSAGE = "engine not wired yet: the whole-job adapter over io.qforge.engine is not registered in EnginePorts";

    @Override
    public JobResult run(JobRun run) {
        throw new IllegalStateException(MESSAGE);
    }

}
