"""Every benchmark with --quick, one after another: do they all still run?

    python benchmarks/quick.py [--skip-missing-tools] [--timeout 600] [-v] [NAME ...]

Runs each benchmark in this folder (every .py file but the helpers
_common.py and baseline_app.py, and this one; NAME ... runs only those) with
this interpreter and `--quick` (tiny sizes and counts), with a time limit
each. Prints one line per benchmark: its name, seconds and ok, skipped or
FAILED, and the end of a failed one's output (-v: every benchmark's output).
Exit status 1 if any failed or ran out of time. --skip-missing-tools is
passed on to each benchmark whose --help lists it: one that needs a tool
which is missing here (docker without an engine, say) then prints why and
counts as skipped, not failed.

The figures --quick prints are not measurements; this checks that every
benchmark still works end to end. CI runs it.

Two virtualenvs are made once and shared, by the first benchmark that needs
each: the wheel's ($MLOPS_BENCH_WHEEL_VENV; bench_first_prediction,
bench_image, bench_new, bench_startup) and the one generated projects are
installed into ($MLOPS_BENCH_PROJECT_VENV; bench_service, train_rows).
TMPDIR points into one temporary folder, removed at the end, so the
projects and virtualenvs the benchmarks make do not pile up.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PROJECT_VENV_ENV, SKIPPED, WHEEL_VENV_ENV

HERE = Path(__file__).resolve().parent
HELPERS = {"_common.py", "baseline_app.py", "quick.py"}
TAIL = 80  # lines of a failed benchmark's output to show


def benchmarks() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if p.name not in HELPERS)


def takes(script: Path, flag: str) -> bool:
    """Whether the benchmark's --help lists `flag`."""
    usage = subprocess.run(
        [sys.executable, script, "--help"], capture_output=True, text=True, timeout=120
    )
    return flag in usage.stdout


def run(script: Path, extra: list[str], env: dict, timeout: float, log: Path) -> tuple[str, str]:
    """Run one benchmark; (status, detail): status is "ok", "skipped" or "FAILED"."""
    extra = [flag for flag in extra if takes(script, flag)]
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, script, "--quick", *extra],
            cwd=HERE.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to stop it with all it started
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(process)
            return "FAILED", f"timed out after {timeout:g} s"
        except BaseException:  # Ctrl-C: stop the benchmark too
            stop(process)
            raise
    if code != 0:
        return "FAILED", f"exit status {code}"
    skipped = [line for line in log.read_text().splitlines() if line.startswith(SKIPPED)]
    if skipped:
        return "skipped", skipped[-1][len(SKIPPED) :].strip()
    return "ok", ""


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the benchmark's process group (its `finally` blocks stop the servers
    it started, see _common.parse_args), then SIGKILL if it is still there after 30 s."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these (e.g. bench_new)")
    parser.add_argument(
        "--skip-missing-tools",
        action="store_true",
        help="passed on (to each benchmark whose --help lists it): one whose tool "
        "(e.g. docker) is missing skips instead of failing",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per benchmark")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every output")
    args = parser.parse_args()

    scripts = benchmarks()
    known = {p.stem for p in scripts}
    unknown = [n for n in args.names if n.removesuffix(".py") not in known]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are: {', '.join(sorted(known))}")
    if args.names:
        scripts = [p for p in scripts if p.stem in {n.removesuffix(".py") for n in args.names}]
    extra = ["--skip-missing-tools"] if args.skip_missing_tools else []
    # A SIGTERM (a CI time limit) ends this like Ctrl-C: the running benchmark is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    work = Path(tempfile.mkdtemp(prefix="mlops-bench-quick-"))
    env = {
        **os.environ,
        WHEEL_VENV_ENV: str(work / "wheel-venv"),
        PROJECT_VENV_ENV: str(work / "project-venv"),
        "TMPDIR": str(work),
        "PYTHONUNBUFFERED": "1",
    }
    results = []
    started = time.perf_counter()
    try:
        for script in scripts:
            log = work / f"{script.stem}.log"
            begun = time.perf_counter()
            status, detail = run(script, extra, env, args.timeout, log)
            seconds = time.perf_counter() - begun
            results.append((script.stem, seconds, status))
            print(
                f"{script.stem:24s} {seconds:7.1f} s   {status}"
                + (f" ({detail})" if detail else ""),
                flush=True,
            )
            if args.verbose or status == "FAILED":
                lines = log.read_text(errors="replace").splitlines()
                shown = lines if args.verbose else lines[-TAIL:]
                if len(shown) < len(lines):
                    print(f"    ... (last {len(shown)} of {len(lines)} lines)")
                print("\n".join(f"    {line}" for line in shown), flush=True)
    finally:
        cleaning = time.perf_counter()
        shutil.rmtree(work, ignore_errors=True)
        cleaned = time.perf_counter() - cleaning

    total = time.perf_counter() - started
    slowest = max(results, key=lambda r: r[1])
    counts = ", ".join(
        f"{sum(1 for r in results if r[2] == status)} {status}"
        for status in ("ok", "skipped", "FAILED")
        if any(r[2] == status for r in results)
    )
    failed = [name for name, _, status in results if status == "FAILED"]
    print(
        f"{len(results)} benchmarks in {total:.1f} s (removing their temporary files "
        f"{cleaned:.1f} s), slowest {slowest[0]} ({slowest[1]:.1f} s): "
        + counts
        + (f" ({', '.join(failed)})" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
