#!/usr/bin/env python3
"""PyTorch peer of the Go MLP trainer (CPU).

The same computation as numpy_mlp.py: 784-100-100-100-10 torch.nn.Linear
layers with ReLU (or sigmoid) between them, mean softmax cross-entropy
(F.cross_entropy), torch.optim.SGD (lr 0.1, no momentum, no weight decay),
batch 500, the training set reshuffled every epoch, float32. The initial
weights and the epoch orders come from the same numpy generators as the numpy
peer, so both start from identical weights and see identical batches.
Autograd forms no gradient for the input batch (it does not require grad),
just as the numpy peer skips dA for the first layer.

Usage: /usr/bin/python3 torch_mlp.py [--epochs 5] [--threads 1] [--act relu]
"""

import sys

import peercommon

ARGS = None
if __name__ == "__main__":
    ARGS = peercommon.parse_args("torch")
    # Thread counts (and OMP_WAIT_POLICY) must be set before torch loads
    # OpenMP and OpenBLAS.
    peercommon.set_thread_env(ARGS.threads, "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import mnist  # noqa: E402


def build(act, seed):
    ws, bs = peercommon.he_init(seed)
    layers = []
    for l, (w, b) in enumerate(zip(ws, bs)):
        lin = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T.copy()))   # Linear stores (out, in)
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if l < len(ws) - 1:
            layers.append(torch.nn.ReLU() if act == "relu" else torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


@torch.no_grad()
def evaluate(model, x, y, chunk=10000):
    model.eval()
    correct = 0
    for lo in range(0, x.shape[0], chunk):
        logits = model(x[lo:lo + chunk])
        correct += int((logits.argmax(dim=1) == y[lo:lo + chunk]).sum())
    model.train()
    return correct / x.shape[0]


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)   # unused by the computation; fixed for good measure
    tx, ty, vx, vy = mnist.load(args.data)
    tx, vx = torch.from_numpy(tx), torch.from_numpy(vx)
    ty, vy = torch.from_numpy(ty.astype(np.int64)), torch.from_numpy(vy.astype(np.int64))

    model = build(args.act, args.seed)
    epoch_s, eval_s, accs, losses, other = peercommon.torch_train_epochs(
        "torch", args, model, tx, ty, lambda: evaluate(model, vx, vy))

    model.eval()

    @torch.no_grad()
    def infer():
        return model(vx).argmax(dim=1)

    inf = peercommon.infer_bench(infer, vx.shape[0], args.infer_repeats)
    model.train()
    versions = {"python": sys.version.split()[0], "numpy": np.__version__,
                "torch": torch.__version__,
                "torch_num_threads": torch.get_num_threads(),
                "torch_parallel_backend": "openmp" if torch.backends.openmp.is_available() else "?"}
    print(peercommon.result("torch", args, epoch_s, accs, losses, eval_s, versions,
                            other, inf), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
