"""Pieces shared by numpy_mlp.py, torch_mlp.py and torch_cnn.py.

This module imports only the standard library at load time, so a script can
parse its arguments and set the thread variables *before* numpy or torch is
imported (BLAS and OpenMP read them once, when they load).
"""

import argparse
import ctypes
import json
import math
import os
import statistics
import sys
import time

LAYERS = (784, 100, 100, 100, 10)


def parse_args(peer, argv=None):
    p = argparse.ArgumentParser(
        description=f"{peer} peer of the Go MLP trainer: 784-100-100-100-10, "
                    "softmax cross-entropy, plain minibatch SGD on MNIST, float32.")
    p.add_argument("--epochs", type=int, default=5, help="passes over the training set (default 5)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP threads (sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, "
                        "MKL_NUM_THREADS before the library loads; default 1)")
    p.add_argument("--act", choices=("relu", "sigmoid"), default="relu",
                   help="hidden activation (default relu)")
    p.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    p.add_argument("--batch", type=int, default=500, help="minibatch size (default 500)")
    p.add_argument("--seed", type=int, default=1,
                   help="seeds the He-normal init and the per-epoch shuffle (default 1)")
    p.add_argument("--quiet", action="store_true", help="print only the final JSON line")
    p.add_argument("--infer-repeats", type=int, default=20,
                   help="after training, time this many inference passes over the test set "
                        "(forward and argmax, no gradients; default 20, 0: none)")
    # mnist.py imports numpy, so its --data helper cannot be used here.
    p.add_argument("--data", metavar="DIR", default=None,
                   help="directory holding the four MNIST *-ubyte.gz files "
                        "(default: GoMNIST's data/ in `go env GOMODCACHE`)")
    a = p.parse_args(argv)
    if a.epochs < 1 or a.threads < 1 or a.batch < 1 or not a.lr > 0:
        p.error("--epochs, --threads and --batch must be >= 1 and --lr > 0")
    return a


def he_init(seed):
    """He-normal weights (std sqrt(2/fan_in)), float32, shape (fan_in, fan_out),
    and zero biases, drawn from numpy so that both peers start identically."""
    import numpy as np
    rng = np.random.default_rng([seed, 0])
    ws, bs = [], []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:]):
        w = rng.standard_normal((fan_in, fan_out), dtype=np.float32)
        w *= np.float32(np.sqrt(2.0 / fan_in))
        ws.append(w)
        bs.append(np.zeros(fan_out, dtype=np.float32))
    return ws, bs


def shuffler(seed):
    """The RNG whose permutation(n) orders each epoch (shared by both peers)."""
    import numpy as np
    return np.random.default_rng([seed, 1])


def set_thread_env(threads, peer):
    """Pin the thread pools; must run before numpy/torch are imported."""
    t = str(threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = t
    if peer == "torch" and threads > 1:
        # Idle OpenMP workers sleep instead of spinning, so they do not take
        # the core from OpenBLAS's own pthreads between calls.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def blas_info():
    """Which BLAS this process loaded and which OpenBLAS kernel it chose.

    Uses threadpoolctl when it is installed; otherwise finds libopenblas in
    /proc/self/maps and asks it directly.
    """
    try:
        from threadpoolctl import threadpool_info
        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return {"library": lib.get("internal_api"), "version": lib.get("version"),
                        "kernel": lib.get("architecture"),
                        "threading": lib.get("threading_layer"),
                        "num_threads": lib.get("num_threads"),
                        "path": lib.get("filepath")}
    except ImportError:
        pass
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line and "/" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {"library": "openblas", "version": lib.openblas_get_config().decode(),
                    "kernel": lib.openblas_get_corename().decode(),
                    "threading": {0: "sequential", 1: "pthreads", 2: "openmp"}.get(
                        lib.openblas_get_parallel(), "?"),
                    "num_threads": lib.openblas_get_num_threads(),
                    "path": path}
    except (OSError, AttributeError):
        pass
    return {"library": "unknown"}


class CpuMeter:
    """Noise gauge for a timed section: CPU seconds the whole machine spent
    busy minus those this process spent, i.e. other programs' share (Linux;
    None elsewhere). Near 0 means the section ran on a quiet machine."""

    def __init__(self):
        self._hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._start = None

    def _read(self):
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:9]]
        except OSError:
            return None
        busy = sum(v) - v[3] - v[4]          # all but idle and iowait
        t = os.times()
        return busy / self._hz, t.user + t.system

    def start(self):
        self._start = self._read()

    def stop(self):
        end = self._read()
        if self._start is None or end is None:
            return None
        return max(0.0, (end[0] - self._start[0]) - (end[1] - self._start[1]))


def infer_bench(fn, n, repeats):
    """Times repeats calls of fn() (one inference pass over n images) after
    one warm-up call; returns the JSON fields of the inference throughput."""
    import time
    if repeats < 1:
        return {}
    fn()
    secs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        secs.append(time.perf_counter() - t0)
    med = statistics.median(secs)
    return {"infer_seconds": [round(s, 6) for s in secs], "infer_median_s": round(med, 6),
            "infer_images": n, "infer_images_per_s": round(n / med, 1)}


def env_snapshot():
    keys = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY",
            "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    return {k: os.environ.get(k) for k in keys}


def train_epochs(peer, args, n, train_pass, evaluate, order=None):
    """The timed training loop of a peer: args.epochs passes, each over the
    n training images in the order of a fresh shuffler(args.seed)
    permutation (order(perm) converts it for the framework; the shuffle is
    not timed). train_pass(perm) runs one pass and returns its mean batch
    loss; evaluate() returns the test accuracy. Prints an epoch line per
    epoch unless args.quiet, exits when the loss diverges, and returns the
    lists (train seconds, eval seconds, accuracies, losses, other
    processes' CPU seconds) per epoch."""
    rng = shuffler(args.seed)
    meter = CpuMeter()
    epoch_s, eval_s, accs, losses, other = [], [], [], [], []
    for epoch in range(1, args.epochs + 1):
        perm = rng.permutation(n)
        if order is not None:
            perm = order(perm)
        meter.start()
        t0 = time.perf_counter()
        loss = train_pass(perm)
        t1 = time.perf_counter()
        other.append(meter.stop())
        acc = evaluate()
        t2 = time.perf_counter()
        if not math.isfinite(loss):
            sys.exit(f"{peer} peer: training diverged in epoch {epoch}")
        epoch_s.append(t1 - t0)
        eval_s.append(t2 - t1)
        accs.append(acc)
        losses.append(loss)
        if not args.quiet:
            print(epoch_line(epoch, args.epochs, t1 - t0, loss, acc, t2 - t1, other[-1]),
                  flush=True)
    return epoch_s, eval_s, accs, losses, other


def torch_sgd_pass(model, opt, tx, ty, perm, batch):
    """One pass of torch SGD over the images tx with labels ty in the order
    perm (a tensor): mean softmax cross-entropy per batch of `batch`;
    returns the mean batch loss. Imports torch when called."""
    from torch.nn import functional
    total, steps = 0.0, 0
    for lo in range(0, tx.shape[0], batch):
        idx = perm[lo:lo + batch]
        loss = functional.cross_entropy(model(tx.index_select(0, idx)), ty.index_select(0, idx))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item()
        steps += 1
    return total / steps


def torch_train_epochs(peer, args, model, tx, ty, evaluate):
    """train_epochs for a torch model: plain SGD (args.lr, no momentum, no
    weight decay) by torch_sgd_pass over the images tx with labels ty."""
    import torch
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.0, weight_decay=0.0)
    return train_epochs(peer, args, tx.shape[0],
                        lambda perm: torch_sgd_pass(model, opt, tx, ty, perm, args.batch),
                        evaluate, order=torch.from_numpy)


def epoch_line(epoch, epochs, secs, loss, acc, eval_secs, other_cpu=None):
    noise = "" if other_cpu is None else f", other procs {other_cpu:.2f} cpu-s"
    return (f"epoch {epoch:>3}/{epochs}  train {secs:7.3f} s  loss {loss:.4f}  "
            f"test acc {acc:.4f}  (eval {eval_secs:.3f} s{noise})")


def result(peer, args, epoch_seconds, accs, losses, eval_seconds, versions, other_cpu=None,
           infer=None):
    """The final JSON line. The first eight keys are the agreed schema."""
    out = {
        "peer": peer,
        "threads": args.threads,
        "act": args.act,
        "epochs": args.epochs,
        "epoch_seconds": [round(s, 6) for s in epoch_seconds],
        "median_epoch_s": round(statistics.median(epoch_seconds), 6),
        "test_accuracy_per_epoch": [round(a, 6) for a in accs],
        "test_accuracy": round(accs[-1], 6),
        # extras
        "train_loss_per_epoch": [round(v, 6) for v in losses],
        "eval_seconds": [round(s, 6) for s in eval_seconds],
        # CPU seconds other processes used during each training pass
        "other_cpu_s": [None if c is None else round(c, 3) for c in (other_cpu or [])],
        "lr": args.lr, "batch": args.batch, "seed": args.seed,
        "blas": blas_info(),
        "env": env_snapshot(),
        "versions": versions,
    }
    out.update(infer or {})
    return json.dumps(out)
