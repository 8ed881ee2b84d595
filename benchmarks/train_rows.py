"""`make train` of an own-data project for 10,000, 100,000 and 1,000,000 rows.

    python benchmarks/train_rows.py [--rows 10000 100000 1000000] [--venv DIR] [--no-warmup]
                                    [--quick]

For each size, a synthetic CSV with a fixed seed (numbers, categories, missing
values, a binary yes/no target; the 1M-row file stays under the 50 MB limit)
becomes a project with `mlops-portfolio new DEST --data FILE --target renewed`
from this checkout, is installed with its own `make setup` (uv sync --locked)
into one virtualenv (made by the first, or reused with --venv) and trained
there with `make train`; one untimed `make train` of the smallest project
warms it up (unless --no-warmup). Each step is timed in the same run and
printed with its ratio to the smallest size: training loads and checks the
data, splits it, fits the model, scores it and the trivial baseline, and
writes the model, its card and the monitoring reference.
--quick: 2,000 and 4,000 rows, no warm-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, machine, make_setup, parse_args, sh, shared_project_venv

SEED = 20240614
TARGET = "renewed"
CHUNK = 100_000


def write_csv(path: Path, rows: int) -> int:
    """`rows` rows of a customer table, written in chunks; returns the file's size."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED)
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            age = rng.integers(18, 91, n)
            plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2])
            app = rng.choice(["yes", "no"], n)
            income = pd.Series(np.round(rng.lognormal(10.5, 0.6, n), -1))
            frame = pd.DataFrame(
                {
                    "age": age,
                    "income": income.mask(rng.random(n) < 0.08),  # 8% missing
                    "visits": rng.poisson(4, n),
                    "city": pd.Series(rng.choice([f"c{k}" for k in range(30)], n)).mask(
                        rng.random(n) < 0.05
                    ),
                    "plan": plan,
                    "app": app,
                    "rating": np.round(rng.uniform(1, 5, n), 1),
                }
            )
            score = (
                0.03 * (age - 50)
                + 0.9 * (plan == "pro")
                - 0.5 * (app == "no")
                + 0.3 * (frame["rating"] - 3)
            )
            frame[TARGET] = np.where(score + rng.normal(0, 1, n) > 0, "yes", "no")
            frame.to_csv(out, index=False, header=start == 0)
    return path.stat().st_size


def timed(cmd, **kwargs) -> float:
    start = time.perf_counter()
    sh(cmd, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--venv", type=Path, help="make or reuse the virtualenv here")
    parser.add_argument("--no-warmup", action="store_true", help="no untimed first training")
    quick = {"rows": [2_000, 4_000], "no_warmup": True}
    args = parse_args(parser, quick=quick, tools=("make",))

    work = Path(tempfile.mkdtemp(prefix="mlops-bench-train-"))
    try:
        results = measure(args, work)
    finally:
        shutil.rmtree(work)  # the projects and CSV files (about 75 MB); --venv stays
    report(results)


def measure(args, work: Path) -> list[tuple[int, int, float, float]]:
    """(rows, CSV bytes, seconds of `new`, seconds of `make train`) per size."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    source_env = {**env, "PYTHONPATH": str(REPO)}
    results = []
    venv_dir = args.venv or shared_project_venv() or work / "venv"
    for rows in args.rows:
        csv_path = work / f"customers-{rows}.csv"
        size = write_csv(csv_path, rows)
        project = work / f"project-{rows}"
        made = timed(
            [sys.executable, "-m", "generator", "new", project, "--data", csv_path,
             "--target", TARGET, "--defaults", "--no-git"],
            env=source_env,
        )  # fmt: skip
        make_setup(project, venv_dir, env)  # untimed: the same locked set for every size
        if not results and not args.no_warmup:  # untimed: first imports, matplotlib's fonts
            sh(["make", "train", f"VENV={venv_dir}"], cwd=project, env=env)
        trained = timed(["make", "train", f"VENV={venv_dir}"], cwd=project, env=env)
        results.append((rows, size, made, trained))
    return results


def report(results) -> None:
    base_rows, _, base_new, base_train = results[0]
    print(f"# train_rows: own-data projects, binary target ({machine()})")
    print(f"{'rows':>10} {'CSV MB':>7} {'new (profile+render)':>21} {'make train':>11}"
          f" {'ratio':>6} {'s per 100k rows':>16}")  # fmt: skip
    for rows, size, made, trained in results:
        print(
            f"{rows:>10,} {size / 1e6:7.1f} {made:19.2f} s {trained:9.2f} s"
            f" {trained / base_train:6.2f} {trained / rows * 100_000:16.2f}"
        )
    print(
        f"rows x{results[-1][0] / base_rows:.0f} -> make train x"
        f"{results[-1][3] / base_train:.1f}, new x{results[-1][2] / base_new:.1f}"
    )


if __name__ == "__main__":
    main()
