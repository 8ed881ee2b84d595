"""Checks a generated project must pass; shared by the default-project tests and the matrix."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from helpers import require_tool, run

# Files that legitimately hold `${{ ... }}` GitHub expressions.
GITHUB_EXPRESSION_FILES = re.compile(r"^\.github/workflows/.*\.ya?ml$")
# Flask's own Jinja templates, rendered by the service at request time.
FLASK_TEMPLATES = re.compile(r"^src/[a-z0-9_]+/serving/templates/[a-z_]+\.html$")


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


# Never part of a generated project: bytecode that `pip install` compiles
# inside the installed template, and editor/OS litter.
STRAY = re.compile(r"(^|/)(__pycache__|[^/]+\.py[co]|\.DS_Store)(/|$)")


def stray_files(project: Path) -> list[str]:
    """Files of `project` that come from the template's surroundings, not from the template."""
    return [
        relative
        for path in generated_files(project)
        if STRAY.search(relative := path.relative_to(project).as_posix())
    ]


# What each linter reads. A linter's verdict depends only on these files (the
# tool version is fixed for a test session), so a project whose inputs match
# one that already passed need not be linted again: the full matrix renders
# thousands of projects that share most of their files.
RUFF_INPUTS = re.compile(r"(^|/)(pyproject\.toml|ruff\.toml|\.ruff\.toml|\.gitignore|[^/]+\.pyi?)$")


def _inputs_digest(project: Path, tool: str, files: list[Path]) -> str:
    digest = hashlib.sha256(tool.encode() + b"\0")
    for path in sorted(files):
        digest.update(path.relative_to(project).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _run_once(cache: Path | None, project: Path, tool: str, files: list[Path], cmd) -> None:
    """Run `cmd` in `project` unless the same `files` already passed `tool` (cache: a directory)."""
    if cache is None:
        run(cmd, cwd=project)
        return
    passed = cache / _inputs_digest(project, tool, files)
    if passed.exists():
        return
    run(cmd, cwd=project)
    cache.mkdir(parents=True, exist_ok=True)
    passed.write_text(project.name)


def lint(project: Path, cache: Path | None = None) -> None:
    """ruff (check and format), actionlint, hadolint and the vendor JSON schemas.

    With `cache` (a directory), a check whose input files already passed it in
    another project is not run again.
    """
    files = generated_files(project)
    python = [p for p in files if RUFF_INPUTS.search(p.relative_to(project).as_posix())]
    ruff = require_tool("ruff")
    _run_once(cache, project, "ruff check", python, [ruff, "check", "--no-cache", "."])
    _run_once(cache, project, "ruff format", python,
              [ruff, "format", "--check", "--no-cache", "."])
    if (project / "Dockerfile").exists():
        dockerfile = [p for p in files if p.name in {"Dockerfile", ".hadolint.yaml"}]
        _run_once(cache, project, "hadolint", dockerfile,
                  [require_tool("hadolint"), "Dockerfile"])
    github = [p for p in files if p.relative_to(project).parts[0] == ".github"]
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    if workflows:
        # actionlint finds the workflows from the repository root: it needs .git.
        assert (project / ".git").exists(), "actionlint needs a git repository"
        _run_once(cache, project, "actionlint", github, [require_tool("actionlint")])
    check_jsonschema = require_tool("check-jsonschema")
    if workflows:
        _run_once(cache, project, "workflow schema", workflows,
                  [check_jsonschema, "--builtin-schema", "vendor.github-workflows", *workflows])
    dependabot = sorted((project / ".github").glob("dependabot.y*ml"))
    if dependabot:
        _run_once(cache, project, "dependabot schema", dependabot,
                  [check_jsonschema, "--builtin-schema", "vendor.dependabot", *dependabot])
