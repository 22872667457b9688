#!/usr/bin/env bash
# Times `mrelu paper` as the README runs it: the quick run through `go run`
# (compilation included, as on a fresh clone) and the full run (the
# paper's settings) from a built binary. Writes into $OUT (default
# /tmp/mrelu-paper-bench) and prints one line per run; the numbers go to
# BENCHMARKS.md ("One command reproduces the paper").
#
#   bench/paper/run.sh            # quick and full
#   bench/paper/run.sh quick      # quick only
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/mrelu-paper-bench}
what=${1:-all}
mkdir -p "$OUT"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
timeit() { # label, command...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$OUT/$label.time" "$@" >"$OUT/$label.out" 2>"$OUT/$label.err"
  t1=$(date +%s.%N)
  read -r user sys rss <"$OUT/$label.time"
  printf '%-6s wall %6.1f s   user %6.1f s   sys %5.1f s   peak RSS %4d MB\n' "$label" "$(echo "$t1 - $t0" | bc)" "$user" "$sys" "$((rss / 1024))"
}
if [[ $what == all || $what == quick ]]; then
  rm -rf "$OUT/quick"
  # A fresh clone compiles everything: an empty build cache of its own
  # (the module cache, with MNIST, is kept).
  cache=$(mktemp -d)
  timeit quick env GOCACHE="$cache" go run ./cmd/mrelu paper --quick --out "$OUT/quick"
  rm -rf "$cache"
fi
if [[ $what == all || $what == full ]]; then
  rm -rf "$OUT/full"
  go build -o "$OUT/mrelu" ./cmd/mrelu
  timeit full "$OUT/mrelu" paper --out "$OUT/full"
  grep -o '"total_seconds": [0-9.]*\|"write_seconds": [0-9.]*' "$OUT/full/summary.json" | tr '\n' ' '; echo
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
