package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Thin wrapper over ND4J's {@link DynamicCustomOp} calls (op names and arguments: ND4J-NOTES.md). */
final class CustomOps {
    private CustomOps() {
    }

    /** Runs libnd4j custom op {@code name}; null entries of {@code inputs} are skipped. */
    static INDArray[] exec(String name, INDArray[] inputs, int[] iArgs, double... tArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(name);
        // addInputs replaces the builder's inputs: pass them all in one call
        b.addInputs(java.util.Arrays.stream(inputs).filter(java.util.Objects::nonNull).toArray(INDArray[]::new));
        if (iArgs != null && iArgs.length > 0) {
            b.addIntegerArguments(iArgs);
        }
        if (tArgs != null && tArgs.length > 0) {
            Double[] boxed = new Double[tArgs.length];
            for (int i = 0; i < tArgs.length; i++) {
                boxed[i] = tArgs[i];
            }
            b.addFloatingPointArguments(boxed);
        }
        return Nd4j.exec(b.build());
    }

    static INDArray[] exec(String name, INDArray... inputs) {
        return exec(name, inputs, null);
    }
}
