"""The docs describe the repository they are in, for the options it was made with.

Fast: renders only. For the default answers and for everything on, the
roadmap, architecture, training, monitoring and presentation pages:
- name only files that exist in that render (outputs of make tasks excepted);
- differ where the files differ: an optional part that is there is pointed
  at (its file, how to run it, an exercise that extends it); one that is not
  there is never described as if it were, and the page says how to add it;
- the "how to add it" command they give really adds the part.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from helpers import cli, commit_all, git_env, template_repo

DEFAULT = {"cloud_provider": "aws"}
EVERYTHING = {
    "cloud_provider": "gcp",
    "experiment_tracking": "mlflow",
    "data_versioning": "dvc",
    "include_kubernetes": "true",
    "include_jenkins": "true",
    "docs_site": "true",
}
PAGES = ["roadmap", "architecture", "training", "monitoring", "present-this-project"]
# Written by make tasks (or by the learner), never in a fresh render.
OUTPUTS = (
    "models/",
    "logs/",
    "reports/",
    "mlruns/",
    ".venv/",
    "site/",
    "data/dataset.csv",
    "dvc.lock",
    "docs/model-card.md",
    ".dvc/cache",
)
OUTPUT_NAMES = {
    "model.skops",
    "metadata.json",
    "reference.json",
    "summary.json",
    "summary.md",
    "report.html",
    "predictions.jsonl",
    "dataset.csv",
    "dvc.lock",
    "pdb.yaml",
}
FILE_SUFFIXES = (
    ".py",
    ".yml",
    ".yaml",
    ".json",
    ".jsonl",
    ".md",
    ".toml",
    ".txt",
    ".cfg",
    ".lock",
    ".csv",
    ".html",
    ".skops",
    ".conf",
)
FILE_NAMES = {
    "Makefile",
    "Dockerfile",
    "Jenkinsfile",
    "LICENSE",
    ".dockerignore",
    ".gitignore",
    ".dvcignore",
}


def named_paths(markdown: str) -> set[str]:
    """Repository paths written as code spans (`src/x.py`, `k8s/`, `Jenkinsfile`), code blocks
    excluded (tests/test_doc_commands.py checks the commands in those)."""
    markdown = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    found = set()
    for span in re.findall(r"`([^`\n]+)`", markdown):
        span = span.strip()
        if (
            " " in span
            or any(mark in span for mark in ("=", "$", "://", "*", "<", "(", "{"))
            or span.startswith(("/", "-", "~", "../", "actions/"))  # actions/...: a GitHub Action
            or re.fullmatch(r"\.[a-z]+", span)  # a file extension, such as `.skops`
        ):
            continue
        if "/" in span or span in FILE_NAMES or span.endswith(FILE_SUFFIXES):
            found.add(span)
    return found


def missing_paths(project: Path, markdown: str) -> list[str]:
    """Named paths that are not in `project`: a path with a folder must be there as
    written; a bare file name (`dataset.yaml`) somewhere in the repository."""
    missing = []
    for path in sorted(named_paths(markdown)):
        if path.startswith(OUTPUTS) or path.rsplit("/", 1)[-1] in OUTPUT_NAMES:
            continue
        if "/" in path.rstrip("/"):
            exists = (project / path).exists()
        else:
            exists = (project / path).exists() or any(project.rglob(path.rstrip("/")))
        if not exists:
            missing.append(path)
    return missing


def page(project: Path, name: str) -> str:
    return (project / "docs" / f"{name}.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def renders(generated):
    return {"default": generated(**DEFAULT), "everything": generated(**EVERYTHING)}


def test_named_paths_finds_paths_and_skips_the_rest():
    text = (
        "Read `src/pkg/train.py`, `k8s/`, `Jenkinsfile` and `dataset.yaml`; call `/health`, "
        "run `make train`, set `SHIFT=a=1`, see `http://x/y.md` and `../copy/x.py`.\n"
        "```bash\ncat `not/this.py`\n```\n"
    )
    assert named_paths(text) == {"src/pkg/train.py", "k8s/", "Jenkinsfile", "dataset.yaml"}


@pytest.mark.parametrize("which", ["default", "everything"])
@pytest.mark.parametrize("name", PAGES)
def test_every_path_a_page_names_exists_in_that_render(renders, which, name):
    project = renders[which]
    text = page(project, name)
    assert len(named_paths(text)) >= 3, "the page names the repository's files"
    missing = missing_paths(project, text)
    assert missing == [], f"docs/{name}.md names files this {which} render lacks: {missing}"


def test_a_path_that_is_not_there_is_reported(renders):
    assert missing_paths(renders["default"], "See `Jenkinsfile` and `k8s/hpa.yaml`.") == [
        "Jenkinsfile",
        "k8s/hpa.yaml",
    ]
    assert missing_paths(renders["everything"], "See `Jenkinsfile` and `k8s/hpa.yaml`.") == []


# What each optional part puts in the repository, and how a page points at it.
PARTS = {
    "jenkins": ("include_jenkins=true", "`Jenkinsfile`"),
    "kubernetes": ("include_kubernetes=true", "`k8s/"),
    "mlflow": ("experiment_tracking=mlflow", "/training/tracking.py`"),
    "dvc": ("data_versioning=dvc", "`dvc.yaml`"),
}
# The pages that must cover each part, whether it is there or not.
COVERED_BY = {
    "jenkins": ["roadmap", "architecture"],
    "kubernetes": ["roadmap", "architecture"],
    "mlflow": ["roadmap", "architecture", "training"],
    "dvc": ["roadmap", "architecture", "training"],
}


@pytest.mark.parametrize("part", list(PARTS))
def test_a_part_that_is_there_is_pointed_at_and_one_that_is_not_is_offered(renders, part):
    setting, pointer = PARTS[part]
    for name in COVERED_BY[part]:
        with_part, without = page(renders["everything"], name), page(renders["default"], name)
        assert pointer in with_part, (part, name)
        assert f"--set {setting}" not in with_part, (part, name, "offers to add what is there")
        assert pointer not in without, (part, name, "points at a file that is not there")
        assert f"--set {setting}" in without, (part, name, "does not say how to add it")


def test_the_roadmap_never_asks_to_imagine_what_is_built(renders):
    everything = page(renders["everything"], "roadmap")
    assert "would call" not in everything and "would plug" not in everything
    assert "docker run -p 8081:8080" in everything  # Jenkins in a container, locally
    assert "kind create cluster" in everything
    assert "make mlflow-ui" in everything and ".venv/bin/dvc repro" in everything
    assert "## 5. Monitoring" in everything and "## 5. Monitoring" in page(
        renders["default"], "roadmap"
    )


def test_training_and_monitoring_pages_follow_the_options(renders):
    default, everything = renders["default"], renders["everything"]
    assert "## Not in this project: experiment tracking" in page(default, "training")
    assert "## Experiment tracking with MLflow" in page(everything, "training")
    assert "Not in this project" not in page(everything, "training")
    assert "make mlflow-ui" in page(everything, "monitoring")
    assert "kubernetes.md" in page(everything, "monitoring")
    assert "mlflow" not in page(default, "monitoring").lower()


def test_the_presentation_page_has_no_model_answers_or_resume_bullets(renders):
    for project in renders.values():
        text = page(project, "present-this-project")
        assert "mlops-portfolio present" in text
        assert "Built an end-to-end" not in text and "report:resume" not in text
        assert "**1. Walk me through" not in text  # questions to prepare, not their answers
    assert "`k8s/deployment.yaml`" in page(renders["everything"], "present-this-project")
    assert "k8s/" not in page(renders["default"], "present-this-project")


def test_my_notes_is_a_skeleton_of_questions(renders):
    text = page(renders["default"], "my-notes")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert len(headings) >= 5
    assert text.count("_") >= 10  # italic prompts for the learner to replace
    assert "docs/my-notes.md" in page(renders["default"], "roadmap")


def test_the_add_command_a_page_gives_adds_the_part(tmp_path):
    """Run the architecture page's "Add it" command for Jenkins in a committed project made
    from a tagged template: the Jenkinsfile arrives, and the learner's own edit stays."""
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    env = git_env(tmp_path / "home")
    project = tmp_path / "proj"
    made = cli("new", "--defaults", "--no-push", "--template", repo, project, env_extra=env)
    assert made.returncode == 0, made.stderr
    params = project / "params.yaml"
    params.write_text(
        params.read_text().replace("l2_regularization: 1.0", "l2_regularization: 0.5")
    )
    commit_all(project, "My tuning")
    line = next(
        line
        for line in page(project, "architecture").splitlines()
        if "--set include_jenkins=true" in line
    )
    command = shlex.split(re.search(r"`(mlops-portfolio update [^`]+)`", line).group(1))
    result = cli(*command[1:], cwd=project, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert (project / "Jenkinsfile").is_file()
    assert "l2_regularization: 0.5" in params.read_text()
    assert "include_jenkins: true" in (project / ".copier-answers.yml").read_text()
