#!/usr/bin/env bash
# Trains the paper's network (784-100-100-100-10, ReLU, batch 500, lr 0.1,
# MNIST) in our Go trainer (bench/mlpbench) and in the fastest CPU peers
# (PyTorch and numpy on OpenBLAS, bench/peer/), on 1 and 2 threads, side by
# side in each round, and measures for every run:
#   - seconds per training epoch (median over --epochs; the training pass
#     only: gather, forward, backward, update),
#   - inference throughput on the 10,000 test images (median of
#     --infer-repeats passes; ours: nn.Trainer.Evaluate from the pixel
#     bytes, PyTorch: model.eval() under torch.no_grad() on the float32
#     test tensor, numpy: the forward pass and argmax),
#   - peak resident memory of the whole process (/usr/bin/time %M).
# Every run appends one JSON line (the peer's own line plus "round",
# "peak_rss_kb", "cpu", "loadavg", "coretype", "date") to the results file,
# and the script prints each round's ratios and their ranges.
#
#   bench/train_vs_peers.sh [--rounds 3] [--epochs 5] [--infer-repeats 20]
#                           [--coretype SkylakeX] [--out FILE]
#
# Default FILE: bench/results/train_vs_peers.jsonl. Needs Go and, for the
# peers, apt-get install python3-torch python3-numpy libopenblas0-pthread
# (without libopenblas0-pthread Debian's torch and numpy use the reference
# BLAS, 20x slower). --coretype picks the OpenBLAS kernel (Debian's 0.3.21
# falls back to a slow generic kernel on CPUs it does not know; see
# bench/peer/README.md). Run it on an otherwise idle machine; the load
# average at the start of each run is recorded.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CORETYPE=SkylakeX
EPOCHS=5
ROUNDS=3
REPEATS=20
OUT="$HERE/results/train_vs_peers.jsonl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --coretype) CORETYPE="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --infer-repeats) REPEATS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "train_vs_peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3
mkdir -p "$(dirname "$OUT")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT"
go build -o "$tmp/mlpbench" ./bench/mlpbench
cpu="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
date_tag="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
: >"$tmp/lines"

# run ROUND NAME THREADS CMD...: one run under /usr/bin/time, its JSON line
# extended and appended to $OUT and to this invocation's lines.
run() {
  local round="$1" name="$2" threads="$3"; shift 3
  local load
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== round $round: $name threads=$threads (load $load)" >&2
  /usr/bin/time -f '%M' -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  grep '^{' "$tmp/out" | tail -1 | ROUND="$round" RSS="$(tail -1 "$tmp/rss")" CPU="$cpu" LOAD="$load" \
    CORETYPE="$CORETYPE" DATE="$date_tag" "$PY" -c '
import json, os, sys
d = json.loads(sys.stdin.read())
d.update({"round": int(os.environ["ROUND"]), "peak_rss_kb": int(os.environ["RSS"]),
          "cpu": os.environ["CPU"], "loadavg": os.environ["LOAD"].split(),
          "coretype": os.environ["CORETYPE"], "date": os.environ["DATE"]})
print(json.dumps(d))' | tee -a "$OUT" >>"$tmp/lines"
}

for round in $(seq 1 "$ROUNDS"); do
  for t in 1 2; do
    run "$round" mrelu "$t" "$tmp/mlpbench" --epochs "$EPOCHS" --threads "$t" --infer-repeats "$REPEATS"
    for peer in torch numpy; do
      run "$round" "$peer" "$t" env OPENBLAS_CORETYPE="$CORETYPE" "$PY" "$HERE/peer/${peer}_mlp.py" \
        --epochs "$EPOCHS" --threads "$t" --infer-repeats "$REPEATS" --quiet
    done
  done
done

"$PY" - "$tmp/lines" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rounds = sorted({r["round"] for r in rows})
get = lambda rd, p, t: next(r for r in rows if r["round"] == rd and r["peer"] == p and r["threads"] == t)
print(f"cpu: {rows[0]['cpu']}")
print(f"{'round':>5} {'trainer':>6} {'thr':>3} {'s/epoch':>8} {'images/s':>10} {'peak MB':>8}  load")
for rd in rounds:
    for p in ("mrelu", "torch", "numpy"):
        for t in (1, 2):
            r = get(rd, p, t)
            print(f"{rd:>5} {p:>6} {t:>3} {r['median_epoch_s']:8.3f} {r.get('infer_images_per_s', 0):10.0f} "
                  f"{r['peak_rss_kb'] / 1024:8.1f}  {' '.join(r['loadavg'])}")
ratios = {"epoch mrelu(2t) / fastest peer": [], "epoch fastest mrelu / fastest peer": [], "epoch mrelu 2t / 1t": [],
          "images/s mrelu(2t) / torch(2t)": [], "images/s mrelu(2t) / best peer": []}
for rd in rounds:
    ours2, ours1 = get(rd, "mrelu", 2), get(rd, "mrelu", 1)
    peers = [get(rd, p, t) for p in ("torch", "numpy") for t in (1, 2)]
    ratios["epoch mrelu(2t) / fastest peer"].append(ours2["median_epoch_s"] / min(r["median_epoch_s"] for r in peers))
    ratios["epoch fastest mrelu / fastest peer"].append(min(ours1["median_epoch_s"], ours2["median_epoch_s"]) / min(r["median_epoch_s"] for r in peers))
    ratios["epoch mrelu 2t / 1t"].append(ours2["median_epoch_s"] / ours1["median_epoch_s"])
    ratios["images/s mrelu(2t) / torch(2t)"].append(ours2["infer_images_per_s"] / get(rd, "torch", 2)["infer_images_per_s"])
    ratios["images/s mrelu(2t) / best peer"].append(ours2["infer_images_per_s"] / max(r["infer_images_per_s"] for r in peers))
for k, v in ratios.items():
    print(f"{k}: " + " ".join(f"{x:.2f}" for x in v) + f"  (range {min(v):.2f}-{max(v):.2f})")
EOF
echo "appended $(wc -l <"$tmp/lines") JSON lines to $OUT"
