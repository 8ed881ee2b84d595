"""Every option combination works: render, lint, train and test projects over copier.yml.

CI renders the all-pairs selection (tests/matrix.py); the full product runs with

    .venv/bin/python -m pytest tests/test_matrix.py --runslow --matrix=full -n 2

(`-n 2`: pytest-xdist, one worker per core; workers share the lint results
and the behaviour claims below through a directory of the run).

Each project must pass: the unrendered-Jinja scan, ruff check, ruff format
--check, hadolint, actionlint, the vendor JSON schemas (each skipped when the
very same input files already passed it in this run), then `make train` and
`make test` in a virtualenv shared by every project with the same
dependencies (helpers.project_env), once per distinct behaviour key (see
NOT_READ_BY_TESTS).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from checks import generated_files, lint, stray_files, unrendered_jinja
from helpers import generate, project_env, require_tool, run
from matrix import NOT_ASKED, OptionSpace, own_data_file, row_id

# What `make train` and `make test` cannot see: documentation, CI and
# container files (checked by the linters above) and pyproject.toml's
# descriptive metadata. Projects that differ only there train and test
# identically, so those steps run once per distinct rest ("behaviour key"),
# which keeps the matrix within CI's time on 2 cores. A file whose path the
# project's tests/ or src/ mention (or whose folder they build a path from,
# e.g. `root / "docs"`) is read after all and stays in the key.
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


def pytest_generate_tests(metafunc):
    if "combo" in metafunc.fixturenames:
        space = OptionSpace()
        mode = metafunc.config.getoption("matrix")
        rows = space.pairwise() if mode == "pairwise" else list(space.full())
        rows += space.staged()  # a project started small, at each earlier stage
        width = len(str(len(rows) - 1))
        ids = [f"{n:0{width}d}-{row_id(row)}" for n, row in enumerate(rows)]
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
        # The folder opened as a whole: a path built from its name, e.g.
        # `root / "docs"` or `Path("docs")` (a bare "docs" string may be anything,
        # such as an OpenAPI operation id).
        name = re.escape(top)
        return re.search(rf"""(Path\(|/\s*)["']{name}["']|["']{name}["']\s*/""", code) is not None

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


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A directory all pytest-xdist workers of this run share (this run's own without xdist)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # each worker's basetemp sits in the run's directory
    path = base / "matrix-shared"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def render_combo(request):
    """`render_combo(combo, dest)`: the project a user gets for these answers.

    pairwise (CI): the wheel-installed `mlops-portfolio new`, first git commit
    included, exactly as a user runs it. full: the same `render()` that
    command calls, in this process from one copy of the template, then
    `git init` (actionlint needs a repository); 6,144 command starts and
    commits would add most of an hour on 2 cores.
    """
    space = OptionSpace()
    if request.config.getoption("matrix") == "pairwise":
        cli_path = request.getfixturevalue("installed_cli")

        def with_cli(combo: dict, dest: Path) -> None:
            # set_options: as_set_options(combo) plus the fixed text follow-ups it asks
            # (use_case=own_csv: the penguins CSV and its target, see matrix.py).
            run([cli_path, "new", "--defaults", *space.set_options(combo), dest], cwd=dest.parent)

        yield with_cli
        return

    from generator.new import data_files
    from generator.render import render
    from generator.template_source import template_source

    with template_source() as source:

        def in_process(combo: dict, dest: Path) -> None:
            answers = space.answers(combo)  # own_csv: the CSV is profiled once, then cached
            render(answers, dest, source=source, extra_files=data_files(answers))
            run(["git", "init", "--quiet", dest])

        yield in_process


def claim(shared_dir: Path, key: str, name: str) -> str | None:
    """Claim behaviour `key` for project `name`; None if won, else the project that has it.

    An exclusive create is atomic, so two xdist workers never both claim a key.
    """
    claims = shared_dir / "behaviour"
    claims.mkdir(exist_ok=True)
    try:
        fd = os.open(claims / key, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return (claims / key).read_text() or "another project"
    with os.fdopen(fd, "w") as file:
        file.write(name)
    return None


@pytest.mark.slow
def test_combination_renders_lints_trains_and_tests(
    combo, render_combo, envs_dir, richest_env, shared_dir, tmp_path
):
    make = require_tool("make")
    dest = tmp_path / "proj"
    render_combo(combo, dest)

    # The project really holds these answers (none silently fell back to a default).
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert {k: answers.get(k, NOT_ASKED) for k in combo} == combo

    if combo["use_case"] == "own_csv":
        # The user's file, unchanged, in data/ (the template renders no data/ for it).
        spec = yaml.safe_load(next((dest / "src").glob("*/dataset.yaml")).read_text())
        data_file = dest / "data" / spec["loader"]["file"]
        assert data_file.read_bytes() == own_data_file().read_bytes()

    assert unrendered_jinja(dest) == []
    assert stray_files(dest) == []
    lint(dest, cache=shared_dir / "lint")

    owner = claim(shared_dir, behaviour_key(dest), row_id(combo))
    if owner is None:
        venv = project_env(dest, envs_dir)
        trained = run([make, "train", f"VENV={venv}"], cwd=dest)
        assert (dest / "models" / "metadata.json").is_file(), trained.stdout
        tested = run([make, "test", f"VENV={venv}"], cwd=dest)
        assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout
    else:
        # Trains and tests exactly like a project that already has (or is being)
        # checked: running them again would prove nothing new.
        print(f"make train/test: same as {owner}")
    # Passed: free the disk (the full matrix renders thousands of projects).
    shutil.rmtree(dest)
