package io.qforge.jobs;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The job spec's fields, each with its type, default, allowed range or values and meaning: the one
 * table {@link JobSpecParser} validates with, {@code GET /v1/job-spec} serves (the dashboard's job
 * form is built from it) and a test holds {@code openapi.yaml}'s {@code JobSpec} schema to. Defaults
 * are read from {@link JobSpec#defaults()}, enum values from the enum types.
 */
public final class JobSpecFields {

    /** How a field's JSON value is typed: {@code integer} (int, or int64 without a range), {@code number}, {@code boolean}, {@code string} (an enum). */
    public record Field(String name, String type, Function<JobSpec, Object> read, Number minimum, boolean exclusiveMinimum,
                        Number maximum, boolean exclusiveMaximum, Class<? extends Enum<?>> values, String description) {

        public Object defaultValue() {
            return read.apply(JobSpec.defaults());
        }

        public List<String> enumValues() {
            return values == null ? List.of() : Arrays.stream(values.getEnumConstants()).map(Enum::name).toList();
        }

        /** The allowed range as a condition, e.g. {@code 0 < learningRate <= 10}. */
        public String range() {
            return plain(minimum) + (exclusiveMinimum ? " < " : " <= ") + name + (exclusiveMaximum ? " < " : " <= ")
                    + plain(maximum);
        }

        /** Whether {@code v} is within the range (both bounds are always set for integer and number fields with one). */
        public boolean allows(double v) {
            double min = minimum.doubleValue();
            double max = maximum.doubleValue();
            return (exclusiveMinimum ? v > min : v >= min) && (exclusiveMaximum ? v < max : v <= max);
        }

        /** As {@code GET /v1/job-spec} shows it (JSON Schema keywords). */
        public Map<String, Object> view() {
            var m = new LinkedHashMap<String, Object>();
            m.put("name", name);
            m.put("type", type);
            m.put("default", defaultValue());
            if (minimum != null) {
                m.put("minimum", minimum);
                m.put("exclusiveMinimum", exclusiveMinimum);
            }
            if (maximum != null) {
                m.put("maximum", maximum);
                m.put("exclusiveMaximum", exclusiveMaximum);
            }
            if (values != null) m.put("enum", enumValues());
            m.put("description", description);
            return m;
        }
    }

    public static final Field WEIGHT_BITS = integer("weightBits", JobSpec::weightBits, 2, 8, "bits per weight");
    public static final Field ACTIVATION_BITS = integer("activationBits", JobSpec::activationBits, 2, 8,
            "bits per activation");
    public static final Field WEIGHT_GRANULARITY = choice("weightGranularity", JobSpec::weightGranularity,
            JobSpec.Granularity.class, "one weight scale per output channel, or one per tensor");
    public static final Field ACTIVATION_SYMMETRY = choice("activationSymmetry", JobSpec::activationSymmetry,
            JobSpec.Symmetry.class, "ASYMMETRIC: activations get a zero point; SYMMETRIC: zero point 0");
    public static final Field OBSERVER = choice("observer", JobSpec::observer, JobSpec.Observer.class,
            "how activation ranges are estimated during calibration");
    public static final Field CALIBRATION_BATCHES = integer("calibrationBatches", JobSpec::calibrationBatches, 1, 10_000,
            "training batches fed to the observers before QAT");
    public static final Field LEARNED_RANGES = new Field("learnedRanges", "boolean", JobSpec::learnedRanges, null, false,
            null, false, null, "learn quantizer scales by gradient (LSQ) instead of observing them");
    public static final Field EPOCHS = integer("epochs", JobSpec::epochs, 0, 1000,
            "QAT fine-tuning epochs (0 = post-training quantization only)");
    public static final Field LEARNING_RATE = new Field("learningRate", "number", JobSpec::learningRate, 0, true, 10,
            false, null, "fine-tuning learning rate");
    public static final Field SCHEDULE = choice("schedule", JobSpec::schedule, JobSpec.Schedule.class,
            "COSINE (per step, to 0), STEP (x0.1 every epoch) or CONSTANT");
    public static final Field OPTIMIZER = choice("optimizer", JobSpec::optimizer, JobSpec.Optimizer.class, "optimizer");
    public static final Field MOMENTUM = new Field("momentum", "number", JobSpec::momentum, 0, false, 1, true, null,
            "SGD momentum / Adam beta1");
    public static final Field WEIGHT_DECAY = new Field("weightDecay", "number", JobSpec::weightDecay, 0, false, 1, true,
            null, "L2 weight decay");
    public static final Field BATCH_SIZE = integer("batchSize", JobSpec::batchSize, 1, 65_536,
            "training batch size; every evaluation pass runs in batches of this size (it bounds a job's memory)");
    public static final Field FREEZE_BATCH_NORM = integer("freezeBatchNormAfterEpoch", JobSpec::freezeBatchNormAfterEpoch,
            -1, 1000, "BatchNorm statistics frozen from this epoch on (-1 = never)");
    public static final Field FREEZE_OBSERVERS = integer("freezeObserversAfterEpoch", JobSpec::freezeObserversAfterEpoch,
            -1, 1000, "observer ranges frozen from this epoch on (-1 = never)");
    public static final Field SEED = new Field("seed", "integer", JobSpec::seed, null, false, null, false, null,
            "shuffling and initialization seed (any 64-bit integer)");

    /** Every field, in the order of {@link JobSpec}'s components. */
    public static final List<Field> ALL = List.of(WEIGHT_BITS, ACTIVATION_BITS, WEIGHT_GRANULARITY, ACTIVATION_SYMMETRY,
            OBSERVER, CALIBRATION_BATCHES, LEARNED_RANGES, EPOCHS, LEARNING_RATE, SCHEDULE, OPTIMIZER, MOMENTUM,
            WEIGHT_DECAY, BATCH_SIZE, FREEZE_BATCH_NORM, FREEZE_OBSERVERS, SEED);

    private JobSpecFields() {
    }

    static String[] names() {
        return ALL.stream().map(Field::name).toArray(String[]::new);
    }

    private static Field integer(String name, Function<JobSpec, Object> read, int min, int max, String description) {
        return new Field(name, "integer", read, min, false, max, false, null, description);
    }

    private static Field choice(String name, Function<JobSpec, Object> read, Class<? extends Enum<?>> values,
            String description) {
        return new Field(name, "string", s -> ((Enum<?>) read.apply(s)).name(), null, false, null, false, values,
                description);
    }

    private static String plain(Number n) {
        return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
}
