"""What a default project contains passes the linters its own CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import cli, require_tool, run

# Files that legitimately hold `${{ ... }}` GitHub expressions.
GITHUB_EXPRESSION_FILES = re.compile(r"^\.github/workflows/.*\.ya?ml$")
# Flask's own Jinja templates, rendered by the service at request time.
FLASK_TEMPLATES = re.compile(r"^src/[a-z0-9_]+/templates/[a-z_]+\.html$")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("gen") / "proj"
    result = cli("new", "--defaults", dest)  # with git: actionlint needs a repository
    assert result.returncode == 0, result.stderr
    return dest


def generated_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


def test_no_unrendered_jinja_is_left(project):
    leftovers = []
    for path in generated_files(project):
        relative = path.relative_to(project).as_posix()
        text = path.read_text(encoding="utf-8")
        if GITHUB_EXPRESSION_FILES.match(relative):
            # Every {{ must open a GitHub expression ${{ ... }}.
            text = text.replace("${{", "")
        if FLASK_TEMPLATES.match(relative):
            # Their Jinja is Flask's, for request time; copier's answers must not be left in them.
            assert "package_name" not in text and "project_name" not in text, relative
            continue
        for marker in ("{{", "{%", "{#"):
            if marker in text:
                leftovers.append(f"{relative}: {marker}")
        assert ".jinja" not in path.name, relative
    assert leftovers == []


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
