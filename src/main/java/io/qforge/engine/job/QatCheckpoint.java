package io.qforge.engine.job;

import io.qforge.engine.quant.FakeQuantizer;
import io.qforge.engine.quant.MinMaxObserver;
import io.qforge.engine.quant.MovingAverageMinMaxObserver;
import io.qforge.engine.quant.Observer;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.train.Optimizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state a QAT job needs to resume after an epoch: the number of finished epochs, every
 * initializer of the QAT graph (weights, biases, BatchNorm running statistics, learned scales),
 * each quantizer's params and its min-max / moving-average observer statistics, and the
 * optimizer's state (step count; SGD velocity, Adam's first and second moments).
 *
 * <p>Not saved: percentile/MSE observer samples (those observers re-collect; their params are
 * restored). Version 1 checkpoints (no optimizer state; written before it was added) are still
 * read: the optimizer then restarts from zero. With a version 2 checkpoint a resumed run follows
 * the same data order with the same state and ends bit-identical to an uninterrupted one
 * (QatResumeTest).
 */
public final class QatCheckpoint {
    private static final int MAGIC_V1 = 0x51464b31; // "QFK1": without optimizer state
    private static final int MAGIC = 0x51464b32; // "QFK2"

    private QatCheckpoint() {
    }

    public static byte[] write(QatModel model, int epochsDone, Optimizer optimizer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(epochsDone);
            Map<String, INDArray> inits = model.graph().initializers();
            out.writeInt(inits.size());
            for (Map.Entry<String, INDArray> e : inits.entrySet()) {
                out.writeUTF(e.getKey());
                Nd4j.write(e.getValue(), out);
            }
            out.writeInt(model.quantizers().size());
            for (Map.Entry<String, FakeQuantizer> e : model.quantizers().entrySet()) {
                out.writeUTF(e.getKey());
                QuantParams p = e.getValue().params();
                writeDoubles(out, p.scales());
                writeInts(out, p.zeroPoints());
                Observer o = e.getValue().observer();
                double[][] stats = observerStatistics(o);
                out.writeInt(stats.length);
                for (double[] s : stats) {
                    writeDoubles(out, s);
                }
            }
            Optimizer.State opt = optimizer.state();
            out.writeLong(opt.steps());
            out.writeInt(opt.buffers().size());
            for (Map.Entry<String, INDArray[]> e : opt.buffers().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (INDArray b : e.getValue()) {
                    Nd4j.write(b, out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores {@code state} into a freshly prepared (and calibrated) model of the same graph and
     * config and into a new optimizer of the job's kind; returns the number of finished epochs.
     *
     * @throws IllegalArgumentException when the state does not belong to this model
     */
    public static int restore(QatModel model, Optimizer optimizer, byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new IllegalArgumentException("checkpoint: not a qforge QAT checkpoint");
            }
            int epochsDone = in.readInt();
            Map<String, INDArray> inits = model.graph().initializers();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                INDArray saved = Nd4j.read(in);
                INDArray target = inits.get(name);
                if (target == null || !Arrays.equals(target.shape(), saved.shape())) {
                    throw new IllegalArgumentException("checkpoint: tensor '" + name + "' " + Arrays.toString(saved.shape())
                            + " does not match the model (" + (target == null ? "absent" : Arrays.toString(target.shape())) + ")");
                }
                target.assign(saved);
            }
            int q = in.readInt();
            for (int i = 0; i < q; i++) {
                String name = in.readUTF();
                double[] scales = readDoubles(in);
                int[] zps = readInts(in);
                int k = in.readInt();
                double[][] stats = new double[k][];
                for (int j = 0; j < k; j++) {
                    stats[j] = readDoubles(in);
                }
                FakeQuantizer fq = model.quantizer(name);
                restoreObserver(fq.observer(), stats);
                QuantParams p = fq.params();
                fq.setParams(new QuantParams(scales, zps, p.axis(), p.range(), p.bits(), p.symmetry()));
            }
            if (magic == MAGIC) {
                optimizer.restore(readOptimizer(in, inits));
            }
            return epochsDone;
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint: unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static Optimizer.State readOptimizer(DataInputStream in, Map<String, INDArray> inits) throws IOException {
        long steps = in.readLong();
        int n = in.readInt();
        Map<String, INDArray[]> buffers = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            INDArray[] b = new INDArray[in.readInt()];
            INDArray param = inits.get(name);
            for (int j = 0; j < b.length; j++) {
                b[j] = Nd4j.read(in);
                if (param == null || !Arrays.equals(param.shape(), b[j].shape())) {
                    throw new IllegalArgumentException("checkpoint: optimizer state of '" + name + "' "
                            + Arrays.toString(b[j].shape()) + " does not match the model ("
                            + (param == null ? "absent" : Arrays.toString(param.shape())) + ")");
                }
            }
            buffers.put(name, b);
        }
        return new Optimizer.State(steps, buffers);
    }

    private static double[][] observerStatistics(Observer o) {
        if (o instanceof MinMaxObserver m && m.hasObservations()) {
            return new double[][] {m.min(), m.max()};
        }
        if (o instanceof MovingAverageMinMaxObserver m && m.hasObservations()) {
            return new double[][] {m.min(), m.max(), m.tensorRange()};
        }
        return new double[0][];
    }

    private static void restoreObserver(Observer o, double[][] stats) {
        if (o instanceof MinMaxObserver m && stats.length == 2) {
            m.restore(stats[0], stats[1]);
        } else if (o instanceof MovingAverageMinMaxObserver m && stats.length == 3) {
            m.restore(stats[0], stats[1], stats[2]);
        }
    }

    private static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        for (double d : v) {
            out.writeDouble(d);
        }
    }

    private static void writeInts(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int d : v) {
            out.writeInt(d);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] v = new double[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] v = new int[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }
}
