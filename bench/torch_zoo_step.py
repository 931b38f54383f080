"""PyTorch side of bench/speed.sh: the training step of a torchvision 0.14 model (random weights,
10 classes, seed 0, like bench/zoo_export.py), FP32 and QAT, same batch and threads as qforge.

QAT: FX graph mode, prepare_qat_fx with get_default_qat_qconfig_mapping("onednn") (observers and
fake quant on), Adam lr 1e-4, cross-entropy on random data. Each side: WARMUP steps, then the
median of STEPS timed steps (forward, loss, backward, Adam step) in wall time and in process CPU
time (all threads), then a torch.profiler run of
PROFILE_STEPS steps whose self CPU time per aten op is printed per step.
Prints "TORCH {json}" with fp32/qat median ms and images/s, then the per-op table (QAT) to stderr.
Usage: torch_zoo_step.py MODEL [batch=32] [steps=20] [size=64] [threads=2]
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision
from torch.ao.quantization import get_default_qat_qconfig_mapping
from torch.ao.quantization.quantize_fx import prepare_qat_fx

name = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 32
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
size = int(sys.argv[4]) if len(sys.argv) > 4 else 64
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
WARMUP, PROFILE_STEPS = 5, 5
torch.set_num_threads(threads)
torch.backends.quantized.engine = "onednn"
torch.manual_seed(0)
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 10, (batch,))


def build(qat):
    torch.manual_seed(0)
    m = getattr(torchvision.models, name)(num_classes=10)
    if qat:
        m.train()
        m = prepare_qat_fx(m, get_default_qat_qconfig_mapping("onednn"), example_inputs=(x,))
    m.train()
    return m


def step(m, opt):
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(m(x), y).backward()
    opt.step()


def measure(qat):
    m = build(qat)
    opt = torch.optim.Adam(m.parameters(), 1e-4)
    for _ in range(WARMUP):
        step(m, opt)
    times, cpu = [], []
    for _ in range(steps):
        c0, t0 = time.process_time(), time.perf_counter()
        step(m, opt)
        times.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    table = None
    if qat:
        with torch.profiler.profile() as p:
            for _ in range(PROFILE_STEPS):
                step(m, opt)
        table = p.key_averages()
    return statistics.median(times), statistics.median(cpu), table


fp32_ms, fp32_cpu, _ = measure(False)
qat_ms, qat_cpu, table = measure(True)
print("TORCH " + json.dumps({"model": name, "batch": batch, "threads": threads, "fp32StepMs": round(fp32_ms, 2),
                             "qatStepMs": round(qat_ms, 2), "fp32ImagesPerSecond": round(batch * 1e3 / fp32_ms, 1),
                             "qatImagesPerSecond": round(batch * 1e3 / qat_ms, 1), "fp32CpuMsPerStep": round(fp32_cpu, 2),
                             "qatCpuMsPerStep": round(qat_cpu, 2)}), flush=True)
rows = sorted(table, key=lambda e: e.self_cpu_time_total, reverse=True)[:20]
print(f"PyTorch QAT per-op self CPU, ms per step ({PROFILE_STEPS} profiled steps):", file=sys.stderr)
for e in rows:
    print(f"  torch {e.key:<44} {e.self_cpu_time_total / 1e3 / PROFILE_STEPS:8.2f} ms  calls/step {e.count // PROFILE_STEPS}",
          file=sys.stderr)
