"""`make setup` (uv sync --locked) against pip installing the same locked set, warm and cold.

    python benchmarks/bench_setup.py [--runs 3] [--quick]

A default project is generated from this checkout. Its locked dependency set
(every group, exact versions) is exported with `uv export` for pip. Then, in
the same run and interleaved so machine load hits both alike:

- warm: both caches hold every package (one untimed install each first);
- cold: each starts from an empty cache of its own (uv: UV_CACHE_DIR; pip:
  PIP_CACHE_DIR) and downloads everything from PyPI.

Each timed install goes into a fresh virtualenv. pip runs with this
machine's pip configuration switched off (PIP_CONFIG_FILE=/dev/null and no
PIP_FIND_LINKS), so both download from PyPI alone. Goals: warm at most 0.25x
pip's time, cold at most 0.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from _common import REPO, machine, median, parse_args, sh, wall

PIP_ENV_OFF = ("PIP_FIND_LINKS", "PIP_CONSTRAINT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")


def uv_bin() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    # --quick (from _common): one run each, warm only
    args = parse_args(parser, quick={"runs": 1}, tools=("make",))
    runs = args.runs

    work = Path(tempfile.mkdtemp(prefix="mlops-bench-setup-"))
    try:
        base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", *PIP_ENV_OFF)}
        base.update(
            PIP_CONFIG_FILE=os.devnull,
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            UV_PYTHON=sys.executable,
            UV_PYTHON_DOWNLOADS="never",
        )
        project = work / "project"
        sh(
            [sys.executable, "-m", "generator", "new", "--defaults", "--no-git", project],
            env={**base, "PYTHONPATH": str(REPO)},
        )
        requirements = work / "requirements.txt"
        sh(
            [
                uv_bin(),
                "export",
                "--frozen",
                "--all-groups",
                "--no-hashes",
                "--no-emit-project",
                "-o",
                requirements,
            ],
            cwd=project,
            env=base,
        )
        pinned = sum(
            1
            for line in requirements.read_text().splitlines()
            if "==" in line and not line.startswith("#")
        )

        def uv_setup(cache: Path | None, name: str) -> float:
            venv = work / name
            env = {**base, **({"UV_CACHE_DIR": str(cache)} if cache else {})}
            seconds = wall(
                ["make", "setup", f"VENV={venv}", f"UV={uv_bin()}"], cwd=project, env=env
            )
            shutil.rmtree(venv)
            return seconds

        def pip_setup(cache: Path | None, name: str) -> float:
            venv = work / name
            env = {**base, **({"PIP_CACHE_DIR": str(cache)} if cache else {})}

            def install() -> None:
                sh([sys.executable, "-m", "venv", venv], env=env)
                sh(
                    [
                        venv / "bin" / "python",
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "-r",
                        requirements,
                        "-e",
                        project,
                    ],
                    env=env,
                )

            from time import perf_counter

            start = perf_counter()
            install()
            seconds = perf_counter() - start
            shutil.rmtree(venv)
            return seconds

        samples: dict[str, list[float]] = {
            k: [] for k in ("uv warm", "pip warm", "uv cold", "pip cold")
        }
        uv_cache, pip_cache = work / "uv-cache", work / "pip-cache"
        if args.quick:  # this machine's own caches, as they are: a check, not a figure
            uv_cache = pip_cache = None
        else:
            uv_setup(uv_cache, "warmup-uv")  # fill both caches, untimed
            pip_setup(pip_cache, "warmup-pip")
        for run in range(runs):
            samples["uv warm"].append(uv_setup(uv_cache, f"uv-{run}"))
            samples["pip warm"].append(pip_setup(pip_cache, f"pip-{run}"))
            if not args.quick:
                samples["uv cold"].append(uv_setup(work / f"uv-cold-{run}", f"uvc-{run}"))
                samples["pip cold"].append(pip_setup(work / f"pip-cold-{run}", f"pipc-{run}"))
                shutil.rmtree(work / f"uv-cold-{run}", ignore_errors=True)
                shutil.rmtree(work / f"pip-cold-{run}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"# make setup vs pip: {runs} run(s) each, medians ({machine()})")
    print(f"the project's locked set: {pinned} pinned packages (every group) + the project")
    for cache in ("warm", "cold"):
        uv_times, pip_times = samples[f"uv {cache}"], samples[f"pip {cache}"]
        if not uv_times:
            continue
        ratio = median(uv_times) / median(pip_times)
        goal = 0.25 if cache == "warm" else 0.5
        verdict = "meets" if ratio <= goal else "misses"
        print(
            f"{cache}: make setup {median(uv_times):6.2f} s   pip {median(pip_times):6.2f} s"
            f"   ratio {ratio:.3f} ({verdict} the goal of <= {goal})"
        )


if __name__ == "__main__":
    main()
