#!/usr/bin/env python3
"""Turns the results of scripts/bench.sh (a directory) into Markdown tables.

Main table: per benchmark, the median and spread of the wall time, the ratio to the
group's reference (the first peer tool of the group: nixfmt_rs for Nix, ruff --no-cache
for Python, treefmt --no-cache for both; for lint, flakefmt's cold fmt --check), and the
peak resident memory of one run. Scale table: time and memory against the number of files.
"""

import json
import sys
from pathlib import Path

REFERENCES = {
    "nix": "nix: nixfmt_rs -c",
    "python": "python: ruff format --check (--no-cache)",
    "both": "both: treefmt nixfmt_rs+ruff (--no-cache)",
    "lint": "both: flakefmt fmt --check (cold)",
}


def main(out: Path) -> None:
    results = json.loads((out / "main.json").read_text())["results"]
    memory = {}
    memory_file = out / "memory.tsv"
    if memory_file.exists():
        for line in memory_file.read_text().splitlines():
            name, _, kib = line.partition("\t")
            memory[name] = kib
    medians = {r["command"]: r["median"] for r in results}
    print("| benchmark | median | mean ± σ | min … max | ratio | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        name = r["command"]
        group = name.split(":", 1)[0]
        reference = REFERENCES.get(group)
        if reference in medians and medians[reference] > 0:
            short = reference.split(": ", 1)[1]
            ratio = f"{r['median'] / medians[reference]:.2f}× {short}"
        else:
            ratio = "–"
        kib = memory.get(name, "")
        rss = f"{int(kib) / 1024:.0f} MiB" if kib.isdigit() else "?"
        print(
            f"| {name} | {r['median'] * 1000:.0f} ms | {r['mean'] * 1000:.0f} ± "
            f"{r['stddev'] * 1000:.0f} ms | {r['min'] * 1000:.0f} … {r['max'] * 1000:.0f} ms"
            f" | {ratio} | {rss} |"
        )
    scale_file = out / "scale.tsv"
    if scale_file.exists() and scale_file.read_text().strip():
        print()
        print("| tool | files | median | µs per file | peak RSS |")
        print("|---|---:|---:|---:|---:|")
        for line in scale_file.read_text().splitlines():
            tool, files, median, kib = line.split("\t")
            files_n, median_s = int(files), float(median)
            rss = f"{int(kib) / 1024:.0f} MiB" if kib.isdigit() else "?"
            print(
                f"| {tool} | {files_n} | {median_s * 1000:.0f} ms | "
                f"{median_s * 1e6 / files_n:.0f} | {rss} |"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
