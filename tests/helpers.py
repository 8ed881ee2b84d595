"""Functions and constants the generator's tests share.

They live here, not in conftest.py, so that a test imports them by name
(`from helpers import run`) while conftest.py keeps only pytest's hooks,
options and fixtures. Under CI=true a missing tool is a failure, never a
silent skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(name: str) -> str:
    """Path of a command; skip without it on a laptop, fail without it in CI."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found:
        return found
    message = f"{name} is not installed"
    if IN_CI:
        pytest.fail(f"{message}, and CI=true requires it")
    pytest.skip(message)


def run(cmd, cwd=None, env=None, timeout=900, check=True, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, showing its output when it fails."""
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        timeout=timeout,
        capture_output=True,
        text=True,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return result


def cli(*args, cwd=None, check=False, env_extra=None, **kwargs) -> subprocess.CompletedProcess:
    """Run `python -m generator` from this source tree (`env_extra` adds variables)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env_extra or {})}
    return run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, check=check, **kwargs)


def make_venv(path: Path) -> Path:
    """A fresh virtualenv with pip; returns its bin directory."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    """Poll `url` until it answers 200; bounded in time."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception as error:  # noqa: BLE001 - keep polling until the deadline
            last = error
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last}")


class Server:
    """A process group started for a test and stopped by its process id."""

    def __init__(self, cmd, cwd=None, env=None):
        import tempfile

        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._output = ""

    def output(self) -> str:
        """Everything the server printed (also after stop)."""
        if not self.log.closed:
            self.log.seek(0)
            self._output = self.log.read()
        return self._output

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.output()
        self.log.close()


def post_json(url: str, body: bytes, timeout: float = 60) -> tuple[int, dict]:
    import json
    import urllib.error

    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        # Generous: a loaded 2-core CI machine makes the first request slow.
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def generate(dest: Path, *options: str, git: bool = False, **answers) -> Path:
    """Render a project from this source tree with `--defaults` plus `answers`."""
    args = ["new", "--defaults", *options]
    for key, value in answers.items():
        args += ["--set", f"{key}={value}"]
    if not git:
        args.append("--no-git")
    result = cli(*args, dest)
    assert result.returncode == 0, result.stderr
    return dest


def uv_bin() -> str:
    """The uv the generator installs with itself (the `uv` package ships the binary)."""
    from uv import find_uv_bin

    return find_uv_bin()


def project_env(project: Path, base: Path) -> Path:
    """The project's own `make setup` (uv sync --locked) into a virtualenv under `base`.

    What a user runs, in a virtualenv of its own per project: uv installs the
    locked versions from its cache (hard links), a few seconds each once the
    cache holds them. UV is passed to make, as uv on PATH would be; the
    interpreter is this one (`python3` on PATH may be another version).
    Returns the venv directory: pass it as `make VENV=...`.
    """
    import hashlib

    digest = hashlib.sha256(str(project.resolve()).encode()).hexdigest()[:12]
    env_dir = base / f"venv-{project.name}-{digest}"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PYTHON"] = sys.executable
    run(["make", "setup", f"VENV={env_dir}", f"UV={uv_bin()}"], cwd=project, env=env, timeout=1500)
    return env_dir


def git_env(home: Path, **config: str) -> dict[str, str]:
    """Environment variables giving git only the given config, e.g. `user.name="Asha"`.

    The machine's own ~/.gitconfig would otherwise leak into derived defaults.
    """
    home.mkdir(parents=True, exist_ok=True)
    gitconfig = home / "gitconfig"
    lines = []
    for key, value in config.items():
        section, _, name = key.partition("_")
        lines.append(f"[{section}]\n\t{name} = {value}\n")
    gitconfig.write_text("".join(lines))
    return {"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}


def template_repo(path: Path, tag: str) -> Path:
    """A git repository of this template (copier.yml + template/), tagged `tag`.

    It stands in for the template's repository on GitHub in update tests.
    """
    path.mkdir(parents=True)
    shutil.copy2(REPO / "copier.yml", path / "copier.yml")
    shutil.copytree(
        REPO / "template", path / "template", ignore=shutil.ignore_patterns("__pycache__")
    )
    commit_all(path, f"Template {tag}")
    run(["git", "tag", tag], cwd=path)
    return path


def commit_all(path: Path, message: str) -> None:
    """git add -A and commit in `path` (initialising the repository if needed)."""
    if not (path / ".git").exists():
        run(["git", "init", "--quiet", "--initial-branch=main"], cwd=path)
    run(["git", "add", "--all"], cwd=path)
    run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "commit",
            "--quiet",
            "--no-gpg-sign",
            "-m",
            message,
        ],
        cwd=path,
    )


def setting(*pairs: str):
    """A bad-input case's arguments: `new --defaults --set k=v ... DEST` in a temporary folder."""

    def argv(tmp: Path) -> list[str]:
        args = ["new", "--defaults"]
        for pair in pairs:
            args += ["--set", pair]
        return [*args, str(tmp / "proj")]

    return argv
