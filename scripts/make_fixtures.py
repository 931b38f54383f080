#!/usr/bin/python3
"""Generate qforge's test fixtures: small datasets (.npz) and PyTorch-trained ONNX models.

Run from the repository root with Debian's Python (torch 1.13, onnx 1.12, sklearn, numpy):

    /usr/bin/python3 scripts/make_fixtures.py

Writes into src/test/resources/fixtures/:
  digits.npz, breast_cancer.npz          datasets (x_train, y_train, x_test, y_test; x float32, y int64)
  lenet_bn.onnx, lenet_bn_opset11.onnx   LeNet-style CNN with BatchNorm kept as BatchNormalization nodes
  dwsep_relu6.onnx                       depthwise-separable CNN, BN + ReLU6 (Clip), GlobalAveragePool
  resnet_add.onnx                        residual block (Add), strided and dilated convs, AveragePool
  mlp.onnx                               Gemm MLP for breast_cancer (ReLU, Sigmoid)
  ops_zoo.onnx                           Concat, Sigmoid*Mul, MatMul, Dropout, Softmax output 'probs'
  expected_outputs.npz                   torch outputs on the first 16 test samples, per model
  fixtures.json                          manifest that Java tests read expectations from
  cnn_ops/*.onnx, cnn_ops/manifest.json  one small model per op family of torchvision's CNNs (random
                                         weights, 1x8x8 input, 10 classes), opsets 13 and 17; see
                                         make_cnn_op_fixtures(). `--cnn-ops` writes only these.

Keeping BatchNormalization: torch 1.13 folds BN into the preceding Conv when exporting with
training=TrainingMode.EVAL (the default) via its "eval peephole" pass. Exporting with
training=TrainingMode.PRESERVE while the module is in eval() mode skips that pass, and BN's
symbolic still emits inference-mode BatchNormalization (one output, running stats as initializers)
because the traced aten::batch_norm has training=False. do_constant_folding=False additionally keeps
the Shape/Gather/Unsqueeze/Concat/Reshape chain that x.view(x.size(0), -1) traces to.

Everything is deterministic: fixed seeds, torch.set_num_threads(2), deterministic algorithms.
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures")
MAX_BYTES = 1 << 20
N_EXPECTED = 16

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)


# ----------------------------------------------------------------------------- datasets

def make_digits():
    d = load_digits()
    x = (d.data.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    return dict(x_train=np.ascontiguousarray(x_tr, np.float32), y_train=y_tr.astype(np.int64),
                x_test=np.ascontiguousarray(x_te, np.float32), y_test=y_te.astype(np.int64))


def make_breast_cancer():
    d = load_breast_cancer()
    x = d.data.astype(np.float64)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    mean = x_tr.mean(axis=0)
    std = x_tr.std(axis=0)
    std[std == 0] = 1.0
    x_tr = ((x_tr - mean) / std).astype(np.float32)
    x_te = ((x_te - mean) / std).astype(np.float32)
    return dict(x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te)


# ----------------------------------------------------------------------------- models

class LeNetBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = x.view(x.size(0), -1)  # traces to Shape/Gather/Unsqueeze/Concat/Reshape
        return self.fc2(F.relu(self.fc1(x)))


def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups),
                         nn.BatchNorm2d(cout), nn.ReLU6())


class DwSepReLU6(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu6(1, 16, 3),
            conv_bn_relu6(16, 16, 3, groups=16),            # depthwise
            conv_bn_relu6(16, 32, 1),                       # pointwise
            conv_bn_relu6(32, 32, 3, stride=2, groups=32),  # depthwise, stride 2
        )
        self.pool = nn.AdaptiveAvgPool2d(1)                 # GlobalAveragePool
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.fc(torch.flatten(x, 1))


class ResNetAdd(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.b_conv1 = nn.Conv2d(16, 16, 3, padding=1)
        self.b_bn1 = nn.BatchNorm2d(16)
        self.b_conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.b_bn2 = nn.BatchNorm2d(16)
        self.down = nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1, dilation=1),
                                  nn.BatchNorm2d(32), nn.ReLU())          # 8x8 -> 4x4
        self.dil = nn.Sequential(nn.Conv2d(32, 32, 3, padding=2, dilation=2),
                                 nn.BatchNorm2d(32), nn.ReLU())           # 4x4 -> 4x4
        # count_include_pad=False: same math with zero padding, but avoids torch's no-op Pad node
        self.pool = nn.AvgPool2d(2, count_include_pad=False)              # 4x4 -> 2x2
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = self.stem(x)
        h = F.relu(self.b_bn1(self.b_conv1(x)))
        h = self.b_bn2(self.b_conv2(h))
        x = F.relu(h + x)                                                 # Add
        x = self.pool(self.dil(self.down(x)))
        return self.fc(torch.flatten(x, 1))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(30, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc3(torch.sigmoid(self.fc2(F.relu(self.fc1(x)))))


class OpsZoo(nn.Module):
    """Concat of two conv branches, x*sigmoid(x), MatMul with a raw Parameter, Dropout, Softmax."""

    def __init__(self):
        super().__init__()
        self.branch_a = nn.Conv2d(1, 4, 3, padding=1)
        self.branch_b = nn.Conv2d(1, 4, 1)
        self.weight = nn.Parameter(torch.randn(8 * 8 * 8, 10) * 0.05)  # MatMul, not Gemm
        self.bias = nn.Parameter(torch.zeros(10))
        self.dropout = nn.Dropout(0.1)

    def logits(self, x):
        x = torch.cat([self.branch_a(x), self.branch_b(x)], dim=1)       # Concat axis 1
        x = x * torch.sigmoid(x)                                          # Sigmoid + Mul
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        return torch.matmul(x, self.weight) + self.bias                  # MatMul + Add

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)                      # Softmax


# ----------------------------------------------------------------------------- op-family models (issue 8)

class MobileNetV3Block(nn.Module):
    """mobilenet_v3: Conv-BN-Hardswish, depthwise Conv-BN-Hardswish, squeeze-excitation with Hardsigmoid,
    pointwise Conv-BN, residual, Hardswish head. Opset 13 writes Hardswish as HardSigmoid + Mul, 17 as HardSwish."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.Hardswish())
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.Hardswish())
        self.se_reduce = nn.Conv2d(8, 4, 1)
        self.se_expand = nn.Conv2d(4, 8, 1)
        self.pw = nn.Sequential(nn.Conv2d(8, 8, 1), nn.BatchNorm2d(8))
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stem(x)
        h = self.dw(x)
        s = F.adaptive_avg_pool2d(h, 1)
        s = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(s))))
        x = x + self.pw(h * s)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc2(F.hardswish(self.fc1(x)))


class ShuffleBlock(nn.Module):
    """shufflenet_v2's split + channel shuffle (Split/Slice, Reshape, Transpose), plus the tensor ops
    such models and their preprocessing write: Sub/Div by constants, Neg, Gather of a channel,
    Unsqueeze, ReduceSum, Softmax over channels, ReduceMean (not spatial) and Squeeze."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.3]).view(1, 1, 1, 1))
        self.register_buffer("std", torch.tensor([0.25]).view(1, 1, 1, 1))
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.branch = nn.Sequential(nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4), nn.ReLU(),
                                    nn.Conv2d(4, 4, 3, padding=1, groups=4), nn.BatchNorm2d(4))
        self.head = nn.Conv2d(7, 12, 1)
        self.fc = nn.Linear(12 * 8, 10)

    @staticmethod
    def shuffle(x, groups):
        b, c, h, w = x.shape
        x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous()
        return x.view(b, -1, h, w)

    def forward(self, x):
        x = (x - self.mean) / self.std                              # Sub, Div
        x = self.stem(x)
        a, b = torch.split(x, [4, 4], dim=1)                        # Split
        x = self.shuffle(torch.cat([a, self.branch(b)], 1), 2)      # Reshape/Transpose/Reshape
        first = x[:, 0].unsqueeze(1)                                # Gather (scalar index), Unsqueeze
        x = torch.cat([x[:, 2:6], -x[:, 6:], first], 1)            # Slice, Neg
        attention = torch.softmax(x.sum(dim=1, keepdim=True) * x, dim=1)  # ReduceSum, Softmax axis 1
        x = self.head(attention * x)
        x = x.mean(dim=3, keepdim=True).squeeze(3)                  # ReduceMean over W, Squeeze
        return self.fc(torch.flatten(x, 1))


class GoogLeNetPools(nn.Module):
    """googlenet/inception pooling: MaxPool2d(3, 2, ceil_mode=True) where ceil changes the size,
    AvgPool2d(3, 1, padding=1) counting its padding (exported as Pad + AveragePool), inception branches."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.b1 = nn.Conv2d(8, 4, 1)
        self.b2 = nn.Conv2d(8, 4, 3, padding=1)
        self.b3 = nn.Conv2d(8, 4, 1)
        self.fc = nn.Linear(12 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 3, 2, ceil_mode=True)           # 8x8 -> 4x4 (floor would give 3x3)
        pooled = F.avg_pool2d(x, 3, 1, padding=1)                       # count_include_pad=True
        x = torch.cat([self.b1(x), self.b2(x), self.b3(pooled)], 1)
        x = F.max_pool2d(x, 2, 2, ceil_mode=True)
        return self.fc(torch.flatten(x, 1))


class PadBlock(nn.Module):
    """Pad modes: reflect before a Conv, replicate (edge), a non-zero constant, a zero pad folded into
    a Conv, and a zero pad before a MaxPool (kept: MaxPool pads with -inf)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 3)
        self.c2 = nn.Conv2d(6, 6, 3)
        self.c3 = nn.Conv2d(6, 8, 3)
        self.fc = nn.Linear(8 * 5 * 5, 10)

    def forward(self, x):
        x = F.relu(self.c1(F.pad(x, (1, 1, 1, 1), mode="reflect")))          # 8x8
        x = F.relu(self.c2(F.pad(x, (2, 0, 1, 1), mode="replicate")))         # 8x8 -> 8x8
        x = F.pad(x, (0, 1, 1, 0), value=0.5)                                 # 9x9
        x = F.relu(self.c3(F.pad(x, (1, 1, 1, 1))))                           # zero pad folded: 9x9
        x = F.max_pool2d(F.pad(x, (1, 0, 1, 0)), 2)                           # 10x10 -> 5x5
        return self.fc(torch.flatten(x, 1))


CNN_OP_MODELS = {
    "mbv3_block": (MobileNetV3Block, "Hardswish/Hardsigmoid squeeze-excitation (mobilenet_v3)"),
    "shuffle_block": (ShuffleBlock, "Split/Transpose channel shuffle, Slice, Gather, Sub/Div/Neg, ReduceSum/ReduceMean, "
                                    "Squeeze/Unsqueeze, Softmax over channels (shufflenet_v2)"),
    "googlenet_pools": (GoogLeNetPools, "MaxPool ceil_mode=1, counted AvgPool padding as Pad + AveragePool (googlenet)"),
    "pad_block": (PadBlock, "Pad reflect / edge / constant 0.5 / zero (folded into Conv, kept before MaxPool)"),
}


def make_cnn_op_fixtures():
    """Writes cnn_ops/<name>_opset<13|17>.onnx (random weights, seed 0, exported with torch's defaults as a
    user would: BN folded into the convs, constant folding, so F.pad's pads are constants) and
    cnn_ops/manifest.json (ops per file, size, sha256). Java tests check import, FP32 parity with ONNX
    Runtime and training steps on each."""
    out = os.path.join(OUT, "cnn_ops")
    os.makedirs(out, exist_ok=True)
    manifest = {"generator": "/usr/bin/python3 scripts/make_fixtures.py --cnn-ops",
                "torch_version": torch.__version__, "onnx_version": onnx.__version__,
                "input_shape": [-1, 1, 8, 8], "num_classes": 10, "models": []}
    sample = torch.from_numpy(make_digits()["x_test"][:2])
    for name, (cls, what) in CNN_OP_MODELS.items():
        for opset in (13, 17):
            torch.manual_seed(0)
            model = cls().eval()
            path = os.path.join(out, f"{name}_opset{opset}.onnx")
            export(model, sample, path, opset, "logits", as_users_do=True)
            m, ops, init_elems, size, n_bn = verify(path, False)
            manifest["models"].append({"name": name, "file": f"{name}_opset{opset}.onnx", "opset": opset,
                                       "description": what, "op_types": ops, "size_bytes": size,
                                       "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()})
            print(f"cnn_ops/{name}_opset{opset}.onnx: ops {ops} size {size} B")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


# ----------------------------------------------------------------------------- training

def train(model, data, epochs, lr, batch=64, seed=0, logits_fn=None):
    torch.manual_seed(seed)
    fwd = logits_fn or model
    x = torch.from_numpy(data["x_train"])
    y = torch.from_numpy(data["y_train"])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = F.cross_entropy(fwd(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    return model


@torch.no_grad()
def accuracy(model, data):
    model.eval()
    out = model(torch.from_numpy(data["x_test"]))
    return float((out.argmax(1).numpy() == data["y_test"]).mean())


def export(model, sample, path, opset, output_name, as_users_do=False):
    model.eval()
    if as_users_do:  # torch's defaults: eval-mode export (BN folded into Conv), constant folding
        torch.onnx.export(model, sample, path, opset_version=opset, input_names=["input"], output_names=[output_name],
                          dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}})
        return
    torch.onnx.export(model, sample, path, opset_version=opset,
                      input_names=["input"], output_names=[output_name],
                      dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)


def verify(path, expect_bn):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ops = sorted({n.op_type for n in m.graph.node})
    bns = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
    if expect_bn and not bns:
        sys.exit(f"{path}: expected BatchNormalization nodes, found op types {ops}")
    for n in bns:
        if len(n.output) != 1:
            sys.exit(f"{path}: BatchNormalization node '{n.name}' has {len(n.output)} outputs, "
                     f"expected 1 (inference mode)")
        for a in n.attribute:
            if a.name == "training_mode" and a.i != 0:
                sys.exit(f"{path}: BatchNormalization node '{n.name}' has training_mode={a.i}")
    init_elems = int(sum(np.prod(t.dims) for t in m.graph.initializer))
    size = os.path.getsize(path)
    if size >= MAX_BYTES:
        sys.exit(f"{path}: {size} bytes, must be < {MAX_BYTES}")
    try:
        import onnxruntime as ort  # not installed on Debian by default
        ort.InferenceSession(path)
    except ImportError:
        pass
    return m, ops, init_elems, size, len(bns)


# ----------------------------------------------------------------------------- main

def main():
    os.makedirs(OUT, exist_ok=True)
    datasets = {"digits": make_digits(), "breast_cancer": make_breast_cancer()}
    for name, d in datasets.items():
        p = os.path.join(OUT, f"{name}.npz")
        np.savez(p, **d)
        size = os.path.getsize(p)
        assert size < MAX_BYTES, (p, size)
        print(f"{name}.npz: train {d['x_train'].shape} test {d['x_test'].shape} "
              f"classes {len(np.unique(d['y_train']))} size {size} B")

    torch.manual_seed(0)
    lenet = train(LeNetBN(), datasets["digits"], epochs=20, lr=1e-2)
    torch.manual_seed(1)
    dwsep = train(DwSepReLU6(), datasets["digits"], epochs=30, lr=1e-2)
    torch.manual_seed(2)
    resnet = train(ResNetAdd(), datasets["digits"], epochs=15, lr=5e-3)
    torch.manual_seed(3)
    mlp = train(MLP(), datasets["breast_cancer"], epochs=30, lr=1e-2, batch=32)
    torch.manual_seed(4)
    zoo = OpsZoo()
    zoo = train(zoo, datasets["digits"], epochs=10, lr=5e-3, logits_fn=zoo.logits)

    # name, module, dataset, opset, output name, min accuracy, expect BN nodes
    specs = [
        ("lenet_bn", lenet, "digits", 13, "logits", 0.90, True),
        ("lenet_bn_opset11", lenet, "digits", 11, "logits", 0.90, True),
        ("dwsep_relu6", dwsep, "digits", 13, "logits", 0.90, True),
        ("resnet_add", resnet, "digits", 13, "logits", 0.90, True),
        ("mlp", mlp, "breast_cancer", 13, "logits", 0.93, False),
        ("ops_zoo", zoo, "digits", 13, "probs", 0.0, False),
    ]
    manifest = {"generator": "/usr/bin/python3 scripts/make_fixtures.py",
                "torch_version": torch.__version__, "onnx_version": onnx.__version__,
                "expected_outputs": {"file": "expected_outputs.npz", "samples": N_EXPECTED,
                                     "note": "key '<model>' = torch output on x_test[:samples] "
                                             "of the model's dataset (eval mode)"},
                "models": []}
    expected = {}
    for name, model, ds, opset, out_name, min_acc, expect_bn in specs:
        d = datasets[ds]
        acc = accuracy(model, d)
        if acc < min_acc:
            sys.exit(f"{name}: torch test accuracy {acc:.4f} < required {min_acc}")
        path = os.path.join(OUT, f"{name}.onnx")
        sample = torch.from_numpy(d["x_test"][:2])
        export(model, sample, path, opset, out_name)
        m, ops, init_elems, size, n_bn = verify(path, expect_bn)
        with torch.no_grad():
            expected[name] = model(torch.from_numpy(d["x_test"][:N_EXPECTED])).numpy().astype(np.float32)
        n_params = sum(p.numel() for p in model.parameters())
        input_shape = [-1] + list(d["x_train"].shape[1:])
        manifest["models"].append({
            "name": name, "file": f"{name}.onnx", "dataset": ds, "dataset_file": f"{ds}.npz",
            "input_name": "input", "output_name": out_name, "input_shape": input_shape,
            "num_classes": int(len(np.unique(d["y_train"]))), "opset": opset,
            "torch_test_accuracy": round(acc, 6), "trainable_parameters": int(n_params),
            "batch_norm_nodes": n_bn, "op_types": ops, "size_bytes": size,
            "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        })
        print(f"{name}.onnx: opset {opset} ops {ops} BN {n_bn} params {n_params} "
              f"initializer elements {init_elems} size {size} B acc {acc:.4f}")

    p = os.path.join(OUT, "expected_outputs.npz")
    np.savez(p, **expected)
    with open(os.path.join(OUT, "fixtures.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    write_readme(manifest, datasets)
    print("wrote", OUT)


DESCRIPTIONS = {
    "lenet_bn": "Conv(1->8,3x3,p1)-BN-ReLU-MaxPool2 -> Conv(8->16,3x3,p1)-BN-ReLU-MaxPool2 -> "
                "x.view(x.size(0),-1) (Shape/Gather/Unsqueeze/Concat/Reshape) -> Gemm(64->32)-ReLU-Gemm(32->10)",
    "lenet_bn_opset11": "the same trained lenet_bn weights exported at opset 11 (opset-range test)",
    "dwsep_relu6": "Conv(1->16)-BN-ReLU6 -> depthwise Conv(16,g=16)-BN-ReLU6 -> pointwise Conv(16->32,1x1)-BN-ReLU6 "
                   "-> depthwise Conv(32,g=32,stride 2)-BN-ReLU6 -> GlobalAveragePool -> Flatten -> Gemm(32->10). "
                   "ReLU6 = Clip with min/max from Constant nodes",
    "resnet_add": "stem Conv(1->16)-BN-ReLU; residual block Conv-BN-ReLU-Conv-BN + identity (Add), ReLU; "
                  "Conv(16->32,stride 2)-BN-ReLU; Conv(32->32,dilation 2,pad 2)-BN-ReLU; AveragePool 2x2; "
                  "Flatten; Gemm(128->10)",
    "mlp": "Gemm(30->32)-ReLU-Gemm(32->16)-Sigmoid-Gemm(16->2)",
    "ops_zoo": "Concat(axis 1) of Conv 3x3 and Conv 1x1 branches; x*Sigmoid(x) (Mul); Flatten; "
               "Dropout (vanishes in eval export); MatMul with a raw weight + Add bias; Softmax(axis 1) output 'probs'",
}


def write_readme(manifest, datasets):
    lines = [
        "# Test fixtures (generated - do not edit by hand)",
        "",
        "Regenerate from the repository root (Debian's Python with torch 1.13, onnx 1.12, sklearn):",
        "",
        "    /usr/bin/python3 scripts/make_fixtures.py",
        "",
        "The script is deterministic (fixed seeds, 2 threads, deterministic algorithms); rerunning it "
        "reproduces these files byte for byte on the same torch build.",
        "",
        "## Datasets (`np.savez`; arrays `x_train`, `y_train`, `x_test`, `y_test`; x float32, y int64)",
        "",
        "| file | x_train | x_test | classes | preprocessing |",
        "|---|---|---|---|---|",
        f"| digits.npz | {list(datasets['digits']['x_train'].shape)} | {list(datasets['digits']['x_test'].shape)} "
        "| 10 | sklearn digits / 16 -> [0,1], NCHW; stratified 80/20 split, random_state=0 |",
        f"| breast_cancer.npz | {list(datasets['breast_cancer']['x_train'].shape)} | "
        f"{list(datasets['breast_cancer']['x_test'].shape)} | 2 | standardized with train mean/std; "
        "stratified 80/20 split, random_state=0 |",
        "",
        "## Models (input `input`, dynamic batch axis 0; trained with Adam, exported in eval mode)",
        "",
        "| file | dataset | input shape | output | opset | torch test acc | op types |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in manifest["models"]:
        lines.append(f"| {m['file']} | {m['dataset']} | {m['input_shape']} | {m['output_name']} "
                     f"[batch,{m['num_classes']}] | {m['opset']} | {m['torch_test_accuracy']:.4f} | "
                     f"{', '.join(m['op_types'])} |")
    lines += ["", "Architectures:", ""]
    for m in manifest["models"]:
        lines.append(f"- `{m['file']}`: {DESCRIPTIONS[m['name']]}.")
    lines += [
        "",
        "## Other files",
        "",
        "- `fixtures.json`: manifest per model (file, dataset, input/output names, input_shape with -1 for batch, "
        "num_classes, opset, torch_test_accuracy, trainable_parameters, batch_norm_nodes, op_types, size, sha256).",
        f"- `expected_outputs.npz`: key `<model name>` = torch output (float32) on `x_test[:{N_EXPECTED}]` of "
        "the model's dataset, for checking an importer's forward pass.",
        "",
        "## Export notes",
        "",
        "- BatchNormalization is kept (not folded into Conv): exported with "
        "`training=torch.onnx.TrainingMode.PRESERVE` while the module is in `eval()` mode, which skips torch's "
        "eval peephole (BN folding); nodes are inference-mode (1 output, running_mean/running_var initializers). "
        "ONNX `momentum` = 0.9 = 1 - torch momentum.",
        "- `do_constant_folding=False`: keeps lenet_bn's Shape/Gather/Unsqueeze/Concat/Reshape chain; "
        "Reshape target pieces, Gather index and Clip min/max are `Constant` nodes, not initializers.",
        "- resnet_add uses `AvgPool2d(2, count_include_pad=False)` (same math at zero padding) so torch emits no "
        "no-op Pad node.",
        "",
        "## Op-family models (`cnn_ops/`, `--cnn-ops`)",
        "",
        "One small model per op family of torchvision's CNNs, random weights (seed 0), input [-1, 1, 8, 8], 10 "
        "classes, exported at opsets 13 and 17 with torch's defaults (BN folded, constant folding) as a user would: "
        "`mbv3_block` (Hardswish/Hardsigmoid squeeze-excitation), `shuffle_block` (Split/Transpose channel shuffle, "
        "Slice, Gather, Sub/Div/Neg, ReduceSum/ReduceMean, Squeeze/Unsqueeze, Softmax over channels), "
        "`googlenet_pools` (MaxPool ceil_mode, counted AvgPool padding as Pad + AveragePool), `pad_block` (Pad "
        "reflect/edge/constant). `cnn_ops/manifest.json` lists each file's ops, size and sha256.",
        "",
    ]
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if "--cnn-ops" in sys.argv[1:]:
        make_cnn_op_fixtures()
    else:
        main()
        make_cnn_op_fixtures()
