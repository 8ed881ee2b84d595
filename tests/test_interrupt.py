"""Ctrl-C (SIGINT) or SIGTERM while the project is being written leaves no DEST behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, git_env


def staging_dirs(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(".mlops-new-")]


def interrupt_when(tmp_path: Path, ready, signum: int) -> tuple[int, str]:
    """Start `new`, send `signum` as soon as `ready(staged_project)` holds, return (code, err)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **git_env(tmp_path / "home")}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "new", "--defaults", "--no-push", "proj"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            staged = [d / "proj" for d in staging_dirs(tmp_path) if (d / "proj").is_dir()]
            if staged and ready(staged[0]):
                process.send_signal(signum)
                break
            time.sleep(0.005)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, err


def some_files_rendered(project: Path) -> bool:
    return sum(1 for p in project.rglob("*") if p.is_file()) >= 3


def git_repository_started(project: Path) -> bool:
    return (project / ".git" / "HEAD").is_file()


@pytest.mark.parametrize(("moment", "signum"), [
    (some_files_rendered, signal.SIGINT),
    (git_repository_started, signal.SIGINT),
    (some_files_rendered, signal.SIGTERM),
], ids=["sigint-while-rendering", "sigint-while-committing", "sigterm-while-rendering"])
def test_interrupted_generation_leaves_no_dest(tmp_path, moment, signum):
    for _attempt in range(3):
        for leftover in tmp_path.iterdir():  # a previous attempt finished first
            if leftover.name != "home":
                shutil.rmtree(leftover)
        code, err = interrupt_when(tmp_path, moment, signum)
        if code != 0:
            break
    assert code == 130, err
    assert "Interrupted; nothing was written." in err
    assert not (tmp_path / "proj").exists()
    assert staging_dirs(tmp_path) == [], "the temporary directory was not removed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
