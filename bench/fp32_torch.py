"""PyTorch side of the FP32 training benchmark: exports the initial LeNet-BN to ONNX (the model
qforge trains), then trains the same initial weights in PyTorch with the same batch size,
optimizer, learning rate, epochs and thread count, and prints one JSON line of results."""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn.functional as F

from fmnist_models import LeNetBN, export, load_fmnist

ap = argparse.ArgumentParser()
ap.add_argument("--onnx-out", required=True)
ap.add_argument("--epochs", type=int, default=3)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--seed", type=int, default=0)
args = ap.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
model = LeNetBN()
export(model, args.onnx_out)
model.train()
xtr, ytr, xte, yte = load_fmnist()
xtr_t, ytr_t = torch.from_numpy(xtr), torch.from_numpy(ytr)
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
steps_total = args.epochs * ((len(xtr) + args.batch - 1) // args.batch)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_total)
rng = np.random.default_rng(args.seed)
epoch_ips = []
step_ms = []
for epoch in range(args.epochs):
    model.train()
    perm = torch.from_numpy(rng.permutation(len(xtr)))
    t0 = time.perf_counter()
    for i in range(0, len(xtr), args.batch):
        s0 = time.perf_counter()
        idx = perm[i:i + args.batch]
        xb, yb = xtr_t[idx], ytr_t[idx]
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        step_ms.append((time.perf_counter() - s0) * 1000)
    epoch_ips.append(len(xtr) / (time.perf_counter() - t0))
model.eval()
with torch.no_grad():
    pred = torch.cat([model(torch.from_numpy(xte[i:i + 1000])).argmax(1) for i in range(0, len(xte), 1000)])
acc = (pred.numpy() == yte).mean()
print(json.dumps({"peer": "pytorch " + torch.__version__, "epochs": args.epochs, "batch": args.batch,
                  "threads": args.threads, "images_per_s_per_epoch": epoch_ips,
                  "images_per_s_median": float(np.median(epoch_ips)),
                  "step_ms_median": float(np.median(step_ms)), "test_accuracy": float(acc)}))
