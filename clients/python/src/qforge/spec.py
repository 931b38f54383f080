"""The job spec's fields: one table, from which the library's keyword arguments and the command
line's options are made. Names are openapi.yaml's ``JobSpec`` names; a Java test compares this
table with openapi.yaml (names, types, defaults, enums, bounds).

Library: ``weight_bits=8`` or ``weightBits=8``. Command line: ``--weight-bits 8``.
Values are not checked here: the service checks them and names every bad field.
"""

import re
from collections import namedtuple

Field = namedtuple("Field", "name type default minimum maximum choices help")

# type: "integer" | "number" | "boolean" | "string" (then choices)
FIELDS = (
    Field("weightBits", "integer", 8, 2, 8, None, "bits per weight"),
    Field("activationBits", "integer", 8, 2, 8, None, "bits per activation"),
    Field("weightGranularity", "string", "PER_CHANNEL", None, None, ("PER_CHANNEL", "PER_TENSOR"),
          "one weight scale per output channel or per tensor"),
    Field("activationSymmetry", "string", "ASYMMETRIC", None, None, ("SYMMETRIC", "ASYMMETRIC"),
          "activation zero point fixed at 0 or set from the observed range"),
    Field("observer", "string", "MOVING_AVERAGE_MIN_MAX", None, None,
          ("MIN_MAX", "MOVING_AVERAGE_MIN_MAX", "PERCENTILE", "MSE"), "how calibration picks activation ranges"),
    Field("calibrationBatches", "integer", 16, 1, 10000, None, "training batches observed for calibration"),
    Field("learnedRanges", "boolean", False, None, None, None, "learn quantizer scales (LSQ)"),
    Field("epochs", "integer", 3, 0, 1000, None, "QAT epochs (0 = post-training quantization only)"),
    Field("learningRate", "number", 0.0001, 0, 10, None, "learning rate (0 < lr <= 10)"),
    Field("schedule", "string", "COSINE", None, None, ("COSINE", "STEP", "CONSTANT"), "learning-rate schedule"),
    Field("optimizer", "string", "ADAM", None, None, ("SGD", "ADAM"), "optimizer"),
    Field("momentum", "number", 0.9, 0, 1, None, "SGD momentum (0 <= m < 1)"),
    Field("weightDecay", "number", 0, 0, 1, None, "weight decay (0 <= wd < 1)"),
    Field("batchSize", "integer", 64, 1, 65536, None, "training and evaluation batch size"),
    Field("freezeBatchNormAfterEpoch", "integer", -1, -1, 1000, None, "freeze BatchNorm statistics after this epoch (-1 = never)"),
    Field("freezeObserversAfterEpoch", "integer", -1, -1, 1000, None, "freeze observers after this epoch (-1 = never)"),
    Field("seed", "integer", 0, None, None, None, "random seed"),
)

BY_NAME = {f.name: f for f in FIELDS}


def snake(name):
    """``weightBits`` -> ``weight_bits``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def kebab(name):
    """``weightBits`` -> ``weight-bits``."""
    return snake(name).replace("_", "-")


_ALIASES = {}
for _f in FIELDS:
    _ALIASES[_f.name] = _f.name
    _ALIASES[snake(_f.name)] = _f.name


def build(spec=None, **kwargs):
    """A JobSpec dict (API names) from a dict and/or keyword arguments in snake or camel case.

    ``None`` values are left out (the service's default applies). An unknown name raises
    ``TypeError`` listing the known ones.
    """
    out = {}
    for source in (spec or {}, kwargs):
        for key, value in source.items():
            name = _ALIASES.get(key)
            if name is None:
                raise TypeError("unknown job spec field %r; known: %s" % (key, ", ".join(f.name for f in FIELDS)))
            if value is not None:
                out[name] = value
    return out


def describe(field):
    """The help text of a field: what it is, its allowed values and its default."""
    if field.choices:
        allowed = "one of " + ", ".join(field.choices)
    elif field.type == "boolean":
        allowed = None
    elif field.type == "number":
        allowed = None  # the help states the bounds (some are exclusive)
    elif field.minimum is not None:
        allowed = "%s..%s" % (field.minimum, field.maximum)
    else:
        allowed = "any integer"
    text = field.help
    if allowed:
        text += "; " + allowed
    return "%s (API %s; default %s)" % (text, field.name, str(field.default).lower() if field.type == "boolean" else field.default)


def as_json():
    """The table as plain data (for the test that compares it with openapi.yaml)."""
    return [dict(f._asdict(), choices=list(f.choices) if f.choices else None) for f in FIELDS]
