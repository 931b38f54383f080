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
                    + modelSample + " but the dataset's samples have shape " + dataSample + reuploadHint(dataset, modelSample),
                    dataSample.toString()));
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

    /**
     * For a dataset made from images at upload, what to upload again with: the conversion fixed
     * channels, height and width, and the model wants others.
     */
    private static String reuploadHint(DatasetSummary dataset, List<Long> modelSample) {
        var source = dataset.source();
        if (source == null || !"image-folder".equals(source.format()) || modelSample.size() != 3) {
            return "";
        }
        long c = modelSample.get(0);
        long h = modelSample.get(1);
        long w = modelSample.get(2);
        var how = dataset.conversion();
        String made = how == null ? "" : " (made at upload with channels=" + how.get("channels") + ", height="
                + how.get("height") + ", width=" + how.get("width") + ")";
        if (c != 1 && c != 3 && c > 0) {
            return made + "; the model wants " + c + " channels, and image folders convert to 1 or 3";
        }
        return made + "; upload the images again with " + (c > 0 ? "channels=" + c : "")
                + (h > 0 && w > 0 ? (c > 0 ? ", " : "") + "height=" + h + ", width=" + w : "");
    }
}
