"""PyTorch side of the per-op step profile in BENCHMARKS.md: LeNet-BN, batch 64, 2 threads, Adam."""
import torch, torch.nn.functional as F, time
from fmnist_models import LeNetBN
torch.set_num_threads(2); torch.manual_seed(0)
m = LeNetBN(); m.train(); opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.rand(64,1,28,28); y = torch.randint(0,10,(64,))
for i in range(20):
    opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
with torch.profiler.profile() as p:
    for i in range(30):
        opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
print(p.key_averages().table(sort_by="self_cpu_time_total", row_limit=18))
