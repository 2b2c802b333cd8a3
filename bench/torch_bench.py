#!/usr/bin/python3
"""PyTorch half of bench/run_bench.sh: the networks, data and settings of bench_train.

Usage: torch_bench.py [--mode throughput|accuracy] [--network mlp|cnn|all]
                      [--samples N] [--data DIR] [--threads 1,2]

Fashion-MNIST is read from the IDX .gz files with gzip and numpy (torchvision may be
absent), scaled to [0, 1] and standardized with the training set's mean and deviation,
as dlab's "standardize" normalization does. Adam 1e-3, batch 64, cross-entropy.

throughput  per network and per thread count (torch.set_num_threads): a warm-up of 10
            batches, then two timed epochs over the first N training images; prints
            the best as "mlp samples_per_s=37000.0 samples=30000 threads=2".
accuracy    the MLP for 5 epochs on all 60,000 training images, evaluated on the 10,000
            test images: "mlp test_accuracy=0.8790 seconds=12.1 epochs=5".

Run with OPENBLAS_NUM_THREADS=1 (run_bench.sh sets it): OpenBLAS reads it at load.
"""

import argparse
import gzip
import os
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"
DEFAULT_SAMPLES = {"mlp": 30000, "cnn": 9600}
WARMUP_BATCHES = 10
TIMED_PASSES = 2
BATCH = 64
LR = 1e-3
EPOCHS = 5


def read_idx(path):
    """An IDX file (uint8 elements) as a numpy array, its header checked first."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    rank = data[3]
    header = 4 + 4 * rank
    dims = struct.unpack(">" + "I" * rank, data[4:header])
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise ValueError(f"{path}: header declares {expected} bytes, file has "
                         f"{len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def idx_path(folder, stem):
    gz = os.path.join(folder, stem + ".gz")
    return gz if os.path.exists(gz) else os.path.join(folder, stem)


def load(folder, train):
    prefix = "train" if train else "t10k"
    images = read_idx(idx_path(folder, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(idx_path(folder, f"{prefix}-labels-idx1-ubyte"))
    return images.astype(np.float32) / 255.0, labels.astype(np.int64)


def tensors(images, labels, mean, std):
    x = torch.from_numpy((images - mean) / std).float().reshape(-1, 1, 28, 28)
    return x.contiguous(), torch.from_numpy(labels)


def make_model(name):
    nn = torch.nn
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                             nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                         nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def train_epoch(model, optimizer, x, y, n):
    """One shuffled epoch over the first n samples; returns samples per second."""
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(n)
    start = time.perf_counter()
    for begin in range(0, n, BATCH):
        index = order[begin:begin + BATCH]
        optimizer.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        loss.item()
    return n / (time.perf_counter() - start)


def throughput(name, x, y, samples, threads):
    best = (0.0, 0)
    for t in threads:
        torch.set_num_threads(t)
        torch.manual_seed(1)
        model = make_model(name)
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=LR)
        train_epoch(model, optimizer, x, y, WARMUP_BATCHES * BATCH)
        for _ in range(TIMED_PASSES):
            best = max(best, (train_epoch(model, optimizer, x, y, samples), t))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["throughput", "accuracy"], default="throughput")
    parser.add_argument("--network", choices=["mlp", "cnn", "all"], default="all")
    parser.add_argument("--samples", type=int, default=0)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--threads", default="1,2",
                        help="thread counts to try; the best figure is reported")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    images, labels = load(args.data, True)
    mean, std = float(images.mean()), float(images.std())
    x, y = tensors(images, labels, mean, std)

    if args.mode == "throughput":
        names = ["mlp", "cnn"] if args.network == "all" else [args.network]
        for name in names:
            samples = min(args.samples or DEFAULT_SAMPLES[name], x.shape[0])
            rate, t = throughput(name, x, y, samples, threads)
            print(f"{name} samples_per_s={rate:.1f} samples={samples} threads={t}", flush=True)
        return

    torch.set_num_threads(max(threads))
    torch.manual_seed(1)
    model = make_model("mlp")
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    start = time.perf_counter()
    model.train()
    for _ in range(EPOCHS):
        train_epoch(model, optimizer, x, y, x.shape[0])
    seconds = time.perf_counter() - start
    test_x, test_y = tensors(*load(args.data, False), mean, std)
    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(f"mlp test_accuracy={accuracy:.4f} seconds={seconds:.1f} epochs={EPOCHS}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as e:
        sys.exit(f"torch_bench.py: {e}")
