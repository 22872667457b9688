#!/usr/bin/env python3
"""Checks that numpy_mlp.py and torch_mlp.py compute the same thing.

Both peers start from the same He-normal weights (peercommon.he_init) and
take the same SGD steps on the same shuffled MNIST batches; after each step
the weights and biases of every layer must agree within float32 rounding, and
the batch losses must match. The torch side uses autograd, so this also
checks the numpy peer's hand-written backward pass. Runs in a few seconds.

Usage: /usr/bin/python3 check_same.py [--steps 20] [--act relu|sigmoid|both] [--data DIR]
Exit status 0 and "N passed, 0 failed" when every compared step agrees.
"""

import argparse
import os
import sys

# Small, deterministic runs: one thread everywhere (before numpy/torch load).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import mnist  # noqa: E402
import numpy_mlp  # noqa: E402
import peercommon  # noqa: E402
import torch_mlp  # noqa: E402


def compare(act, steps, tx, ty, batch, lr, seed, tol):
    ws, bs = peercommon.he_init(seed)
    net = numpy_mlp.MLP(ws, bs, act, batch)
    model = torch_mlp.build(act, seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    perm = peercommon.shuffler(seed).permutation(tx.shape[0])
    ty64 = torch.from_numpy(ty.astype(np.int64))
    worst = 0.0
    failures = 0
    for s in range(steps):
        idx = perm[s * batch:(s + 1) * batch]
        xb = np.ascontiguousarray(tx[idx])
        loss_np = net.step(xb, ty[idx].astype(np.intp), lr)
        loss_t = F.cross_entropy(model(torch.from_numpy(xb)), ty64[torch.from_numpy(idx)])
        opt.zero_grad(set_to_none=True)
        loss_t.backward()
        opt.step()
        diffs = [abs(loss_np - loss_t.item())]
        for l, lin in enumerate(linears):
            diffs.append(float(np.max(np.abs(net.W[l] - lin.weight.detach().numpy().T))))
            diffs.append(float(np.max(np.abs(net.b[l] - lin.bias.detach().numpy()))))
        d = max(diffs)
        worst = max(worst, d)
        if not d <= tol:
            failures += 1
            print(f"FAIL {act} step {s + 1}: max |numpy - torch| = {d:.3e} > {tol:.0e}")
    return worst, failures


def main():
    p = argparse.ArgumentParser(description="numpy peer vs torch peer, step by step")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--act", choices=("relu", "sigmoid", "both"), default="both")
    p.add_argument("--tol", type=float, default=1e-4,
                   help="largest allowed |difference| of loss, weights or biases")
    mnist.add_data_arg(p)
    a = p.parse_args()
    tx, ty, _, _ = mnist.load(a.data)
    passed = failed = 0
    for act in (("relu", "sigmoid") if a.act == "both" else (a.act,)):
        worst, bad = compare(act, a.steps, tx, ty, batch=500, lr=0.1, seed=1, tol=a.tol)
        print(f"{act}: {a.steps} SGD steps, worst |numpy - torch| {worst:.2e} "
              f"(loss, weights, biases; tolerance {a.tol:.0e})")
        if bad:
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
