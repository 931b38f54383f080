"""qforge: client of the quantization-aware training service (standard library only).

    from qforge import Client
    c = Client()                                   # QFORGE_URL, QFORGE_API_KEY
    report = c.quantize("m.onnx", "d.npz", weight_bits=8, output="m.int8.onnx")
"""

__version__ = "0.1.0"

from .errors import ApiError, ConfigError, IntegrityError, JobFailed, QforgeError, TransportError  # noqa: E402
from .client import Client, Event  # noqa: E402

__all__ = ["Client", "Event", "ApiError", "ConfigError", "IntegrityError", "JobFailed", "QforgeError",
           "TransportError", "__version__"]
