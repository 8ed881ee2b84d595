"""A generated repository is the learner's own: no template fingerprints.

No quote from the article the roadmap's path comes from, no salary claims
(the CLI's `mlops-portfolio roadmap` may show the motivation; the public
repository does not), and a first commit message in the learner's name.
Fast: renders with --no-git and reads every file.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from helpers import generate

DEFAULT = {"cloud_provider": "aws"}
EVERYTHING = {
    "cloud_provider": "gcp",
    "experiment_tracking": "mlflow",
    "data_versioning": "dvc",
    "include_kubernetes": "true",
    "include_jenkins": "true",
    "docs_site": "true",
}
FORBIDDEN = [
    (re.compile(r"lakh", re.I), "lakh"),
    (re.compile(r"salar(y|ies)", re.I), "salary claim"),
    (re.compile(r"\bLPA\b"), "salary claim (LPA)"),
    (re.compile("₹"), "rupee amount"),
    (re.compile(r"article this project comes from", re.I), "the article's quote"),
    (re.compile(r"What Exactly is MLOps", re.I), "the article's title"),
    (re.compile(r"60-80%"), "the article's market figure"),
    (re.compile(r"\bthe article\b", re.I), "a quote of the article"),
]


@pytest.mark.parametrize("answers", [DEFAULT, EVERYTHING], ids=["default-aws", "everything-gcp"])
def test_no_generated_file_quotes_the_article_or_claims_a_salary(tmp_path, answers):
    project = generate(tmp_path / "proj", **answers)
    found = []
    for path in sorted(project.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files carry no prose
        for pattern, what in FORBIDDEN:
            if pattern.search(text):
                found.append(f"{path.relative_to(project)}: {what}")
    assert not found, found


def test_the_first_commit_message_is_the_learners(tmp_path):
    project = generate(tmp_path / "proj", git=True, project_name="Churn Watch", **DEFAULT)
    message = subprocess.run(
        ["git", "log", "-1", "--format=%B"],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert message == "Initial commit: Churn Watch"
