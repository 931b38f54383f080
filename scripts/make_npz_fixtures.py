#!/usr/bin/python3
"""Writes the tiny reference .npz files for io.qforge.engine.data tests with real numpy.

Run from the repository root with Debian's numpy:  /usr/bin/python3 scripts/make_npz_fixtures.py
The Java tests (NpzNumpyFixturesTest) recompute the same formulas, so keep them in sync.
"""
import os

import numpy as np

OUT = os.path.join("src", "test", "resources", "npz")
os.makedirs(OUT, exist_ok=True)

# 1. np.savez (stored): uint8 images, int64 labels, plus an extra string array the reader must ignore.
x_train = (np.arange(6 * 16).reshape(6, 1, 4, 4) * 2).astype(np.uint8)          # 0, 2, 4, ..., 190
y_train = np.array([0, 1, 2, 0, 1, 2], dtype=np.int64)
x_test = (255 - np.arange(3 * 16).reshape(3, 1, 4, 4)).astype(np.uint8)         # 255, 254, ...
y_test = np.array([2, 1, 0], dtype=np.int64)
np.savez(os.path.join(OUT, "uint8_stored.npz"), x_train=x_train, y_train=y_train, x_test=x_test,
         y_test=y_test, class_names=np.array(["a", "b", "c"]))

# 2. np.savez_compressed (deflated): float32 x, uint8 labels of shape (N, 1), a Fortran-ordered
#    float64 x_test and big-endian int32 y_test.
x_train = (np.arange(5 * 3).reshape(5, 3) / 8.0 - 1.0).astype(np.float32)     # i / 8 - 1
y_train = np.array([[1], [0], [1], [1], [0]], dtype=np.uint8)
x_test = np.asfortranarray((np.arange(4 * 3).reshape(4, 3) * 0.25).astype(np.float64))  # i / 4
y_test = np.array([0, 1, 1, 0], dtype=">i4")
np.savez_compressed(os.path.join(OUT, "float_compressed.npz"), x_train=x_train, y_train=y_train,
                    x_test=x_test, y_test=y_test)

# 3. An object (pickled) x_train: must be refused, never unpickled.
obj = np.empty(2, dtype=object)
obj[0] = [1, 2]
obj[1] = "hello"
np.savez(os.path.join(OUT, "object_x_train.npz"), x_train=obj, y_train=np.array([0, 1]),
         x_test=np.zeros((1, 2), np.float32), y_test=np.array([0]))

for name in sorted(os.listdir(OUT)):
    print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
