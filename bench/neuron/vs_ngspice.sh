#!/usr/bin/env bash
# Times ngspice on the neuron netlists that `mrelu neuron spice` exports
# against our binary doing the same work, whole process each (start-up,
# netlist/flag parsing, solve, writing results):
#
#   DC:    a 10,000-point sweep of the input current, −2 µA … 10 µA
#          ngspice -b mrelu.cir          vs  mrelu neuron transfer --points 10000 --plots=false
#   pulse: the activation transient (2 ms, the current of 90 % VDD)
#          ngspice -b mrelu_tran.cir     vs  mrelu neuron pulse --amplitude <same> --cap-search=false --plots=false
#
# ngspice writes its vectors with wrdata; mrelu writes CSV + JSON. Uses
# hyperfine when installed (apt-get install hyperfine), else a loop with
# bash's time. Usage: bench/neuron/vs_ngspice.sh [runs]   (default 10)
set -euo pipefail
runs=${1:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/mrelu-vs-ngspice.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v ngspice >/dev/null || { echo "ngspice not found (apt-get install -y ngspice)" >&2; exit 1; }

(cd "$root" && go build -o "$work/mrelu" ./cmd/mrelu)
mrelu=$work/mrelu
"$mrelu" neuron spice --points 10000 --imin -2e-6 --imax 1e-5 --out "$work/net" --plots=false >/dev/null
amp=$(grep -o '"amplitude_A": [0-9.e+-]*' "$work/net/params.json" | head -1 | awk '{print $2}')
lines=$(grep -c '' "$work/net/mrelu.cir")
echo "netlists: $work/net/mrelu.cir ($lines lines, 10,000-point DC sweep), mrelu_tran.cir (pulse $amp A)"
echo "ngspice: $(ngspice --version 2>/dev/null | grep -m1 -i ngspice || echo unknown); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

ng_dc="cd $work/net && ngspice -b mrelu.cir >/dev/null 2>&1"
ng_tran="cd $work/net && ngspice -b mrelu_tran.cir >/dev/null 2>&1"
our_dc="$mrelu neuron transfer --points 10000 --imin -2e-6 --imax 1e-5 --plots=false --force --out $work/ours-dc >/dev/null"
our_tran="$mrelu neuron pulse --amplitude $amp --cap-search=false --plots=false --force --out $work/ours-tran >/dev/null"

# Sanity: both produce their data.
eval "$ng_dc"; eval "$ng_tran"; eval "$our_dc"; eval "$our_tran"
test -s "$work/net/mrelu_dc.txt" && test -s "$work/net/mrelu_tran.txt" && test -s "$work/ours-dc/transfer.csv" && test -s "$work/ours-tran/pulse.csv"

if command -v hyperfine >/dev/null; then
	hyperfine --warmup 2 --runs "$runs" --export-markdown "$work/dc.md" \
		-n "ngspice DC sweep 10k" "$ng_dc" -n "mrelu DC sweep 10k" "$our_dc"
	hyperfine --warmup 2 --runs "$runs" --export-markdown "$work/tran.md" \
		-n "ngspice pulse transient" "$ng_tran" -n "mrelu pulse transient" "$our_tran"
	echo; cat "$work/dc.md"; echo; cat "$work/tran.md"
else
	for name in ng_dc our_dc ng_tran our_tran; do
		cmd=${!name}
		start=$(date +%s.%N)
		for _ in $(seq "$runs"); do eval "$cmd"; done
		end=$(date +%s.%N)
		printf '%-10s %8.1f ms per run (%d runs)\n' "$name" "$(echo "($end - $start) * 1000 / $runs" | bc -l)" "$runs"
	done
fi
