package io.qforge.engine.job;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.data.Batches;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-layer quantization error: {@code SQNR_dB = 10 log10(sum(y^2) / sum((y - y_q)^2))} of each
 * layer output on one batch of training (calibration) data, with {@code y} the fine-tuned model in
 * float (fake quantization off) and {@code y_q} the integer engine's output, dequantized. Shape-only
 * layers (max pool, reshape, flatten) repeat their input and are left out. Low values point at the
 * layers that hurt accuracy.
 */
final class LayerErrors {
    private LayerErrors() {
    }

    static List<JobReport.LayerError> of(QatModel qat, IntModel intModel, IntExecutor int8, INDArray x, int bs) {
        int[] idx = Batches.sequential((int) Math.min(x.size(0), bs), bs).get(0);
        INDArray batch = Batches.gather(x, idx);
        Map<String, INDArray> ints = int8.runAll(batch);
        Executor exec = qat.executor();
        Executor.Pass pass;
        qat.setFakeQuantEnabled(false);
        try {
            pass = exec.forward(batch, false, false);
        } finally {
            qat.setFakeQuantEnabled(true);
        }
        List<JobReport.LayerError> out = new ArrayList<>();
        for (IntLayer layer : intModel.layers()) {
            if (layer instanceof IntLayer.MaxPool || layer instanceof IntLayer.Reshape || layer instanceof IntLayer.Flatten) {
                continue;
            }
            for (String tensor : layer.outputs()) {
                INDArray yf = pass.value(tensor);
                INDArray yq = ints.get(tensor);
                if (yf == null || yq == null) {
                    continue;
                }
                QuantParams p = intModel.encoding(tensor);
                INDArray deq = yq.castTo(DataType.DOUBLE).subi(p.zeroPoint(0)).muli(p.scale(0));
                INDArray ref = yf.castTo(DataType.DOUBLE);
                double signal = ref.mul(ref).sumNumber().doubleValue();
                INDArray err = ref.sub(deq.reshape(ref.shape()));
                double noise = err.muli(err).sumNumber().doubleValue();
                Double sqnr = noise == 0 ? null : 10 * Math.log10(signal / noise);
                out.add(new JobReport.LayerError(tensor, layer.name(), layer.getClass().getSimpleName(), sqnr));
            }
        }
        return out;
    }
}
