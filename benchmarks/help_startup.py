"""How long `mlops-portfolio --help` takes, as a ratio to a bare Python start.

`--help` must feel instant: cli.py imports only argparse; copier, rich and
questionary load when a command runs. Run: python benchmarks/help_startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def median_seconds(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = median_seconds(["-c", "pass"])
    help_time = median_seconds(["-m", "generator", "--help"])
    heavy = median_seconds(["-c", "import copier, rich.console, questionary"])
    print(f"python -c pass:                {baseline * 1000:7.1f} ms (baseline)")
    print(f"mlops-portfolio --help:        {help_time * 1000:7.1f} ms "
          f"({help_time / baseline:.2f}x baseline)")
    print(f"import copier, rich, questionary: {heavy * 1000:7.1f} ms "
          f"({heavy / baseline:.2f}x baseline; what --help avoids)")


if __name__ == "__main__":
    main()
