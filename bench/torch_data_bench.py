#!/usr/bin/python3
"""The PyTorch half of bench/run_data_bench.sh: the same data-pipeline work as bench_data.

  torch_data_bench.py [--part open|epoch|all] [--data DIR] [--repeats R]

open   reads the Fashion-MNIST training and test sets (60 000 + 10 000 images) from the
       same gzipped IDX files into uint8 tensors, checking the headers as dlab does;
       best of R:   "open_fashion_mnist seconds=0.41 images=70000"
       (torchvision's FashionMNIST class reads only unpacked files, so the gzip reading
       is written out here: gzip + frombuffer, what torchvision does after unpacking.)
epoch  one epoch of the 60 000 training images through torch.utils.data.DataLoader:
       shuffled, batches of 64, RandomCrop(28, padding=2), RandomHorizontalFlip(),
       Normalize(mean, std) with the training set's statistics (computed before the
       clock starts). Tried with num_workers 0 and 1, and with the transforms on PIL
       images (torchvision's FashionMNIST way: PIL image -> crop/flip -> ToTensor ->
       Normalize) and on uint8 tensors; best of R epochs each, the best overall on
       the last line:  "epoch_batches seconds=3.21 batches=938 workers=1 input=pil"
"""

import argparse
import gzip
import struct
import sys
import time

import torch
import torch.utils.data
from PIL import Image
from torchvision import transforms

BATCH = 64


def read_idx_gz(path, expected_rank):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: bad magic")
    rank = data[3]
    if rank != expected_rank:
        raise ValueError(f"{path}: expected rank {expected_rank}, got {rank}")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    body = data[4 + 4 * rank:]
    count = 1
    for d in dims:
        count *= d
    if len(body) != count:
        raise ValueError(f"{path}: header declares {count} bytes, file has {len(body)}")
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).view(*dims)


def load_split(data_dir, prefix):
    images = read_idx_gz(f"{data_dir}/{prefix}-images-idx3-ubyte.gz", 3)
    labels = read_idx_gz(f"{data_dir}/{prefix}-labels-idx1-ubyte.gz", 1).long()
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{prefix}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def run_open(args):
    best = float("inf")
    images = 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        train_x, _ = load_split(args.data, "train")
        test_x, _ = load_split(args.data, "t10k")
        best = min(best, time.perf_counter() - start)
        images = train_x.shape[0] + test_x.shape[0]
    print(f"open_fashion_mnist seconds={best:.4f} images={images}", flush=True)


class PilImages(torch.utils.data.Dataset):
    """torchvision.datasets.FashionMNIST's __getitem__: a PIL image through the transform."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, i):
        image = Image.fromarray(self.images[i].numpy(), mode="L")
        return self.transform(image), int(self.labels[i])


class TensorImages(torch.utils.data.Dataset):
    """The same on uint8 tensors (1, 28, 28); the tensor transforms of torchvision 0.8+."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images.unsqueeze(1), labels, transform

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, i):
        return self.transform(self.images[i]), int(self.labels[i])


def run_epoch(args):
    train_x, train_y = load_split(args.data, "train")
    scaled = train_x.float() / 255.0
    mean, std = scaled.mean().item(), scaled.std(unbiased=False).item()
    augment = [transforms.RandomCrop(28, padding=2), transforms.RandomHorizontalFlip(0.5)]
    normalize = transforms.Normalize((mean,), (std,))
    pipelines = {
        "pil": PilImages(train_x, train_y,
                         transforms.Compose(augment + [transforms.ToTensor(), normalize])),
        "tensor": TensorImages(train_x, train_y, transforms.Compose(
            augment + [transforms.ConvertImageDtype(torch.float32), normalize])),
    }
    best = (float("inf"), 0, 0, "")
    for name, dataset in pipelines.items():
        for workers in (0, 1):
            torch.manual_seed(1)
            loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True,
                                                 num_workers=workers)
            seconds = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                batches = 0
                sink = 0.0
                for x, y in loader:
                    sink += float(x[0, 0, 0, 0]) + float(y[0])
                    batches += 1
                seconds = min(seconds, time.perf_counter() - start)
            print(f"# epoch_batches input={name} workers={workers} seconds={seconds:.4f}",
                  flush=True)
            if seconds < best[0]:
                best = (seconds, batches, workers, name)
    print(f"epoch_batches seconds={best[0]:.4f} batches={best[1]} workers={best[2]} "
          f"input={best[3]}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["open", "epoch", "all"], default="all")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch.set_num_threads (the 2-core machines fight over more)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.part in ("open", "all"):
        run_open(args)
    if args.part in ("epoch", "all"):
        run_epoch(args)


if __name__ == "__main__":
    sys.exit(main())
