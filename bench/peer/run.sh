#!/usr/bin/env bash
# Runs the numpy and PyTorch peers of the Go MLP trainer on 1 and 2 threads,
# collects their JSON result lines in bench/peer/results.jsonl (first line: a
# "meta" record with the machine and versions) and prints a table.
#
#   bench/peer/run.sh [--epochs N] [--act relu|sigmoid] [--threads "1 2"]
#                     [--repeats R] [--coretype C]... [--data DIR] [--append]
#   bench/peer/run.sh --report      # only print the table of results.jsonl
#
# --repeats R   run every configuration R times (default 2); the table
#               (table.py) shows the best median epoch time among the quiet
#               runs and lists all of them.
# --append      add to results.jsonl instead of starting it anew.
# --coretype C  OpenBLAS kernel choice, repeatable (default: env):
#                 env   leave OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as they are
#                 auto  unset both for the run: OpenBLAS detects the CPU itself
#                 NAME  OPENBLAS_CORETYPE=NAME (e.g. SkylakeX, Haswell), with
#                       OPENBLAS_L2_SIZE unset
#               OpenBLAS 0.3.21 (Debian bookworm) does not know recent Xeons
#               and falls back to its slow generic "Prescott" kernel; the
#               kernel that actually ran is in each JSON line (blas.kernel).
# PYTHON        interpreter (default /usr/bin/python3, which has Debian's
#               python3-torch and python3-numpy).
# Works from any current directory.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
EPOCHS=5
ACT=relu
THREADS="1 2"
REPEATS=2
CORETYPES=()
DATA=()
APPEND=0
OUT="$HERE/results.jsonl"

usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --act) ACT="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --coretype) CORETYPES+=("$2"); shift 2 ;;
    --data) DATA=(--data "$2"); shift 2 ;;
    --append) APPEND=1; shift ;;
    --report) exec "$PY" "$HERE/table.py" "$OUT" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ ${#CORETYPES[@]} -gt 0 ]] || CORETYPES=(env)

if ! "$PY" -c 'import numpy, torch' 2>/dev/null; then
  echo "run.sh: $PY cannot import numpy and torch;" \
       "apt-get install python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 1
fi

cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
pkgs="$(dpkg-query -W -f '${Package}=${Version} ' python3-torch python3-numpy \
        libopenblas0-pthread 2>/dev/null || true)"
meta="$(CPU="$cpu" PKGS="$pkgs" "$PY" - <<'EOF'
import json, os, platform, time
import numpy, torch
print(json.dumps({"meta": {
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "cpu": os.environ["CPU"], "nproc": os.cpu_count(),
    "python": platform.python_version(), "numpy": numpy.__version__,
    "torch": torch.__version__, "debian_packages": os.environ["PKGS"].split(),
    "loadavg_start": open("/proc/loadavg").read().split()[:3],
    "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
}}))
EOF
)"
echo "$meta"
if [[ $APPEND -eq 1 ]]; then echo "$meta" >>"$OUT"; else echo "$meta" >"$OUT"; fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

for rep in $(seq 1 "$REPEATS"); do
  for ct in "${CORETYPES[@]}"; do
    case "$ct" in
      env) envargs=() ;;
      auto) envargs=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE) ;;
      *) envargs=(-u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$ct") ;;
    esac
    for peer in numpy torch; do
      for t in $THREADS; do
        echo "== $peer threads=$t act=$ACT epochs=$EPOCHS coretype=$ct run=$rep/$REPEATS"
        env "${envargs[@]}" "$PY" "$HERE/${peer}_mlp.py" --epochs "$EPOCHS" --threads "$t" \
          --act "$ACT" "${DATA[@]}" | tee "$tmp"
        grep '^{' "$tmp" | tail -1 >>"$OUT"
      done
    done
  done
done

echo
"$PY" "$HERE/table.py" "$OUT"
