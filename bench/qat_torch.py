"""PyTorch side of the QAT benchmark (bench/qat.sh; Debian's /usr/bin/python3, torch 1.13).

For each model (LeNetBN, DwSepCNN): trains FP32 on Fashion-MNIST with a fixed seed, exports it to
ONNX (BatchNormalization kept) for qforge, then from the SAME FP32 weights runs PyTorch's own
eager-mode quantization with the onednn engine:
  * PTQ W8A8, the real int8 model: fuse, prepare with get_default_qconfig('onednn'), calibrate on
    `--calib-batches` batches, convert, evaluate;
  * per scheme (W8A8, W4A8, W4A4-LSQ): fuse, prepare_qat, calibrate (observers on, fake quant
    off, eval mode), PTQ simulation (fake quant on), QAT for `--qat-epochs` (Adam, cosine, same
    lr / batch as qforge), QAT simulation; W8A8 also converted to int8 and evaluated.
    W8A8 uses get_default_qat_qconfig('onednn'); W4A8 the same observers with 4-bit ranges
    (weights [-7, 7] per channel symmetric, activations [0, 255]); W4A4 uses
    _LearnableFakeQuantize (LSQ, grad scaling on) for weights [-7, 7] and activations [0, 15].
    PyTorch has no 4-bit kernels, so 4-bit results are simulated only.
Step times: median ms of the FP32 training steps and of the QAT (fake-quant) training steps, same
model, batch and threads. Prints one JSON line.
"""
import argparse
import copy
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.ao.quantization as tq
from torch.ao.quantization._learnable_fake_quantize import _LearnableFakeQuantize

from fmnist_models import DwSepCNN, LeNetBN, export, load_fmnist

ap = argparse.ArgumentParser()
ap.add_argument("--out-dir", required=True)
ap.add_argument("--models", default="lenet,dwsep")
ap.add_argument("--fp32-epochs", type=int, default=3)
ap.add_argument("--fp32-lr", type=float, default=1e-3)
ap.add_argument("--qat-epochs", type=int, default=1)
ap.add_argument("--qat-lr", type=float, default=1e-4)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--calib-batches", type=int, default=16)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--max-steps", type=int, default=0, help="debug: cap training steps per epoch (0 = full epochs)")
args = ap.parse_args()

torch.set_num_threads(args.threads)
torch.backends.quantized.engine = "onednn"
xtr, ytr, xte, yte = load_fmnist()
xtr_t, ytr_t, xte_t = torch.from_numpy(xtr), torch.from_numpy(ytr), torch.from_numpy(xte)


class LeNetEager(nn.Module):
    """LeNetBN with module activations and quant stubs (same parameters), for eager-mode fusion."""
    FUSE = [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"], ["fc1", "relu3"]]

    def __init__(self, fp):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.conv1, self.bn1, self.relu1 = fp.conv1, fp.bn1, nn.ReLU()
        self.conv2, self.bn2, self.relu2 = fp.conv2, fp.bn2, nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc1, self.relu3, self.fc2 = fp.fc1, nn.ReLU(), fp.fc2

    def forward(self, x):
        x = self.pool(self.relu1(self.bn1(self.conv1(self.quant(x)))))
        x = self.pool(self.relu2(self.bn2(self.conv2(x))))
        return self.dequant(self.fc2(self.relu3(self.fc1(torch.flatten(x, 1)))))


class DwSepEager(nn.Module):
    """DwSepCNN with quant stubs. Eager mode fuses Conv+BN only: it has no Conv+BN+ReLU6 fusion,
    so PyTorch quantizes each conv output before the ReLU6 as well as after it."""

    def __init__(self, fp):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.net = fp
        self.FUSE = [[f"net.features.{i}.0", f"net.features.{i}.1"] for i in range(len(fp.features))]

    def forward(self, x):
        return self.dequant(self.net(self.quant(x)))


MODELS = {"lenet": (LeNetBN, LeNetEager), "dwsep": (DwSepCNN, DwSepEager)}


def batches(epoch_seed):
    perm = torch.from_numpy(np.random.default_rng(epoch_seed).permutation(len(xtr)))
    out = [perm[i:i + args.batch] for i in range(0, len(xtr), args.batch)]
    return out[:args.max_steps] if args.max_steps > 0 else out


def train(model, lr, epochs, seed):
    """Adam + cosine decay over all steps; returns per-step wall times in ms."""
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    plan = [batches(seed * 1000 + e) for e in range(epochs)]
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=sum(len(p) for p in plan))
    step_ms = []
    for epoch_batches in plan:
        model.train()
        for idx in epoch_batches:
            s0 = time.perf_counter()
            opt.zero_grad()
            F.cross_entropy(model(xtr_t[idx]), ytr_t[idx]).backward()
            opt.step()
            sched.step()
            step_ms.append((time.perf_counter() - s0) * 1000)
    return step_ms


def accuracy(model):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(xte_t[i:i + 1000]).argmax(1) for i in range(0, len(xte), 1000)])
    return float((pred.numpy() == yte).mean())


def calibrate(model):
    """Forward passes in eval mode (BN running statistics) over the calibration batches."""
    model.eval()
    rng = np.random.default_rng(args.seed + 17)
    perm = torch.from_numpy(rng.permutation(len(xtr)))
    with torch.no_grad():
        for b in range(args.calib_batches):
            model(xtr_t[perm[b * args.batch:(b + 1) * args.batch]])


def qat_qconfig(scheme):
    if scheme == "W8A8":
        return tq.get_default_qat_qconfig("onednn")
    if scheme == "W4A8":
        act = tq.FusedMovingAvgObsFakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver,
                                                         quant_min=0, quant_max=255, dtype=torch.quint8)
        wt = tq.FusedMovingAvgObsFakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver,
                                                        quant_min=-7, quant_max=7, dtype=torch.qint8,
                                                        qscheme=torch.per_channel_symmetric, ch_axis=0)
        return tq.QConfig(activation=act, weight=wt)
    raise ValueError(scheme)


def lsq_qconfigs(model):
    """W4A4 LSQ: _LearnableFakeQuantize everywhere; per-channel weight scales need each layer's channel count."""
    act = _LearnableFakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=15,
                                           dtype=torch.quint8, use_grad_scaling=True)
    model.qconfig = tq.QConfig(activation=act, weight=_LearnableFakeQuantize.with_args(
        observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-7, quant_max=7, dtype=torch.qint8,
        qscheme=torch.per_channel_symmetric, ch_axis=0, use_grad_scaling=True, channel_len=1))
    for m in model.modules():
        layer = m[0] if isinstance(m, torch.nn.intrinsic._FusedModule) else m
        out = getattr(layer, "out_channels", None) or getattr(layer, "out_features", None)
        if out is not None and hasattr(layer, "weight"):
            m.qconfig = tq.QConfig(activation=act, weight=_LearnableFakeQuantize.with_args(
                observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-7, quant_max=7, dtype=torch.qint8,
                qscheme=torch.per_channel_symmetric, ch_axis=0, use_grad_scaling=True, channel_len=out))


def ptq_int8(fp, eager_cls):
    m = eager_cls(copy.deepcopy(fp)).eval()
    tq.fuse_modules(m, m.FUSE, inplace=True)
    m.qconfig = tq.get_default_qconfig("onednn")
    tq.prepare(m, inplace=True)
    calibrate(m)
    tq.convert(m, inplace=True)
    return accuracy(m)


def run_scheme(fp, eager_cls, scheme):
    m = eager_cls(copy.deepcopy(fp)).train()
    tq.fuse_modules_qat(m, m.FUSE, inplace=True)
    if scheme == "W4A4-LSQ":
        lsq_qconfigs(m)
    else:
        m.qconfig = qat_qconfig(scheme)
    tq.prepare_qat(m, inplace=True)
    m.apply(tq.disable_fake_quant)
    m.apply(tq.enable_observer)
    calibrate(m)
    m.apply(tq.enable_fake_quant)
    m.apply(tq.disable_observer)
    r = {"ptq_sim": accuracy(m)}
    if scheme == "W4A4-LSQ":
        for q in m.modules():
            if isinstance(q, _LearnableFakeQuantize):
                q.enable_param_learning()
    else:
        m.apply(tq.enable_observer)
    step_ms = train(m, args.qat_lr, args.qat_epochs, args.seed + 1)
    m.apply(tq.disable_observer)
    r["qat_sim"] = accuracy(m)
    r["qat_step_ms"] = float(np.median(step_ms))
    r["qat_steps"] = len(step_ms)
    if scheme == "W8A8":
        r["qat_int8"] = accuracy(tq.convert(copy.deepcopy(m).eval()))
    return r


results = {"peer": "pytorch " + torch.__version__, "engine": torch.backends.quantized.engine,
           "threads": args.threads, "batch": args.batch, "fp32_epochs": args.fp32_epochs,
           "qat_epochs": args.qat_epochs, "qat_lr": args.qat_lr, "calib_batches": args.calib_batches,
           "max_steps": args.max_steps, "models": {}}
for name in args.models.split(","):
    fp_cls, eager_cls = MODELS[name]
    t0 = time.time()
    torch.manual_seed(args.seed)
    fp = fp_cls()
    fp32_ms = train(fp, args.fp32_lr, args.fp32_epochs, args.seed)
    export(fp, f"{args.out_dir}/{name}.onnx")
    r = {"fp32": accuracy(fp), "fp32_step_ms": float(np.median(fp32_ms)), "fp32_steps": len(fp32_ms),
         "ptq_int8": ptq_int8(fp, eager_cls), "schemes": {}}
    for scheme in ("W8A8", "W4A8", "W4A4-LSQ"):
        r["schemes"][scheme] = run_scheme(fp, eager_cls, scheme)
        print(f"[torch] {name} {scheme}: {r['schemes'][scheme]}", flush=True, file=__import__('sys').stderr)
    r["seconds"] = time.time() - t0
    results["models"][name] = r
print(json.dumps(results))
