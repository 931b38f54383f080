"""PyTorch's side of the zoo benchmark (issue 8 item 5): one torchvision 0.14 model through FX
quantization-aware training with the onednn qconfig, the same job shape as qforge's QatJob in
io.qforge.bench.JobProbe: FP32 evaluation, prepare_qat_fx(get_default_qat_qconfig_mapping("onednn")),
CALIB calibration batches, EPOCHS QAT epochs (SGD, batch BATCH, shuffled), convert_fx, evaluation of
the int8 model. Run one process per model (bench/zoo.sh does): the peak RSS is this process's VmHWM.
Prints one JSON line: median QAT step images/s, steps, peak RSS, seconds per phase, or the error.
Usage: zoo_torch.py MODEL SIZE DATA.npz [--epochs 1] [--batch 32] [--threads 2] [--calib 4]
"""
import argparse, json, time

import numpy as np
import torch
import torchvision
from torch.ao.quantization import get_default_qat_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_qat_fx

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("size", type=int); ap.add_argument("data")
ap.add_argument("--epochs", type=int, default=1); ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--threads", type=int, default=2); ap.add_argument("--calib", type=int, default=4)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.backends.quantized.engine = "onednn"


def vm(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


row = {"model": a.model, "size": a.size, "batch": a.batch, "threads": a.threads, "torch": torch.__version__,
       "phases": {}, "ok": False}
phase, t = None, time.perf_counter()


def enter(name):
    global phase, t
    now = time.perf_counter()
    if phase:
        row["phases"][phase] = {"s": round(now - t, 2), "rssMb": vm("VmRSS"), "peakMb": vm("VmHWM")}
    phase, t = name, now


def evaluate(m, x, y):
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), a.batch):
            correct += int((m(x[i:i + a.batch]).argmax(1) == y[i:i + a.batch]).sum())
    return correct / len(x)


try:
    enter("LOADING")
    d = np.load(a.data)
    xtr, ytr = torch.from_numpy(d["x_train"]), torch.from_numpy(d["y_train"])
    xte, yte = torch.from_numpy(d["x_test"]), torch.from_numpy(d["y_test"])
    torch.manual_seed(0)
    kwargs = {"aux_logits": False, "init_weights": True} if a.model in ("googlenet", "inception_v3") else {}
    fp = getattr(torchvision.models, a.model)(num_classes=10, **kwargs).eval()
    enter("BASELINE")
    row["fp32"] = evaluate(fp, xte, yte)
    enter("CALIBRATING")
    qat = prepare_qat_fx(fp.train(), get_default_qat_qconfig_mapping("onednn"), (xtr[:a.batch],))
    with torch.no_grad():
        for i in range(a.calib):
            qat(xtr[i * a.batch:(i + 1) * a.batch])
    enter("TRAINING")
    opt = torch.optim.SGD(qat.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    rates = []
    g = torch.Generator().manual_seed(0)
    for _ in range(a.epochs):
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr) - a.batch + 1, a.batch):
            idx = perm[i:i + a.batch]
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = loss_fn(qat(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            rates.append(a.batch / (time.perf_counter() - t0))
    row["qatImagesPerSecond"] = round(float(np.median(rates)), 1) if rates else None
    row["qatSteps"] = len(rates)
    enter("CONVERTING")
    q = convert_fx(qat.eval())
    enter("EVALUATING")
    row["qatInt8"] = evaluate(q, xte, yte)
    enter(None)
    row["ok"] = True
except Exception as e:  # noqa: BLE001 - reported in the row
    row["failedIn"] = phase
    enter(None)
    row["error"] = (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:300]
row["peakRssMb"] = vm("VmHWM")
print(json.dumps(row), flush=True)
