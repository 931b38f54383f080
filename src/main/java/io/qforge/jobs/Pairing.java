package io.qforge.jobs;

import io.qforge.api.FieldProblem;
import io.qforge.storage.DatasetSummary;
import io.qforge.storage.ModelSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Can this model train on this dataset? The model's first input, without its batch axis, must
 * have the dataset's sample shape (a model dimension of -1 matches any size), and the model's
 * first output must have at least as many classes (last axis) as the dataset (largest label + 1).
 */
final class Pairing {
    private Pairing() {}

    static List<FieldProblem> check(ModelSummary model, DatasetSummary dataset) {
        var problems = new ArrayList<FieldProblem>();
        if (model.inputs().isEmpty() || model.outputs().isEmpty()) {
            problems.add(FieldProblem.of("modelId", "the model has no graph input or output"));
            return problems;
        }
        var input = model.inputs().get(0);
        var modelSample = input.shape().subList(Math.min(1, input.shape().size()), input.shape().size());
        var dataSample = dataset.sampleShape();
        boolean same = modelSample.size() == dataSample.size();
        for (int i = 0; same && i < modelSample.size(); i++) {
            long m = modelSample.get(i);
            same = m < 0 || m == dataSample.get(i);
        }
        if (!same) {
            problems.add(new FieldProblem("datasetId", "the model input '" + input.name() + "' takes samples of shape "
                    + modelSample + " but the dataset's samples have shape " + dataSample, dataSample.toString()));
        }
        var output = model.outputs().get(0);
        long modelClasses = output.shape().isEmpty() ? -1 : output.shape().get(output.shape().size() - 1);
        if (modelClasses > 0 && dataset.classes() > modelClasses) {
            problems.add(new FieldProblem("datasetId", "the dataset has " + dataset.classes() + " classes (labels 0.."
                    + (dataset.classes() - 1) + ") but the model output '" + output.name() + "' has " + modelClasses,
                    dataset.classes()));
        }
        return problems;
    }
}
