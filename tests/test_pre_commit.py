"""The generated .pre-commit-config.yaml passes on a fresh repository, and catches slips."""

from __future__ import annotations

import os
import re
import sys

import pytest

from helpers import run, uv_bin

pytestmark = pytest.mark.slow


def test_pre_commit_passes_on_a_fresh_repo_and_fails_on_a_slip(installed_cli, tmp_path):
    dest = tmp_path / "proj"
    run([installed_cli, "new", "--defaults", dest], cwd=tmp_path)  # git repo, first commit
    # The hooks run the tools `make setup` put in the project's own .venv (uv.lock's
    # versions); pre-commit is one of them, in the dev group.
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    run(["make", "setup", f"UV={uv_bin()}", f"PYTHON={sys.executable}"], cwd=dest,
        env={**env, "UV_PYTHON": sys.executable}, timeout=900)
    pre_commit = dest / ".venv" / "bin" / "pre-commit"
    # A private pre-commit cache: nothing is installed into it (every hook is local).
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")

    result = run([pre_commit, "run", "--all-files", "--show-diff-on-failure"], cwd=dest,
                 env=env)
    assert "Failed" not in result.stdout
    for hook in ["ruff check (lint, import order)", "ruff format", "trim trailing whitespace",
                 "end files with one newline", "check YAML syntax", "check TOML syntax"]:
        assert re.search(rf"^{re.escape(hook)}\.+Passed$", result.stdout, re.M), result.stdout

    # A badly formatted file with trailing spaces is caught (and fixed) by the hooks.
    (dest / "scripts" / "sloppy.py").write_text("import os,sys  \nx = {  'a':1 }\n")
    run(["git", "add", "scripts/sloppy.py"], cwd=dest)
    failed = run([pre_commit, "run", "--all-files"], cwd=dest, env=env, check=False)
    assert failed.returncode != 0
    assert "ruff" in failed.stdout and "files were modified by this hook" in failed.stdout
    fixed = (dest / "scripts" / "sloppy.py").read_text()
    assert "  \n" not in fixed and 'x = {"a": 1}' in fixed
