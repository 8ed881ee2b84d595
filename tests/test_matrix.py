"""Every option combination works: render, lint, train and test projects over copier.yml.

CI renders the all-pairs selection (tests/matrix.py); the full product runs with

    .venv/bin/python -m pytest tests/test_matrix.py --runslow --matrix=full

Each project is rendered by the wheel-installed `mlops-portfolio new` (as a
user would, with its first git commit) and must pass: the unrendered-Jinja
scan, ruff check, ruff format --check, hadolint, actionlint, the vendor JSON
schemas, then `make train` and `make test` in a virtualenv shared by every
project with the same dependencies (conftest.project_env), once per distinct
behaviour key (see NOT_READ_BY_TESTS).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from checks import generated_files, lint, unrendered_jinja
from conftest import generate, project_env, require_tool, run
from matrix import NOT_ASKED, OptionSpace, as_set_options, row_id

# What `make train` and `make test` cannot see: documentation, CI and
# container files (checked by the linters above) and pyproject.toml's
# descriptive metadata. Projects that differ only there train and test
# identically, so those steps run once per distinct rest ("behaviour key"),
# which keeps the matrix within CI's time on 2 cores. A file whose path the
# project's tests/ or src/ mention (or whose folder they name as a string,
# e.g. "docs") is read after all and stays in the key.
NOT_READ_BY_TESTS = {
    "LICENSE",
    ".copier-answers.yml",
    "README.md",
    "docs",
    ".github",
    "Dockerfile",
    ".dockerignore",
    "mkdocs.yml",
    "Jenkinsfile",
    "k8s",
}
PYPROJECT_METADATA = re.compile(r"^(license|authors|description|readme|Repository) = .*$", re.M)
_TESTED: dict[str, str] = {}


def pytest_generate_tests(metafunc):
    if "combo" in metafunc.fixturenames:
        space = OptionSpace()
        mode = metafunc.config.getoption("matrix")
        rows = space.pairwise() if mode == "pairwise" else list(space.full())
        ids = [f"{n:03d}-{row_id(row)}" for n, row in enumerate(rows)]
        metafunc.parametrize("combo", rows, ids=ids)


def behaviour_key(project: Path) -> str:
    """Hash of everything `make train` and `make test` can read in `project`."""
    code = "\n".join(
        p.read_text(errors="replace")
        for p in generated_files(project)
        if p.relative_to(project).parts[0] in {"tests", "src"}
    )

    def read_by_tests(relative: Path) -> bool:
        top = relative.parts[0]
        if top not in NOT_READ_BY_TESTS or relative.as_posix() in code:
            return True
        if len(relative.parts) == 1:
            return top in code  # a file at the root, named anywhere
        return f'"{top}"' in code or f"'{top}'" in code  # the folder opened as a whole

    digest = hashlib.sha256()
    for path in generated_files(project):
        relative = path.relative_to(project)
        if not read_by_tests(relative):
            continue
        content = path.read_bytes()
        if relative.as_posix() == "pyproject.toml":
            content = PYPROJECT_METADATA.sub("", content.decode()).encode()
        digest.update(relative.as_posix().encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


# The options that add dependencies, at their heaviest. One venv made for this
# project holds every combination's dependencies, so the matrix installs once
# instead of once per dependency set (an option missing here only costs time:
# project_env then makes one more venv).
RICHEST = {"experiment_tracking": "mlflow", "data_versioning": "dvc", "docs_site": "true"}


@pytest.fixture(scope="session")
def richest_env(envs_dir, tmp_path_factory) -> Path:
    answers = {k: v for k, v in RICHEST.items() if k in OptionSpace().keys}
    project = generate(tmp_path_factory.mktemp("richest") / "proj", **answers)
    return project_env(project, envs_dir)


@pytest.mark.slow
def test_combination_renders_lints_trains_and_tests(
    combo, installed_cli, envs_dir, richest_env, tmp_path
):
    make = require_tool("make")
    dest = tmp_path / "proj"
    run([installed_cli, "new", "--defaults", *as_set_options(combo), dest], cwd=tmp_path)

    # The project really holds these answers (none silently fell back to a default).
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert {k: answers.get(k, NOT_ASKED) for k in combo} == combo

    assert unrendered_jinja(dest) == []
    lint(dest)

    key = behaviour_key(dest)
    if key in _TESTED:
        # Trains and tests exactly like a project that already passed: running
        # them again would prove nothing new.
        print(f"make train/test: same as {_TESTED[key]}")
        return
    venv = project_env(dest, envs_dir)
    trained = run([make, "train", f"VENV={venv}"], cwd=dest)
    assert (dest / "models" / "metadata.json").is_file(), trained.stdout
    tested = run([make, "test", f"VENV={venv}"], cwd=dest)
    assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout
    _TESTED[key] = row_id(combo)
