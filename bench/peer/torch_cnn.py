#!/usr/bin/env python3
"""PyTorch peer of the Go LeNet-5 trainer (nn.LeNet5, nn.SeqTrainer), CPU.

The same network and recipe as `go test -bench EpochLeNet5 ./nn/`:
conv 5x5 to 6 channels with padding 2, activation, 2x2 max-pool; conv 5x5
to 16 channels, activation, 2x2 max-pool; flatten (400); Linear 120,
activation; Linear 84, activation; Linear 10. Mean softmax cross-entropy
(F.cross_entropy), torch.optim.SGD (lr 0.1, no momentum, no weight decay),
batch 500, the training set reshuffled every epoch, float32, He-normal
weights (kaiming_normal_, fan_in, std sqrt(2/fan_in)) and zero biases. The
input batch does not require grad, so, as in Go, no gradient is formed for
the images. PyTorch lays maps out NCHW and convolves with oneDNN (mkldnn)
when it is built with it; the Go trainer is NHWC with im2col + its own GEMM.
The weights are not the Go trainer's (a different generator): the epoch
time does not depend on them, and the accuracy only through the seed.

Usage: /usr/bin/python3 torch_cnn.py [--epochs 5] [--threads 2] [--act relu]
"""

import sys

import peercommon

# The thread counts must be set before torch loads OpenMP and OpenBLAS.
ARGS = peercommon.parse_args("torch") if __name__ == "__main__" else None
if ARGS is not None:
    peercommon.set_thread_env(ARGS.threads, "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import mnist  # noqa: E402


def lenet5(act, seed):
    """LeNet-5 as nn.LeNet5 builds it, He-normal from a seeded generator."""
    def a():
        return torch.nn.ReLU() if act == "relu" else torch.nn.Sigmoid()
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), a(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), a(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120), a(),
        torch.nn.Linear(120, 84), a(),
        torch.nn.Linear(84, 10))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model:
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                m.bias.zero_()
    return model


@torch.no_grad()
def evaluate(model, x, y, chunk=2000):
    model.eval()
    correct = 0
    for lo in range(0, x.shape[0], chunk):
        correct += int((model(x[lo:lo + chunk]).argmax(dim=1) == y[lo:lo + chunk]).sum())
    model.train()
    return correct / x.shape[0]


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    tx, ty, vx, vy = mnist.load(args.data)
    tx = torch.from_numpy(tx).reshape(-1, 1, 28, 28)
    vx = torch.from_numpy(vx).reshape(-1, 1, 28, 28)
    ty, vy = torch.from_numpy(ty.astype(np.int64)), torch.from_numpy(vy.astype(np.int64))

    model = lenet5(args.act, args.seed)
    train_s, eval_s, accs, losses, other = peercommon.torch_train_epochs(
        "torch cnn", args, model, tx, ty, lambda: evaluate(model, vx, vy))
    versions = {"python": sys.version.split()[0], "numpy": np.__version__,
                "torch": torch.__version__, "torch_num_threads": torch.get_num_threads(),
                "mkldnn": torch.backends.mkldnn.is_available(), "network": "lenet5"}
    print(peercommon.result("torch-cnn", args, train_s, accs, losses, eval_s, versions, other),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
