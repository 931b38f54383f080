"""Models and data shared by qforge's Fashion-MNIST benchmarks (run with Debian's /usr/bin/python3)."""
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FMNIST_DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fmnist():
    def p(name):
        return os.path.join(FMNIST_DIR, name)
    xtr = read_idx(p("train-images-idx3-ubyte.gz")).astype(np.float32)[:, None] / 255.0
    ytr = read_idx(p("train-labels-idx1-ubyte.gz")).astype(np.int64)
    xte = read_idx(p("t10k-images-idx3-ubyte.gz")).astype(np.float32)[:, None] / 255.0
    yte = read_idx(p("t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    return xtr, ytr, xte, yte


class LeNetBN(nn.Module):
    """LeNet-style CNN with BatchNorm for 1x28x28 inputs."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = x.view(x.size(0), -1)
        return self.fc2(F.relu(self.fc1(x)))


def export(model, path, hw=28):
    """Exports with the BatchNormalization nodes kept (eval mode, TrainingMode.PRESERVE, no folding)."""
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, hw, hw), path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)


def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    """Conv (no bias) + BatchNorm + ReLU6: one MobileNet-style unit."""
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6())


class DwSepCNN(nn.Module):
    """Small depthwise-separable CNN for 1x28x28 inputs (MobileNet-style): a 3x3 stem, three
    depthwise 3x3 + pointwise 1x1 blocks (strides 2, 2, 1), each Conv + BN + ReLU6, then global
    average pooling and one Linear layer. ~14k parameters."""

    BLOCKS = ((16, 32, 2), (32, 64, 2), (64, 128, 1))

    def __init__(self):
        super().__init__()
        layers = [conv_bn_relu6(1, 16, 3)]
        for cin, cout, stride in self.BLOCKS:
            layers += [conv_bn_relu6(cin, cin, 3, stride, groups=cin), conv_bn_relu6(cin, cout, 1)]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))
