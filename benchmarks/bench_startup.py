"""`mlops-portfolio --help` start-up against `python -c pass`.

    python benchmarks/bench_startup.py [--runs 30] [--venv DIR] [--quick]

Interleaved runs from the same virtualenv; the difference of the medians is
what our CLI adds to a bare interpreter start (goal: `--help` under 0.15 s
wall in total).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import installed_wheel, machine, median, parse_args, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--venv", type=Path)
    args = parse_args(parser, quick={"runs": 1})

    bin_dir = installed_wheel(args.venv)
    commands = {
        "python -c pass": [bin_dir / "python", "-c", "pass"],
        "mlops-portfolio --help": [bin_dir / "mlops-portfolio", "--help"],
        "mlops-portfolio new --help": [bin_dir / "mlops-portfolio", "new", "--help"],
    }
    for cmd in commands.values():
        wall(cmd)  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(wall(cmd))

    base = median(samples["python -c pass"])
    print(f"# bench_startup: {args.runs} runs each, medians ({machine()})")
    for name, values in samples.items():
        m = median(values)
        print(f"{name:30s} {m:6.3f} s   ratio {m / base:5.2f}   +{m - base:.3f} s")
    verdict = "meets" if median(samples["mlops-portfolio --help"]) < 0.15 else "misses"
    print(f"mlops-portfolio --help {verdict} the goal of < 0.15 s wall")


if __name__ == "__main__":
    main()
