#!/usr/bin/env bash
# Tells the trainer's two-thread speed-up apart from the machine's: each
# round runs the CPU probe (bench/vcpuprobe: one pinned worker, then two,
# on integer, GEMM and memory work, no synchronisation; and the round trip
# of a cache line between the two CPUs) and then the training-epoch
# benchmarks on 1 and 2 threads (nn's
# BenchmarkEpochReLU1Thread and BenchmarkEpochReLU2Threads, MNIST,
# 784-100-100-100-10, batch 500), one right after the other.
#
#   bench/two_cores.sh [--rounds 10] [--epochs 10] [--out FILE]
#
# Every round appends a JSON line to FILE (default
# bench/results/two_cores.jsonl) and prints it:
#   int_scaling, gemm_scaling, memory_scaling
#                    probe throughput on 2 CPUs / on 1 CPU (2.0: two whole
#                    cores; less: the host gave the second vCPU less)
#   round_trip_ns    a cache line from CPU 0 to CPU 1 and back (~20 ns: one
#                    core's two threads; 50-100 ns: one L3; more: two
#                    chiplets)
#   epoch_1t_s, epoch_2t_s, epoch_2t_over_1t
# A program's 2-thread/1-thread ratio cannot go below 1/scaling of the
# work it does, and every line one thread writes and the other then reads
# costs a round trip.
# Run it on an otherwise idle machine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS=10
EPOCHS=10
OUT="$HERE/results/two_cores.jsonl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "two_cores.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$OUT")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT"
go build -o "$tmp/vcpuprobe" ./bench/vcpuprobe
go test -c -o "$tmp/nn.test" ./nn
cpu="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for ((r = 1; r <= ROUNDS; r++)); do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  probe="$("$tmp/vcpuprobe" -rounds 1 -seconds 1)"
  field() { grep "\"work\":\"$1\"" <<<"$probe" | sed -n "s/.*\"$2\":\([0-9.eE+-]*\).*/\1/p"; }
  si="$(field int scaling)"; sg="$(field gemm scaling)"; sm="$(field memory scaling)"; rt="$(field pingpong round_trip_ns)"
  bench="$(cd nn && "$tmp/nn.test" -test.run '^$' -test.bench 'EpochReLU(1Thread|2Threads)$' -test.benchtime "${EPOCHS}x")"
  e1="$(awk '/^BenchmarkEpochReLU1Thread/ {print $3/1e9}' <<<"$bench")"
  e2="$(awk '/^BenchmarkEpochReLU2Threads/ {print $3/1e9}' <<<"$bench")"
  line="$(awk -v r="$r" -v si="$si" -v sg="$sg" -v sm="$sm" -v rt="$rt" -v e1="$e1" -v e2="$e2" -v l="$load" -v c="$cpu" -v g="$commit" -v d="$(date -u +%Y-%m-%dT%H:%M:%SZ)" 'BEGIN {
    printf "{\"round\":%d,\"int_scaling\":%.3f,\"gemm_scaling\":%.3f,\"memory_scaling\":%.3f,\"round_trip_ns\":%.0f,\"epoch_1t_s\":%.4f,\"epoch_2t_s\":%.4f,\"epoch_2t_over_1t\":%.3f,\"loadavg\":%s,\"cpu\":\"%s\",\"commit\":\"%s\",\"date\":\"%s\"}\n", r, si, sg, sm, rt, e1, e2, e2/e1, l, c, g, d }')"
  echo "$line" | tee -a "$OUT"
done
