"""Checks a generated project must pass; shared by the default-project tests and the matrix."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import require_tool, run

# Files that legitimately hold `${{ ... }}` GitHub expressions.
GITHUB_EXPRESSION_FILES = re.compile(r"^\.github/workflows/.*\.ya?ml$")
# Flask's own Jinja templates, rendered by the service at request time.
FLASK_TEMPLATES = re.compile(r"^src/[a-z0-9_]+/templates/[a-z_]+\.html$")


def generated_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts)


def unrendered_jinja(project: Path) -> list[str]:
    """`file: marker` for every Jinja left in a generated project, and every `.jinja` name."""
    leftovers = []
    for path in generated_files(project):
        relative = path.relative_to(project).as_posix()
        if ".jinja" in path.name:
            leftovers.append(f"{relative}: .jinja file name")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (none today) cannot hold template syntax
        if GITHUB_EXPRESSION_FILES.match(relative):
            # Every {{ must open a GitHub expression ${{ ... }}.
            text = text.replace("${{", "")
        if FLASK_TEMPLATES.match(relative):
            # Their Jinja is Flask's, for request time; copier's answers must not be left in them.
            for answer in ("package_name", "project_name", "project_slug"):
                if answer in text:
                    leftovers.append(f"{relative}: {answer}")
            continue
        for marker in ("{{", "{%", "{#"):
            if marker in text:
                leftovers.append(f"{relative}: {marker}")
        for marker in ("{{", "{%"):  # a {{ or {% in a path means the file name was not rendered
            if marker in relative:
                leftovers.append(f"{relative}: file name")
    return leftovers


def lint(project: Path) -> None:
    """ruff (check and format), actionlint, hadolint and the vendor JSON schemas."""
    ruff = require_tool("ruff")
    run([ruff, "check", "--no-cache", "."], cwd=project)
    run([ruff, "format", "--check", "--no-cache", "."], cwd=project)
    if (project / "Dockerfile").exists():
        run([require_tool("hadolint"), "Dockerfile"], cwd=project)
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    if workflows:
        # actionlint finds the workflows from the repository root: it needs .git.
        assert (project / ".git").exists(), "actionlint needs a git repository"
        run([require_tool("actionlint")], cwd=project)
    check_jsonschema = require_tool("check-jsonschema")
    if workflows:
        run([check_jsonschema, "--builtin-schema", "vendor.github-workflows", *workflows],
            cwd=project)
    dependabot = [p for p in (project / ".github").glob("dependabot.y*ml")]
    if dependabot:
        run([check_jsonschema, "--builtin-schema", "vendor.dependabot", *dependabot],
            cwd=project)
