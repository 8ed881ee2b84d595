"""Time from `mlops-portfolio new` to the first served prediction, with a warm package cache.

    python benchmarks/bench_first_prediction.py [--venv DIR] [--no-warmup] [--quick]

The README's path: new -> make setup -> make train -> make serve -> POST
/predict. A first, untimed `make setup` warms uv's cache (as on a machine
that installed these packages before); pass --no-warmup to skip it. Each
step is printed with its share of the total, measured in the same run.
--quick skips the warm-up (every timed step still runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import installed_wheel, machine, parse_args, sh, wall


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_prediction(project: Path, env: dict, timeout: float = 120.0) -> float:
    """Start `make serve`; seconds until /predict answers 200. The server is then stopped.

    If it exits first or no 200 comes in `timeout`, stop with status 1 and its stderr.
    """
    port = free_port()
    body = (project / "examples" / "request.json").read_bytes()
    stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (open while it runs)
    start = time.perf_counter()
    server = subprocess.Popen(
        ["make", "serve", f"PORT={port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - start < timeout:  # bounded polling of 127.0.0.1 only
            if server.poll() is not None:
                break
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/predict",
                data=body,
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        problem = (
            f"exited with status {server.returncode}"
            if server.poll() is not None
            else f"gave no prediction within {timeout:g} s"
        )
        stderr.seek(0)
        raise SystemExit(
            f"make serve {problem}\n--- its stderr ---\n{stderr.read().strip()}\n--- end ---"
        )
    finally:
        with contextlib.suppress(ProcessLookupError):  # make, gunicorn and its workers
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        stderr.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path)
    parser.add_argument("--no-warmup", action="store_true")
    args = parse_args(parser, quick={"no_warmup": True}, tools=("make", "git"))

    bin_dir = installed_wheel(args.venv)
    work = Path(tempfile.mkdtemp(prefix="mlops-bench-first-"))
    # A user's machine: uv on PATH (here the one installed with mlops-portfolio),
    # and Python's default of caching bytecode on first import (this machine sets
    # PYTHONDONTWRITEBYTECODE, which would recompile scikit-learn on every command).
    drop = ("VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    uv_dir = Path(tempfile.mkdtemp(prefix="mlops-bench-uv-"))
    (uv_dir / "uv").symlink_to(bin_dir / "uv")  # uv alone, not the venv's python3
    env["PATH"] = f"{uv_dir}{os.pathsep}{env.get('PATH', '')}"
    if not args.no_warmup:
        sh([bin_dir / "mlops-portfolio", "new", "--defaults", "--no-git", work / "warm"])
        sh(["make", "setup"], cwd=work / "warm", env=env)

    project = work / "my-project"
    steps = {
        "mlops-portfolio new --defaults": lambda: wall(
            [bin_dir / "mlops-portfolio", "new", "--defaults", project], env=env
        ),
        "make setup (warm cache)": lambda: wall(["make", "setup"], cwd=project, env=env),
        "make train": lambda: wall(["make", "train"], cwd=project, env=env),
        "make serve -> first 200 from /predict": lambda: first_prediction(project, env),
    }
    times = {name: step() for name, step in steps.items()}
    total = sum(times.values())
    print(f"# bench_first_prediction ({machine()})")
    for name, seconds in times.items():
        print(f"{name:40s} {seconds:7.2f} s   {seconds / total:6.1%} of total")
    print(f"{'total: new to first served prediction':40s} {total:7.2f} s")


if __name__ == "__main__":
    main()
