"""`mlops-portfolio grow`: a project started at stage 1 grows, one stage at a time, into
exactly the project `new` makes with the same answers, keeping the learner's edits.

The template is a tagged git repository of this checkout (as in test_update.py);
the learner commits after each stage, as grow asks.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest
import yaml

from helpers import cli, git_env, require_tool, run, template_repo

EVERYTHING_ON = {
    "experiment_tracking": "mlflow",
    "data_versioning": "dvc",
    "include_kubernetes": "true",
    "include_jenkins": "true",
    "docs_site": "true",
}


def sets(answers: dict[str, str]) -> list[str]:
    return [arg for key, value in answers.items() for arg in ("--set", f"{key}={value}")]


def commit(project: Path, message: str) -> None:
    run(["git", "add", "-A"], cwd=project)
    run(
        [
            "git",
            "-c",
            "user.name=Asha",
            "-c",
            "user.email=a@example.in",
            "commit",
            "-q",
            "--no-gpg-sign",
            "-m",
            message,
        ],
        cwd=project,
    )


def tree(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    require_tool("git")
    base = tmp_path_factory.mktemp("grow")
    return template_repo(base / "template-repo", "v1.0.0"), git_env(base / "home")


def new(template, dest: Path, answers: dict[str, str]) -> Path:
    repo, env = template
    result = cli(
        "new", "--defaults", "--no-push", "--template", repo, *sets(answers), dest, env_extra=env
    )
    assert result.returncode == 0, result.stderr
    return dest


def grow(template, project: Path, *args: str):
    return cli("grow", project, *args, env_extra=template[1])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answers", "extras"),
    [({}, {}), ({"cloud_provider": "gcp", "use_case": "wine"}, EVERYTHING_ON)],
    ids=["defaults", "everything-on"],
)
def test_growing_from_stage_1_ends_with_the_project_new_makes(template, tmp_path, answers, extras):
    grown = new(template, tmp_path / "grown", {**answers, "stage": "pipeline"})
    stages = ["ci", "api", "docker", "deploy", "monitoring", "all"]
    for stage in stages:
        result = grow(template, grown, *(sets(extras) if stage == "all" else []))
        assert result.returncode == 0, result.stderr
        assert f"Grow to stage {stage}" in result.stdout
        assert yaml.safe_load((grown / ".copier-answers.yml").read_text())["stage"] == stage
        commit(grown, f"Grow to stage {stage}")
    again = grow(template, grown)
    assert (again.returncode, again.stdout.strip()) == (
        0,
        "This project has every stage already: nothing to grow.",
    )

    made = new(template, tmp_path / "made", {**answers, **extras})
    assert tree(grown) == tree(made)
    _, different, unreadable = filecmp.cmpfiles(grown, made, tree(made), shallow=False)
    assert (different, unreadable) == ([], [])


def test_a_stage_adds_its_files_keeps_the_learners_edit_and_commits_nothing(template, tmp_path):
    project = new(template, tmp_path / "proj", {"stage": "pipeline"})
    assert not (project / ".github").exists() and not (project / "Dockerfile").exists()
    params = project / "params.yaml"
    params.write_text(
        params.read_text().replace("l2_regularization: 1.0", "l2_regularization: 0.5")
    )
    commit(project, "Tune regularisation")
    head = run(["git", "rev-parse", "HEAD"], cwd=project).stdout

    result = grow(template, project)
    assert result.returncode == 0, result.stderr
    assert "added    .github/workflows/ci.yml" in result.stdout
    assert "  - Run CI's tests on two Python versions" in result.stdout  # the stage's exercises
    assert "l2_regularization: 0.5" in params.read_text()
    assert (project / ".pre-commit-config.yaml").is_file()
    assert not (project / "Dockerfile").exists()  # one stage at a time
    assert run(["git", "rev-parse", "HEAD"], cwd=project).stdout == head  # grow commits nothing

    commit(project, "Grow to stage ci")
    checked = json.loads(cli("check", "--json", project).stdout)["exercises"]
    status = {row["id"]: row["status"] for row in checked}
    assert status["pre-commit-hook"] == "open"  # the hooks grow added are not the learner's
    assert status["route-with-test"] == "not in this project"  # the API comes at stage 3


def test_uncommitted_work_is_refused_and_nothing_changes(template, tmp_path):
    project = new(template, tmp_path / "proj", {"stage": "pipeline"})
    (project / "notes.txt").write_text("mine")
    result = grow(template, project)
    assert result.returncode == 2
    assert "has uncommitted changes (notes.txt); commit or stash them first" in result.stderr
    assert not (project / ".github").exists()


def test_extras_are_chosen_at_the_last_stage_only(template, tmp_path):
    project = new(template, tmp_path / "proj", {"stage": "pipeline"})
    result = grow(template, project, "--set", "include_jenkins=true")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --set: the next stage is ci; the extras are chosen at the last stage"
    )


def test_a_refused_extra_at_the_last_stage_changes_nothing(template, tmp_path):
    project = new(template, tmp_path / "proj", {"stage": "monitoring"})
    result = grow(template, project, "--set", "include_kubernetes=maybe")
    assert result.returncode == 2
    assert result.stderr.startswith("error: include_kubernetes: ")
    assert "Traceback" not in result.stderr
    assert run(["git", "status", "--porcelain"], cwd=project).stdout == ""
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["stage"] == "monitoring"
