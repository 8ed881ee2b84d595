"""`mlops-portfolio new --defaults` against a bare `copier copy --defaults` of the same template.

    python benchmarks/bench_new.py [--runs 7] [--venv DIR] [--quick]

Both commands render the template the installed wheel carries, from the same
virtualenv, interleaved, so machine load hits both alike. The ratio of the
medians is the generator's overhead (goal: at most 1.15). `new` also checks
answers and renders into a staging directory; `--no-git` leaves out the
first commit, which bare copier does not make (reported separately).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import (
    fresh_dir,
    installed_wheel,
    machine,
    median,
    packaged_template,
    parse_args,
    wall,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--venv", type=Path)
    args = parse_args(parser, quick={"runs": 1}, tools=("git",))

    bin_dir = installed_wheel(args.venv)
    template = packaged_template(bin_dir)
    work = Path(tempfile.mkdtemp(prefix="mlops-bench-new-"))
    commands = {
        "copier copy --defaults": lambda d: [
            bin_dir / "copier",
            "copy",
            "--defaults",
            "--quiet",
            template,
            d,
        ],
        "mlops-portfolio new --defaults --no-git": lambda d: [
            bin_dir / "mlops-portfolio",
            "new",
            "--defaults",
            "--no-git",
            d,
        ],
        "mlops-portfolio new --defaults (with git)": lambda d: [
            bin_dir / "mlops-portfolio",
            "new",
            "--defaults",
            d,
        ],
    }
    for make in commands.values():  # warm-up: file cache, .pyc files
        wall(make(fresh_dir(work, "warm")))
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(args.runs):
        for name, make in commands.items():
            samples[name].append(wall(make(fresh_dir(work, f"p{run}-{len(samples[name])}"))))

    base = median(samples["copier copy --defaults"])
    print(f"# bench_new: {args.runs} runs each, medians ({machine()})")
    for name, values in samples.items():
        print(f"{name:45s} {median(values):6.3f} s   ratio {median(values) / base:5.2f}")
    overhead = median(samples["mlops-portfolio new --defaults --no-git"]) / base - 1
    print(f"overhead of new --defaults --no-git over copier copy: {overhead:+.1%} (goal <= +15%)")


if __name__ == "__main__":
    main()
