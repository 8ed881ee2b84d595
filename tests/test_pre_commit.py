"""The generated .pre-commit-config.yaml passes on a fresh repository, and catches slips."""

from __future__ import annotations

import os
import re

import pytest

from helpers import project_env, run

pytestmark = pytest.mark.slow


def test_pre_commit_passes_on_a_fresh_repo_and_fails_on_a_slip(
    installed_cli, envs_dir, tmp_path
):
    dest = tmp_path / "proj"
    run([installed_cli, "new", "--defaults", dest], cwd=tmp_path)  # git repo, first commit
    venv = project_env(dest, envs_dir)  # pre-commit is a dev dependency: `make setup` has it
    pre_commit = venv / "bin" / "pre-commit"
    # A private hook cache: hooks install from PyPI (pinned), never from GitHub.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

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
