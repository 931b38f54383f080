"""Exports torchvision 0.14 classification models (random weights, 10 classes) to ONNX for the zoo
benchmark, plus one seeded random dataset per input size. Prints one JSON line per model:
{"model", "opset", "size", "exported", "error"}. Usage: zoo_export.py OUT_DIR OPSET SIZE MODEL...
"""
import json, os, sys

import numpy as np
import torch
import torchvision

out, opset, size, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
os.makedirs(out, exist_ok=True)
data = os.path.join(out, f"rand{size}.npz")
if not os.path.exists(data):
    rng = np.random.default_rng(0)
    np.savez(data, x_train=rng.standard_normal((512, 3, size, size)).astype(np.float32),
             y_train=rng.integers(0, 10, 512).astype(np.int64),
             x_test=rng.standard_normal((256, 3, size, size)).astype(np.float32),
             y_test=rng.integers(0, 10, 256).astype(np.int64))
for name in names:
    torch.manual_seed(0)
    path = os.path.join(out, f"{name}_{opset}.onnx")
    row = {"model": name, "opset": opset, "size": size, "file": path, "exported": True, "error": None}
    try:
        kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
        m = getattr(torchvision.models, name)(num_classes=10, **kwargs).eval()
        torch.onnx.export(m, torch.randn(1, 3, size, size), path, opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    except Exception as e:  # noqa: BLE001 - reported per model
        row["exported"], row["error"] = False, str(e).splitlines()[0][:200]
    print(json.dumps(row), flush=True)
