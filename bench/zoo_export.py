"""Exports torchvision 0.14 classification models (random weights, 10 classes) to ONNX for the zoo
benchmark, plus one seeded random dataset per input size. Prints one JSON line per model:
{"model", "opset", "size", "exported", "error"}. Usage: zoo_export.py OUT_DIR OPSET SIZE MODEL...

A name ending in "_split" (shufflenet_v2_x0_5_split) is that shufflenet_v2 with its channel split
written as torch.split of constant halves: torch 1.13 exports torchvision's x.chunk(2, 1) as two
Slices of computed bounds, newer exporters (and this form) as one Split whose two outputs are used
separately. Same weights and outputs as the model without the suffix.
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


def split_forward(self, x):
    """torchvision's InvertedResidual.forward with x.chunk(2, dim=1) as a Split of constant halves."""
    from torchvision.models.shufflenetv2 import channel_shuffle
    if self.stride == 1:
        c = self.branch2[0].in_channels
        x1, x2 = torch.split(x, [c, c], dim=1)
        out = torch.cat((x1, self.branch2(x2)), dim=1)
    else:
        out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
    return channel_shuffle(out, 2)


for name in names:
    torch.manual_seed(0)
    path = os.path.join(out, f"{name}_{opset}.onnx")
    row = {"model": name, "opset": opset, "size": size, "file": path, "exported": True, "error": None}
    try:
        kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
        base = name[:-len("_split")] if name.endswith("_split") else name
        m = getattr(torchvision.models, base)(num_classes=10, **kwargs).eval()
        if base != name:
            from torchvision.models.shufflenetv2 import InvertedResidual
            InvertedResidual.forward = split_forward
        torch.onnx.export(m, torch.randn(1, 3, size, size), path, opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    except Exception as e:  # noqa: BLE001 - reported per model
        row["exported"], row["error"] = False, str(e).splitlines()[0][:200]
    print(json.dumps(row), flush=True)
