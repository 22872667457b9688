#!/usr/bin/env python3
"""numpy peer of the Go MLP trainer.

784-100-100-100-10 fully connected, ReLU (or sigmoid) hidden layers, softmax
+ cross-entropy averaged over the minibatch, plain SGD (lr 0.1, batch 500),
training set reshuffled every epoch, float32 throughout. Forward and backward
are written out by hand; every matrix product is one numpy matmul, i.e. one
BLAS sgemm call:

  forward   Z = A_prev @ W (+ b)
  backward  dW = A_prev.T @ dZ,  db = sum_rows(dZ),  dA_prev = dZ @ W.T
            (dA_prev is not formed for the first layer: the input needs no
             gradient)

All work arrays are allocated once; a training step writes into them with
out= and updates W and b in place.

Usage: /usr/bin/python3 numpy_mlp.py [--epochs 5] [--threads 1] [--act relu]
"""

import sys

import peercommon

ARGS = None
if __name__ == "__main__":
    ARGS = peercommon.parse_args("numpy")
    # Thread counts must be in the environment before numpy loads OpenBLAS.
    peercommon.set_thread_env(ARGS.threads, "numpy")

import numpy as np  # noqa: E402

import mnist  # noqa: E402


class MLP:
    """Weights W[l] (fan_in x fan_out) and biases b[l], with preallocated
    workspaces for batches of up to `batch` rows."""

    def __init__(self, ws, bs, act, batch):
        self.W, self.b, self.act = ws, bs, act
        self.L = len(ws)
        outs = [w.shape[1] for w in ws]
        f32 = np.float32
        self.Z = [np.empty((batch, o), f32) for o in outs]    # pre-activations
        self.A = [np.empty((batch, o), f32) for o in outs]    # activations (last: softmax)
        self.dZ = [np.empty((batch, o), f32) for o in outs]   # dL/dZ
        self.mask = [np.empty((batch, o), f32) for o in outs]  # activation derivative
        self.dW = [np.empty_like(w) for w in ws]
        self.db = [np.empty_like(b) for b in bs]
        self.rowmax = np.empty((batch, 1), f32)
        self.rowsum = np.empty((batch, 1), f32)

    def _act(self, z, a):
        if self.act == "relu":
            np.maximum(z, 0, out=a)
        else:  # sigmoid: 1 / (1 + exp(-z))
            np.negative(z, out=a)
            np.exp(a, out=a)
            a += 1
            np.reciprocal(a, out=a)

    def _act_deriv(self, z, a, out):
        if self.act == "relu":
            np.greater(z, 0, out=out)   # 1.0 where z > 0 else 0.0
        else:  # s * (1 - s)
            np.subtract(1, a, out=out)
            out *= a

    def forward(self, x, n):
        """Run n rows; returns the (n, classes) softmax probabilities.
        Also leaves the shifted logits (z - rowmax) in Z[-1] and the row sums
        of their exponentials in rowsum, for the loss."""
        inp = x
        for l in range(self.L):
            z = self.Z[l][:n]
            np.matmul(inp, self.W[l], out=z)
            z += self.b[l]
            if l < self.L - 1:
                a = self.A[l][:n]
                self._act(z, a)
                inp = a
        z, p = self.Z[-1][:n], self.A[-1][:n]
        m, s = self.rowmax[:n], self.rowsum[:n]
        np.max(z, axis=1, keepdims=True, out=m)
        z -= m
        np.exp(z, out=p)
        np.sum(p, axis=1, keepdims=True, out=s)
        p /= s
        return p

    def loss(self, y, n):
        """Mean cross-entropy of the last forward pass: log(sum e^z') - z'_y."""
        rows = np.arange(n)
        return float(np.mean(np.log(self.rowsum[:n, 0]) - self.Z[-1][rows, y]))

    def step(self, x, y, lr):
        """One SGD step on the batch (x, y); returns its mean loss before the update."""
        n = x.shape[0]
        p = self.forward(x, n)
        loss = self.loss(y, n)
        last = self.L - 1
        dz = self.dZ[last][:n]
        np.copyto(dz, p)
        dz[np.arange(n), y] -= 1
        dz *= np.float32(1.0 / n)            # (p - onehot) / n
        lr32 = np.float32(lr)
        for l in range(last, -1, -1):
            dz = self.dZ[l][:n]
            a_prev = x if l == 0 else self.A[l - 1][:n]
            dw, db = self.dW[l], self.db[l]
            np.matmul(a_prev.T, dz, out=dw)
            np.sum(dz, axis=0, out=db)
            if l > 0:
                # dA_prev = dZ @ W.T with the weights before this step's update,
                # then through the activation of layer l-1.
                da = self.dZ[l - 1][:n]
                np.matmul(dz, self.W[l].T, out=da)
                der = self.mask[l - 1][:n]
                self._act_deriv(self.Z[l - 1][:n], self.A[l - 1][:n], der)
                da *= der
            dw *= lr32
            self.W[l] -= dw
            db *= lr32
            self.b[l] -= db
        return loss

    def evaluate(self, x, y, chunk):
        correct, loss = 0, 0.0
        for lo in range(0, x.shape[0], chunk):
            xb, yb = x[lo:lo + chunk], y[lo:lo + chunk]
            n = xb.shape[0]
            p = self.forward(xb, n)
            correct += int(np.count_nonzero(np.argmax(p, axis=1) == yb))
            loss += self.loss(yb, n) * n
        return correct / x.shape[0], loss / x.shape[0]


def main():
    args = ARGS
    tx, ty, vx, vy = mnist.load(args.data)
    ty = ty.astype(np.intp)
    vy = vy.astype(np.intp)
    ws, bs = peercommon.he_init(args.seed)
    eval_chunk = 10000
    net = MLP(ws, bs, args.act, max(args.batch, eval_chunk))
    n, B = tx.shape[0], args.batch
    xb_buf = np.empty((B, tx.shape[1]), np.float32)

    def train_pass(perm):
        total = 0.0
        steps = 0
        for lo in range(0, n, B):
            idx = perm[lo:lo + B]
            xb = xb_buf[:idx.shape[0]]
            np.take(tx, idx, axis=0, out=xb)
            total += net.step(xb, ty[idx], args.lr)
            steps += 1
        return total / steps

    epoch_s, eval_s, accs, losses, other = peercommon.train_epochs(
        "numpy", args, n, train_pass, lambda: net.evaluate(vx, vy, eval_chunk)[0])

    def infer():
        return np.argmax(net.forward(vx, vx.shape[0]), axis=1)

    inf = peercommon.infer_bench(infer, vx.shape[0], args.infer_repeats)
    versions = {"python": sys.version.split()[0], "numpy": np.__version__}
    print(peercommon.result("numpy", args, epoch_s, accs, losses, eval_s, versions,
                            other, inf), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
