package io.qforge.jobs;

import io.qforge.engine.quant.QuantConfigException;
import io.qforge.api.FieldProblem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Reads a job spec from JSON and checks every field before anything is queued: wrong types,
 * out-of-range values, unknown enum names and unknown fields each give one {@link FieldProblem}
 * naming the field ({@code spec.<name>}), the value and what is allowed (with a "did you mean"
 * for near-miss names). Absent fields take {@link JobSpec#defaults()}.
 */
public final class JobSpecParser {
    /** The parsed spec, or the problems (never both). */
    public record Result(JobSpec spec, List<FieldProblem> problems) {}

    private static final String[] FIELDS = JobSpecFields.names();

    private final JsonNode node;
    private final List<FieldProblem> problems = new ArrayList<>();

    private JobSpecParser(JsonNode node) {
        this.node = node;
    }

    public static Result parse(JsonNode spec) {
        if (spec == null || spec.isNull() || spec.isMissingNode()) {
            return new Result(JobSpec.defaults(), List.of());
        }
        if (!spec.isObject()) {
            return new Result(null, List.of(new FieldProblem("spec", "must be a JSON object", spec.toString())));
        }
        return new JobSpecParser(spec).run();
    }

    private Result run() {
        var d = JobSpec.defaults();
        for (String name : node.propertyNames()) {
            if (!Arrays.asList(FIELDS).contains(name)) {
                problems.add(new FieldProblem("spec." + name, "is not a job spec field" + didYouMean(name, FIELDS), null));
            }
        }
        int weightBits = integer(JobSpecFields.WEIGHT_BITS);
        int activationBits = integer(JobSpecFields.ACTIVATION_BITS);
        var granularity = enumeration(JobSpecFields.WEIGHT_GRANULARITY, JobSpec.Granularity.class, d.weightGranularity());
        var symmetry = enumeration(JobSpecFields.ACTIVATION_SYMMETRY, JobSpec.Symmetry.class, d.activationSymmetry());
        var observer = enumeration(JobSpecFields.OBSERVER, JobSpec.Observer.class, d.observer());
        int calibrationBatches = integer(JobSpecFields.CALIBRATION_BATCHES);
        boolean learnedRanges = bool(JobSpecFields.LEARNED_RANGES.name(), d.learnedRanges());
        int epochs = integer(JobSpecFields.EPOCHS);
        double learningRate = number(JobSpecFields.LEARNING_RATE, d.learningRate());
        var schedule = enumeration(JobSpecFields.SCHEDULE, JobSpec.Schedule.class, d.schedule());
        var optimizer = enumeration(JobSpecFields.OPTIMIZER, JobSpec.Optimizer.class, d.optimizer());
        double momentum = number(JobSpecFields.MOMENTUM, d.momentum());
        double weightDecay = number(JobSpecFields.WEIGHT_DECAY, d.weightDecay());
        int batchSize = integer(JobSpecFields.BATCH_SIZE);
        int freezeBn = integer(JobSpecFields.FREEZE_BATCH_NORM);
        int freezeObs = integer(JobSpecFields.FREEZE_OBSERVERS);
        long seed = longValue(JobSpecFields.SEED.name(), d.seed());
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        JobSpec spec = new JobSpec(weightBits, activationBits, granularity, symmetry, observer, calibrationBatches,
                learnedRanges, epochs, learningRate, schedule, optimizer, momentum, weightDecay, batchSize, freezeBn,
                freezeObs, seed);
        engineProblems(spec);
        return problems.isEmpty() ? new Result(spec, List.of()) : new Result(null, List.copyOf(problems));
    }

    /** The engine validates its configs too; what it refuses (combinations) becomes a problem per field. */
    private void engineProblems(JobSpec spec) {
        try {
            EngineSpecs.toEngine(spec);
        } catch (QuantConfigException e) {
            for (String error : e.errors()) {
                int colon = error.indexOf(':');
                String field = colon > 0 ? "spec." + error.substring(0, colon) : "spec";
                problems.add(new FieldProblem(field, colon > 0 ? error.substring(colon + 1).trim() : error, null));
            }
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("spec", e.getMessage(), null));
        }
    }

    private int integer(JobSpecFields.Field f) {
        String field = f.name();
        int fallback = (Integer) f.defaultValue();
        int min = f.minimum().intValue();
        int max = f.maximum().intValue();
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problems.add(new FieldProblem("spec." + field, "must be an integer from " + min + " to " + max, value(v)));
            return fallback;
        }
        int i = v.intValue();
        if (i < min || i > max) {
            problems.add(new FieldProblem("spec." + field, "must be from " + min + " to " + max + ", got " + i, i));
        }
        return i;
    }

    private long longValue(String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problems.add(new FieldProblem("spec." + field, "must be an integer", value(v)));
            return fallback;
        }
        return v.longValue();
    }

    private double number(JobSpecFields.Field f, double fallback) {
        String field = f.name();
        String allowed = f.range();
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) {
            problems.add(new FieldProblem("spec." + field, "must be a number (" + allowed + ")", value(v)));
            return fallback;
        }
        double x = v.doubleValue();
        if (!f.allows(x)) {
            problems.add(new FieldProblem("spec." + field, "must satisfy " + allowed + ", got " + x, x));
        }
        return x;
    }

    private boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isBoolean()) {
            problems.add(new FieldProblem("spec." + field, "must be true or false", value(v)));
            return fallback;
        }
        return v.booleanValue();
    }

    private <E extends Enum<E>> E enumeration(JobSpecFields.Field f, Class<E> type, E fallback) {
        String field = f.name();
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        String[] names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toArray(String[]::new);
        if (v.isString()) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(v.stringValue())) return e;
            }
        }
        String hint = v.isString() ? didYouMean(v.stringValue(), names) : "";
        problems.add(new FieldProblem("spec." + field, "must be one of " + String.join(", ", names) + hint, value(v)));
        return fallback;
    }

    private static Object value(JsonNode v) {
        return v.isString() ? v.stringValue() : v.toString();
    }

    /** " (did you mean 'x'?)" when a candidate is within edit distance 3 (case-insensitive), else "". */
    static String didYouMean(String given, String[] candidates) {
        Map<String, Integer> distance = new LinkedHashMap<>();
        for (String c : candidates) {
            distance.put(c, levenshtein(given.toLowerCase(), c.toLowerCase()));
        }
        return distance.entrySet().stream().min(Comparator.comparingInt(Map.Entry::getValue))
                .filter(e -> e.getValue() <= 3)
                .map(e -> " (did you mean '" + e.getKey() + "'?)").orElse("");
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

}
