#!/usr/bin/env bash
# Copies the README's figures from a full `mrelu paper` run into docs/img/
# (kept small: six PNGs, about 250 kB together).
#
#   go run ./cmd/mrelu paper --out /tmp/paper-full
#   bench/paper/readme_figures.sh /tmp/paper-full
set -euo pipefail
run=${1:?usage: readme_figures.sh RUN_DIR (the --out of a full mrelu paper run)}
cd "$(dirname "$0")/../.."
grep -q '"mode": "full"' "$run/summary.json" || { echo "$run is not a full run" >&2; exit 1; }
mkdir -p docs/img
cp "$run/neuron/transfer/transfer.png"           docs/img/paper-fig3i-transfer.png
cp "$run/device/pulse/single_pulse.png"          docs/img/paper-fig3f-single-pulse.png
cp "$run/fig4/fig4c_accuracy.png"                docs/img/paper-fig4c-accuracy.png
cp "$run/fig4/fig4g_weight_updates_first.png"    docs/img/paper-fig4g-updates-first.png
cp "$run/edges/vertical_vout.png"                docs/img/paper-fig5-vertical-vout.png
cp "$run/energy/energy_per_inference.png"        docs/img/paper-energy-per-inference.png
du -ch docs/img/paper-*.png | tail -1
