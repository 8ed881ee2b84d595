"""The whole path a user walks: install the wheel, generate, set up, train, test, serve."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from checks import stray_files
from helpers import Server, free_port, post_json, require_tool, run, wait_http

pytestmark = pytest.mark.slow


def test_wheel_generates_a_project_that_trains_tests_and_serves(installed_cli, tmp_path):
    require_tool("make")
    dest = tmp_path / "my-project"
    run([installed_cli, "new", "--defaults", dest], cwd=tmp_path)
    assert (dest / ".git").is_dir()
    assert stray_files(dest) == []  # e.g. no bytecode of the wheel's own template

    # The project's own commands, in its own fresh .venv, as its README says.
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    setup = run(["make", "setup"], cwd=dest, env=env)
    assert (dest / ".venv" / "bin" / "python").is_file()
    if shutil.which("uv", path=env.get("PATH")) is None:
        # No uv on PATH (as in CI here): `make setup` installed it first and said so.
        assert "uv is not on PATH: installing uv" in setup.stdout, setup.stdout
        assert (dest / ".tools" / "bin" / "uv").is_file()
    # The lock came with the first commit.
    assert "uv.lock" in run(["git", "ls-files", "uv.lock"], cwd=dest).stdout
    trained = run(["make", "train"], cwd=dest, env=env)
    assert "saved to models/" in trained.stdout
    metadata = json.loads((dest / "models" / "metadata.json").read_text())
    assert metadata["metrics"]["roc_auc"] > 0.75
    tested = run(["make", "test"], cwd=dest, env=env)
    assert " passed" in tested.stdout and "failed" not in tested.stdout

    port = free_port()
    server = Server(["make", "serve", f"PORT={port}"], cwd=dest, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/health")
        status, body = post_json(
            f"http://127.0.0.1:{port}/predict", (dest / "examples" / "request.json").read_bytes()
        )
        assert status == 200, body
        assert body["model_version"] == metadata["model_version"]
        assert body["label"] in {"stays", "churns"}
        assert set(body["probabilities"]) == {"stays", "churns"}
        status, body = post_json(f"http://127.0.0.1:{port}/predict", b'{"features": {}}')
        assert status == 422
    finally:
        server.stop()
    assert "Booting worker" in server.output()  # it really was gunicorn
