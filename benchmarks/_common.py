"""Shared by the benchmark scripts: command-line flags, an installed wheel, timing, and output."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# quick.py shares two virtualenvs between the benchmarks it runs, each made by the
# first that needs it: the wheel's (installed_wheel) and one a generated project
# is installed into (shared_project_venv).
WHEEL_VENV_ENV = "MLOPS_BENCH_WHEEL_VENV"
PROJECT_VENV_ENV = "MLOPS_BENCH_PROJECT_VENV"
# The line a benchmark prints when --skip-missing-tools lets it skip (quick.py looks for it).
SKIPPED = "SKIPPED:"
QUICK_NOTE = (
    "(--quick: tiny sizes and counts, to check that the benchmark runs end to end; "
    "its figures are not measurements)"
)


def parse_args(parser: argparse.ArgumentParser, quick: dict, tools=()) -> argparse.Namespace:
    """Add --quick and --skip-missing-tools to `parser`, parse, check `tools`.

    `quick` holds the option values --quick uses (tiny run counts and sizes);
    an option given on the command line still wins over them. Every tool in
    `tools` (commands such as "make" or "docker") must work: if one does not,
    the benchmark stops with a message and status 1, or with --skip-missing-tools
    prints a SKIPPED line with the reason and exits 0.

    SIGTERM and SIGINT end the benchmark through its `finally` blocks, which stop
    the servers it started (even when it was started with SIGINT ignored, as a
    background job is): how quick.py stops one that runs out of time.
    """
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and counts: a fast end-to-end check, not a measurement",
    )
    parser.add_argument(
        "--skip-missing-tools",
        action="store_true",
        help="exit 0 with a SKIPPED line (instead of failing) when a tool it needs is missing"
        + (f" (needs: {', '.join(tools)})" if tools else ""),
    )
    if parser.parse_known_args()[0].quick:
        parser.set_defaults(**quick)
    args = parser.parse_args()
    for tool in tools:
        problem = tool_problem(tool)
        if problem and args.skip_missing_tools:
            print(f"{SKIPPED} {problem}")
            sys.exit(0)
        if problem:
            sys.exit(f"{problem} (pass --skip-missing-tools to skip this benchmark instead)")
    if args.quick:
        print(QUICK_NOTE, flush=True)
    return args


def tool_problem(tool: str) -> str | None:
    """Why `tool` cannot be used here, or None when it can.

    A `docker` client is not enough: it must reach a container engine (`docker
    info`), which the bare client on a machine without one does not. The
    podman-backed shim (../shared/tools/bin/docker) does.
    """
    if shutil.which(tool) is None:
        return f"`{tool}` is not on PATH"
    if tool == "docker":
        try:
            info = subprocess.run(
                [tool, "info"], capture_output=True, text=True, timeout=600, check=False
            )
        except subprocess.TimeoutExpired:
            return "`docker info` did not answer within 600 s: no usable container engine"
        if info.returncode != 0:
            last = (info.stderr.strip() or info.stdout.strip()).splitlines()[-1:] or [""]
            return f"`docker` is on PATH but reaches no container engine: {last[0]}"
    return None


def sh(cmd, cwd=None, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def installed_wheel(venv_dir: Path | None) -> Path:
    """A virtualenv with mlops-portfolio installed from a wheel built from this checkout.

    Users run the wheel (template inside the package, no git), so that is what
    is measured. Pass --venv DIR to reuse one between runs; without it,
    $MLOPS_BENCH_WHEEL_VENV (set by quick.py) or a new temporary directory.
    """
    shared = os.environ.get(WHEEL_VENV_ENV)
    venv_dir = venv_dir or (Path(shared) if shared else None)
    venv_dir = venv_dir or Path(tempfile.mkdtemp(prefix="mlops-bench-")) / "venv"
    bin_dir = venv_dir / "bin"
    if not (bin_dir / "mlops-portfolio").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        dist = venv_dir.parent / "dist"
        sh([bin_dir / "python", "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, REPO])
        wheel = max(dist.glob("mlops_portfolio-*.whl"), key=os.path.getmtime)
        sh([bin_dir / "python", "-m", "pip", "install", "--quiet", "--force-reinstall", wheel])
    return bin_dir


def shared_project_venv() -> Path | None:
    """$MLOPS_BENCH_PROJECT_VENV: where quick.py wants the project virtualenv made or reused."""
    shared = os.environ.get(PROJECT_VENV_ENV)
    return Path(shared) if shared else None


def make_setup(project: Path, venv_dir: Path, env: dict | None = None) -> None:
    """The project's own `make setup` (uv sync --locked: exactly uv.lock) into `venv_dir`.

    It makes the virtualenv, or syncs an existing one to this project (uv then
    removes what the lock does not list, a previous project included). uv is
    the one this interpreter's `uv` package carries (mlops-portfolio depends on
    it), else whatever the Makefile finds or installs.
    """
    try:
        from uv import find_uv_bin

        uv = [f"UV={find_uv_bin()}"]
    except ImportError:
        uv = []
    env = {k: v for k, v in (env or os.environ).items() if k != "VIRTUAL_ENV"}
    sh(["make", "setup", f"VENV={venv_dir}", *uv], cwd=project, env=env)


def packaged_template(bin_dir: Path) -> Path:
    """The copier template inside the installed wheel (copier.yml + template/).

    `-I`: the wheel's `generator`, not a checkout's in the current directory.
    """
    out = sh(
        [
            bin_dir / "python",
            "-I",
            "-c",
            "from generator.template_source import template_root; print(template_root())",
        ]
    )
    return Path(out.stdout.strip())


def wall(cmd, cwd=None, env=None) -> float:
    start = time.perf_counter()
    sh(cmd, cwd=cwd, env=env)
    return time.perf_counter() - start


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def fresh_dir(base: Path, name: str) -> Path:
    path = base / name
    if path.exists():
        shutil.rmtree(path)
    return path


def machine() -> str:
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load:.1f}, Python {sys.version.split()[0]}"
