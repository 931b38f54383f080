package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX GlobalAveragePool: X [N,C,d1..dk] -> Y [N,C,1..1], the mean over the spatial axes.
 * Backward: {@code dX = G / (d1*...*dk)} broadcast over the spatial axes.
 */
final class GlobalAveragePoolOp implements Op {
    private final Node node;

    GlobalAveragePoolOp(Node node) {
        this.node = node;
    }

    private int[] spatial(INDArray x) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("GlobalAveragePool '" + node.name() + "': input of shape "
                    + Arrays.toString(x.shape()) + " has no spatial axes");
        }
        int[] dims = new int[x.rank() - 2];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 2;
        }
        return dims;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        return new INDArray[] {x.mean(true, spatial(x))};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        spatial(x);
        long count = x.length() / (x.size(0) * x.size(1));
        INDArray g = gradOutputs[0];
        if (FloatKernels.plain(g) && x.dataType() == DataType.FLOAT) {
            // one pass: ND4J's broadcast + divide cost ~10 ms a call on regnet's squeeze-excitation inputs
            FloatBuffer gb = FloatKernels.buffer(g);
            INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
            FloatBuffer ob = FloatKernels.buffer(dx);
            int planes = (int) (x.size(0) * x.size(1));
            int inner = (int) count;
            for (int i = 0; i < planes; i++) {
                float v = gb.get(i) / count;
                for (int k = 0, base = i * inner; k < inner; k++) {
                    ob.put(base + k, v);
                }
            }
            return new INDArray[] {dx};
        }
        return new INDArray[] {g.broadcast(x.shape()).divi(count)};
    }
}
