#!/usr/bin/env bash
# Times a LeNet-5 training epoch (MNIST, batch 500, lr 0.1, ReLU, 2 threads
# or --threads 1)
# in the Go trainer (go test -bench EpochLeNet5 ./nn/) and in PyTorch
# (bench/peer/torch_cnn.py), alternating R times so that both see the same
# machine load, and prints every measurement and the ratio of the medians.
#
#   bench/peer/cnn_vs_torch.sh [--repeats 3] [--epochs 3] [--threads 2] [--coretype SkylakeX]
#
# Needs Go and /usr/bin/python3 with python3-torch (Debian). --coretype is
# OpenBLAS's kernel for PyTorch's dense layers (see README.md); the
# convolutions run in oneDNN when PyTorch has it. The load average before
# each run is printed: compare runs made under the same load.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REPEATS=3
EPOCHS=3
CORETYPE=SkylakeX
THREADS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) REPEATS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --coretype) CORETYPE="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "cnn_vs_torch.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$THREADS" in
  1) BENCH='EpochLeNet5OneThread$' ;;
  2) BENCH='EpochLeNet5$' ;;
  *) echo "cnn_vs_torch.sh: --threads 1 or 2" >&2; exit 2 ;;
esac
cd "$ROOT"
lscpu | grep -m1 'Model name' || true
BIN="$(mktemp -d)/nn.test"
go test -c -o "$BIN" ./nn/
ours=() peer=()
for r in $(seq 1 "$REPEATS"); do
  echo "== round $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
  o=$(cd nn && "$BIN" -test.run '^$' -test.bench "$BENCH" -test.benchtime "${EPOCHS}x" | awk '/EpochLeNet5/ {for (i = 1; i < NF; i++) if ($(i+1) == "s/epoch") print $i}')
  echo "ours  (Go, NHWC im2col + AVX-512 GEMM, $THREADS threads): ${o} s/epoch (mean of ${EPOCHS} after a warm-up epoch)"
  echo "== round $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
  line=$(OPENBLAS_CORETYPE=$CORETYPE /usr/bin/python3 "$HERE/torch_cnn.py" --epochs "$EPOCHS" --threads "$THREADS" --quiet | tail -1)
  p=$(echo "$line" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["median_epoch_s"])')
  echo "torch (PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $THREADS threads): ${p} s/epoch (median of ${EPOCHS})"
  ours+=("$o") peer+=("$p")
done
/usr/bin/python3 - "${ours[*]}" "${peer[*]}" <<'PY'
import statistics, sys
o = [float(v) for v in sys.argv[1].split()]
p = [float(v) for v in sys.argv[2].split()]
mo, mp = statistics.median(o), statistics.median(p)
print(f"median ours {mo:.3f} s/epoch, PyTorch {mp:.3f} s/epoch, ratio ours/PyTorch {mo/mp:.2f}")
PY
