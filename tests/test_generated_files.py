"""What a default project contains passes the linters its own CI runs."""

from __future__ import annotations

import compileall
import re
import shutil
from pathlib import Path

import pytest

from checks import stray_files, unrendered_jinja
from helpers import REPO, cli, require_tool, run


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("gen") / "proj"
    result = cli("new", "--defaults", dest)  # with git: actionlint needs a repository
    assert result.returncode == 0, result.stderr
    return dest


def test_no_unrendered_jinja_is_left(project):
    assert unrendered_jinja(project) == []


def test_the_jinja_scan_finds_leftovers(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("a: ${{ github.ref }}\n")
    (tmp_path / "ok.py").write_text("x = {'a': {1: 2}}\n")
    (tmp_path / "bad.py").write_text("name = '{{ package_name }}'\n")
    (tmp_path / "left.txt.jinja").write_text("plain\n")
    (tmp_path / "{{package_name}}").mkdir()
    (tmp_path / "{{package_name}}" / "x.py").write_text("{% if a %}\n")
    assert unrendered_jinja(tmp_path) == [
        "bad.py: {{",
        "left.txt.jinja: .jinja file name",
        "{{package_name}}/x.py: {%",
        "{{package_name}}/x.py: file name",
    ]


def test_bytecode_beside_the_template_is_not_copied(tmp_path):
    # `pip install` compiles the wheel's template/*.py into __pycache__ folders
    # inside the installed template; none of that may reach a project.
    template = tmp_path / "template-copy"
    template.mkdir()
    (template / "copier.yml").write_text((REPO / "copier.yml").read_text())
    shutil.copytree(REPO / "template", template / "template",
                    ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(template / "template", quiet=1)
    (template / "template" / ".DS_Store").write_bytes(b"\0")
    assert list((template / "template").rglob("*.pyc"))
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-git", "--template", template, dest)
    assert result.returncode == 0, result.stderr
    assert stray_files(dest) == []


def test_no_template_data_is_copied(project):
    assert not (project / "_data").exists()


def test_ruff_is_clean(project):
    ruff = require_tool("ruff")
    run([ruff, "check", "--no-cache", "."], cwd=project)
    run([ruff, "format", "--check", "--no-cache", "."], cwd=project)


def test_hadolint_is_clean(project):
    hadolint = require_tool("hadolint")
    run([hadolint, "Dockerfile"], cwd=project)


def test_actionlint_is_clean(project):
    actionlint = require_tool("actionlint")
    run([actionlint], cwd=project)


def test_makefile_has_the_tasks_ci_and_docs_call(project):
    makefile = (project / "Makefile").read_text()
    for target in ["setup", "train", "test", "lint", "serve", "docker-build", "docker-run"]:
        assert re.search(rf"^{target}:", makefile, re.M), target
    workflow = (project / ".github/workflows/ci.yml").read_text()
    for step in re.findall(r"run: make (\S+)", workflow):
        assert re.search(rf"^{re.escape(step)}:", makefile, re.M), step
