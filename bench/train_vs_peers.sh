#!/usr/bin/env bash
# Times one training epoch of the paper's network (784-100-100-100-10, ReLU,
# batch 500, lr 0.1, MNIST) in our Go trainer and in the fastest CPU peers
# (PyTorch and numpy on OpenBLAS, bench/peer/), one after the other on the
# same machine, and prints the ratio ours / fastest peer.
#
#   bench/train_vs_peers.sh [--coretype SkylakeX] [--epochs 5]
#
# Needs: Go; for the peers, apt-get install python3-torch python3-numpy
# libopenblas0-pthread. --coretype picks the OpenBLAS kernel (Debian's 0.3.21
# falls back to a slow generic kernel on CPUs it does not know; see
# bench/peer/README.md). Run it on an otherwise idle machine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CORETYPE=SkylakeX
EPOCHS=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --coretype) CORETYPE="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    *) echo "train_vs_peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
echo "== ours: go test -bench 'EpochReLU' ./nn/ (median of 10 epochs each)"
ours=$(go test -run '^$' -bench 'EpochReLU' -benchtime 10x -count 3 ./nn/ | tee /dev/stderr | awk '/EpochReLU2Threads/ {print $5}' | sort -n | sed -n 2p)
echo "ours (2 threads, median of 3 runs): ${ours} s/epoch"
PY=/usr/bin/python3
best=999
for peer in torch numpy; do
  for t in 1 2; do
    line=$(OPENBLAS_CORETYPE=$CORETYPE "$PY" "$HERE/peer/${peer}_mlp.py" --epochs "$EPOCHS" --threads "$t" | tail -1)
    med=$(echo "$line" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["median_epoch_s"])')
    echo "$peer threads=$t: median ${med} s/epoch"
    best=$("$PY" -c "print(min($best, $med))")
  done
done
"$PY" -c "print(f'fastest peer {float($best):.3f} s/epoch; ours {float(\"$ours\"):.3f} s/epoch; ratio ours/peer = {float(\"$ours\")/float($best):.2f}')"
