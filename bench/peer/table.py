#!/usr/bin/env python3
"""Prints the peer table from a results.jsonl written by run.sh.

Usage: python3 table.py [results.jsonl] [--quiet-cpu S]

One row per (peer, threads, act, epochs, BLAS kernel). A run counts as quiet
when in none of its training epochs other processes used more than S CPU
seconds (default 0.05; the peers record this as other_cpu_s). "median epoch
s" is the best median among the quiet runs, or among all runs (marked *) if
none was quiet; "test acc" and "noise" (the largest other_cpu_s of an epoch)
are those of that run. "runs" lists every run's median, quiet ones first.
Standard library only.
"""

import argparse
import json
import os
import platform
import sys


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="table of the peer benchmark results")
    p.add_argument("results", nargs="?", default=os.path.join(here, "results.jsonl"))
    p.add_argument("--quiet-cpu", type=float, default=0.05, metavar="S")
    a = p.parse_args(argv)

    rows, metas = {}, []
    with open(a.results) as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            if "meta" in d:
                metas.append(d["meta"])
                continue
            key = (d["peer"], d["threads"], d["act"], d["epochs"], d["blas"].get("kernel") or "?")
            rows.setdefault(key, []).append(d)

    def noise(d):
        vals = [c for c in d.get("other_cpu_s") or [] if c is not None]
        return max(vals) if vals else None

    if metas:
        m = metas[0]
        when = m["date"] if len(metas) == 1 else f"{m['date']} .. {metas[-1]['date']}"
        print(f"{when}  {m['cpu']} ({m['nproc']} cpus)  python {m['python']}  "
              f"numpy {m['numpy']}  torch {m['torch']}")
    hdr = (f"{'peer':<6} {'threads':>7} {'act':<7} {'epochs':>6} {'blas kernel':<11} "
           f"{'median epoch s':>14} {'test acc':>8} {'noise':>6}  runs: median s (quiet | noisy)")
    print(hdr)
    print("-" * len(hdr))
    generic = False
    for key in sorted(rows, key=lambda k: (k[4], k[0], k[1], k[2], k[3])):
        runs = rows[key]
        quiet = [d for d in runs if noise(d) is not None and noise(d) <= a.quiet_cpu]
        noisy = [d for d in runs if d not in quiet]
        best = min(quiet or runs, key=lambda d: d["median_epoch_s"])
        n = noise(best)
        mark = "" if quiet else "*"
        meds = " ".join(f"{d['median_epoch_s']:.3f}" for d in quiet)
        if noisy:
            meds += " | " + " ".join(f"{d['median_epoch_s']:.3f}" for d in noisy)
        print(f"{key[0]:<6} {key[1]:>7} {key[2]:<7} {key[3]:>6} {key[4]:<11} "
              f"{best['median_epoch_s']:>13.3f}{mark:1} {best['test_accuracy']:>8.4f} "
              f"{'?' if n is None else f'{n:.2f}':>6}  {meds}")
        generic |= key[4] == "Prescott"
    print(f"\nquiet run: no training epoch in which other processes used more than "
          f"{a.quiet_cpu} CPU s; * = no quiet run, best of all runs shown.")
    if generic and platform.machine() == "x86_64" and os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "").split()
        better = "SkylakeX" if "avx512f" in flags else "Haswell" if "avx2" in flags else None
        if better:
            print(f"note: OpenBLAS ran its generic Prescott kernel on a CPU with "
                  f"{'AVX-512' if better == 'SkylakeX' else 'AVX2'}; for the peers' best "
                  f"speed run with --coretype {better}.")
    print(f"results: {a.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
