"""Shared by the benchmark scripts: an installed wheel, timing, and output."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def sh(cmd, cwd=None, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def installed_wheel(venv_dir: Path | None) -> Path:
    """A virtualenv with mlops-portfolio installed from a wheel built from this checkout.

    Users run the wheel (template inside the package, no git), so that is what
    is measured. Pass --venv DIR to reuse one between runs.
    """
    venv_dir = venv_dir or Path(tempfile.mkdtemp(prefix="mlops-bench-")) / "venv"
    bin_dir = venv_dir / "bin"
    if not (bin_dir / "mlops-portfolio").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        dist = venv_dir.parent / "dist"
        sh([bin_dir / "python", "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, REPO])
        wheel = max(dist.glob("mlops_portfolio-*.whl"), key=os.path.getmtime)
        sh([bin_dir / "python", "-m", "pip", "install", "--quiet", "--force-reinstall", wheel])
    return bin_dir


def packaged_template(bin_dir: Path) -> Path:
    """The copier template inside the installed wheel (copier.yml + template/)."""
    out = sh(
        [
            bin_dir / "python",
            "-c",
            "from generator.render import template_root; print(template_root())",
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
