#!/usr/bin/env bash
# Overhead of mrelu sweep: a 100-point `neuron transfer` sweep (the default
# 1201-current DC sweep per point), run REPS times into a fresh folder; prints
# the process wall time (GNU time) and the shard's own split between the
# runs and everything else (enumeration, params.json, result files, skip
# checks), then the medians.
#   bench/sweep/overhead.sh [REPS] [FOLDER]
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-7}
base=${2:-${TMPDIR:-/tmp}}/mrelu-sweep-bench
go build -o "$base.bin" ./cmd/mrelu
for i in $(seq "$reps"); do
  rm -rf "$base"
  /usr/bin/time -f "wall %e" -o "$base.time" "$base.bin" sweep bench/sweep/transfer-100.json --out "$base" 2>/dev/null | grep '^shard' 
  echo "process $(cat "$base.time")"
done | tee "$base.log"
awk '/outside them/ { for (i=1;i<=NF;i++) if ($i=="=") print $(i+1) }' "$base.log" | sort -n | awk '{a[NR]=$1} END {print "median outside the runs: " a[int((NR+1)/2)] " %"}'
grep '^process' "$base.log" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print "median process wall: " a[int((NR+1)/2)] " s"}'
rm -rf "$base" "$base.bin" "$base.time"
