package io.qforge.engine.train;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J workspace a training or evaluation step runs in: everything a step allocates is
 * reused by the next step, so resident memory stays flat (without it, ~3 GB; ND4J-NOTES.md).
 * Parameters and optimizer state live outside it.
 */
public final class Workspaces {
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.1)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private Workspaces() {
    }

    /** Runs {@code s} with no workspace active: what it allocates outlives every step. */
    public static <T> T detached(java.util.function.Supplier<T> s) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return s.get();
        }
    }

    /**
     * Frees every workspace of the calling thread (they keep the largest size a step needed, per
     * id, for the life of the thread). Called when a job ends, so an idle worker does not hold the
     * last job's peak; the next job's first step learns its sizes again.
     */
    public static void releaseAll() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }

    public static MemoryWorkspace step(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, id);
    }
}
