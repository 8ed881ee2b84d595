"""uv.lock for a rendered project: every library pinned, the same for everyone.

`new` and `update` run `uv lock` in the project. uv resolves the
pyproject.toml against PyPI as it was at RESOLVED_AS_OF (uv's
`--exclude-newer`), so two runs with the same answers write the same lock,
byte for byte, whatever was released since. The date is then taken out of
the lock's options: the project's own `uv lock`, `uv add` and Dependabot move
on from those versions as usual instead of staying at that date for ever.

uv comes with the generator (the `uv` package on PyPI ships the binary).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

# Moved forward with the template, after CI tested the versions it resolves to.
RESOLVED_AS_OF = "2026-11-24T00:00:00Z"
LOCK_FILE = "uv.lock"
_DATE_OPTION = re.compile(r'^\[options\]\nexclude-newer = "[^"\n]*"\n\n', re.MULTILINE)


def uv_binary() -> str:
    """The uv that came with the generator, else one on PATH."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        import shutil

        found = shutil.which("uv")
        if found is None:
            raise FileNotFoundError("uv is not installed (pip install uv)") from None
        return found


def lock(project: Path) -> Path:
    """Write `project`/uv.lock as of RESOLVED_AS_OF; raise CalledProcessError if uv fails."""
    _uv_lock(project, ["--exclude-newer", RESOLVED_AS_OF])
    path = project / LOCK_FILE
    text = path.read_text(encoding="utf-8")
    without_date, found = _DATE_OPTION.subn("", text, count=1)
    if not found:
        raise RuntimeError(f"{path}: uv wrote no exclude-newer option to take out")
    path.write_text(without_date, encoding="utf-8")
    return path


def relock(project: Path) -> Path:
    """After `update` changed pyproject.toml: bring uv.lock in line with it.

    An existing lock keeps every version it pins that still fits (plain `uv
    lock`: nothing the user upgraded since goes back); a project from before
    uv.lock gets a new one, as `new` writes it.
    """
    if not (project / LOCK_FILE).is_file():
        return lock(project)
    _uv_lock(project, [])
    return project / LOCK_FILE


def _uv_lock(project: Path, options: list[str]) -> None:
    command = [
        uv_binary(),
        "lock",
        "--no-config",  # a uv.toml of this machine (another index) must not change the lock
        *options,
        "--python",
        sys.executable,  # an interpreter is at hand: never download one to lock
        "--quiet",
    ]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)  # the generator's own venv is not the project's
    try:
        # From uv's cache first (0.3 s instead of 5 s of asking PyPI about every
        # package again); the date makes a cached answer give the same lock.
        subprocess.run([*command, "--offline"], **_quiet(project, env))
    except subprocess.CalledProcessError:
        subprocess.run(command, **_quiet(project, env))  # a package not cached yet


def _quiet(project: Path, env: dict[str, str]) -> dict:
    return {"cwd": project, "env": env, "check": True, "capture_output": True, "text": True}
