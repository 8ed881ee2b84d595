"""Profiling a ~100 MB CSV (`generator.profile.profile_csv`) against `pandas.read_csv` of it.

    python benchmarks/profile_csv.py [--runs 3] [--megabytes 100] [--keep DIR] [--quick]

Writes a CSV of mixed columns with a fixed seed (integers, decimals with
missing values, categories with missing values, a date, a yes/no column, an
identifier, and a binary target) into a temporary directory, then times, in
the same run and interleaved so machine load hits both alike, a bare
`pandas.read_csv(path)` and `profile_csv(path, target)` (which reads the file
and works out every column's role, type, range or categories and share
missing). The ratio of the medians is the profiler's cost over reading the
file at all (goal: at most 2). `new --data` refuses files over 50 MB (data
committed to git); the benchmark lifts that limit for the profiler it calls.
--quick: one run on the smallest file it writes (one chunk: 100,000 rows, 7 MB).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, machine, median, parse_args

SEED = 20240614
CHUNK = 100_000  # rows written at a time
TARGET = "renewed"


def chunk(rng, start: int, rows: int):
    """`rows` rows of the benchmark table, the first with id `start`."""
    import numpy as np
    import pandas as pd

    def with_missing(values, share):
        values = pd.Series(values)
        return values.mask(rng.random(rows) < share)

    age = rng.integers(18, 91, rows)
    income = with_missing(np.round(rng.lognormal(10.5, 0.6, rows), 2), 0.08)
    plan = rng.choice(["basic", "standard", "premium", "family"], rows, p=[0.4, 0.3, 0.2, 0.1])
    cities = [f"city-{n:02d}" for n in range(40)]
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(start, start + rows),
            "age": age,
            "income": income,
            "balance": np.round(rng.normal(1500, 900, rows), 2),
            "visits_per_month": with_missing(rng.poisson(4, rows).astype(float), 0.03),
            "city": with_missing(rng.choice(cities, rows), 0.05),
            "plan": plan,
            "signed_up": pd.Timestamp("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 3650, rows), unit="D"),
            "has_app": rng.choice(["yes", "no"], rows),
            "satisfaction": with_missing(np.round(rng.uniform(1, 5, rows), 1), 0.1),
        }
    )
    score = 0.02 * (age - 50) + (plan == "premium") * 0.8 - 0.3 * (frame["has_app"] == "no")
    frame[TARGET] = np.where(score + rng.normal(0, 1, rows) > 0, "yes", "no")
    return frame


def write_csv(path: Path, megabytes: float) -> tuple[int, int]:
    """Write chunks of the table until the file holds at least `megabytes` MB."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        while out.tell() < megabytes * 1_000_000:
            chunk(rng, rows, CHUNK).to_csv(out, index=False, header=rows == 0)
            rows += CHUNK
    return rows, path.stat().st_size


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--keep", type=Path, help="write the CSV here and keep it")
    args = parse_args(parser, quick={"runs": 1, "megabytes": 1})

    sys.path.insert(0, str(REPO))
    import pandas as pd

    from generator import profile
    from generator.profile import profile_csv

    # `new --data` refuses files over 50 MB (the limit for data committed to git);
    # the profiler itself is measured on the 100 MB file the goal names.
    profile.MAX_BYTES = max(profile.MAX_BYTES, int(args.megabytes * 1_000_000 * 1.2))

    work = args.keep or Path(tempfile.mkdtemp(prefix="mlops-bench-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "customers.csv"
    try:
        start = time.perf_counter()
        rows, size = write_csv(path, args.megabytes)
        written = time.perf_counter() - start
        pd.read_csv(path)  # warm-up: the file is in the page cache for both
        samples: dict[str, list[float]] = {"pandas.read_csv": [], "profile_csv": []}
        spec = None
        for _ in range(args.runs):
            seconds, _frame = timed(lambda: pd.read_csv(path))
            samples["pandas.read_csv"].append(seconds)
            seconds, spec = timed(lambda: profile_csv(path, TARGET))
            samples["profile_csv"].append(seconds)
    finally:
        if not args.keep:
            shutil.rmtree(work)

    base = median(samples["pandas.read_csv"])
    print(f"# profile_csv: {args.runs} runs each, medians ({machine()}, pandas {pd.__version__})")
    print(f"file: {size / 1e6:.1f} MB, {rows:,} rows, 11 columns (written in {written:.1f} s)")
    for name, values in samples.items():
        print(f"{name:18s} {median(values):7.2f} s   ratio {median(values) / base:5.2f}")
    ratio = median(samples["profile_csv"]) / base
    verdict = "meets" if ratio <= 2 else "misses"
    print(f"profile_csv / read_csv = {ratio:.2f} ({verdict} the goal of <= 2)")
    roles = {}
    for column in spec["profile"]["columns_table"]:
        roles.setdefault(column["role"], []).append(column["name"])
    print(f"task: {spec['task']}; " + "; ".join(f"{k}: {', '.join(v)}" for k, v in roles.items()))


if __name__ == "__main__":
    main()
