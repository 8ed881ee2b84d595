"""The `mlops-portfolio` command: options, answers, refusals."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from conftest import cli


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("mlops-portfolio 0.")


def test_help_lists_new():
    result = cli("--help")
    assert result.returncode == 0
    assert "new" in result.stdout


def test_new_with_defaults_writes_a_committed_project(tmp_path):
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", dest)
    assert result.returncode == 0, result.stderr
    for name in ["README.md", "Makefile", "Dockerfile", "pyproject.toml", "LICENSE",
                 ".gitignore", ".copier-answers.yml", ".github/workflows/ci.yml",
                 "docs/roadmap.md", "src/customer_churn_predictor/api.py", "tests/test_api.py"]:
        assert (dest / name).is_file(), name
    log = subprocess.run(["git", "log", "--format=%an <%ae>|%s"], cwd=dest,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(log) == 1
    assert log[0].startswith("Your Name <you@example.com>|Initial commit")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest,
                            capture_output=True, text=True, check=True).stdout
    assert status == "", "everything generated must be committed"


def test_answers_file_and_set_override(tmp_path):
    answers = tmp_path / "class.yml"
    answers.write_text("project_name: Wine Quality Lab\nuse_case: wine\ncloud_provider: gcp\n")
    dest = tmp_path / "proj"
    result = cli("new", "--answers", answers, "--set", "cloud_provider=azure", "--no-git", dest)
    assert result.returncode == 0, result.stderr
    saved = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert saved["project_slug"] == "wine-quality-lab"
    assert saved["package_name"] == "wine_quality_lab"
    assert saved["use_case"] == "wine"
    assert saved["cloud_provider"] == "azure"
    assert not (dest / ".git").exists()


def test_saved_answers_file_recreates_the_same_answers(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli("new", "--defaults", "--no-git", "--set", "use_case=diabetes", first).returncode == 0
    result = cli("new", "--answers", first / ".copier-answers.yml", "--no-git", second)
    assert result.returncode == 0, result.stderr
    def answers(project):
        saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
        return {k: v for k, v in saved.items() if not k.startswith("_")}  # not _commit

    assert answers(first) == answers(second)


@pytest.mark.parametrize(
    ("assignment", "key", "rule"),
    [
        ("project_name=", "project_name", "must not be empty"),
        ("project_name=   ", "project_name", "must not be empty"),
        ("project_slug=Has Spaces", "project_slug", "a-z"),
        ("project_slug=../escape", "project_slug", "a-z"),
        ("package_name=class", "package_name", "keyword"),
        ("package_name=2fast", "package_name", "start with a letter"),
        ("author_email=not-an-email", "author_email", "name@example.com"),
        ("github_username=-bad-", "github_username", "hyphens"),
        ("cloud_provider=heroku", "cloud_provider", "must be one of: aws, gcp, azure, none"),
        ("use_case=mnist", "use_case", "must be one of"),
        ("python_version=3.9", "python_version", "must be one of"),
        ("favourite_colour=blue", "favourite_colour", "unknown question"),
    ],
)
def test_bad_answer_is_one_clear_line_exit_2_and_nothing_written(tmp_path, assignment, key, rule):
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", "--set", assignment, dest)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {key}:")
    assert rule in lines[0]
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


def test_non_empty_destination_is_refused_and_untouched(tmp_path):
    dest = tmp_path / "proj"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = cli("new", "--defaults", dest)
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    assert (dest / "notes.txt").read_text() == "mine"


def test_empty_existing_destination_is_used(tmp_path):
    dest = tmp_path / "proj"
    dest.mkdir()
    assert cli("new", "--defaults", "--no-git", dest).returncode == 0
    assert (dest / "Makefile").is_file()


def test_without_a_terminal_it_asks_for_defaults_instead_of_hanging(tmp_path):
    result = cli("new", tmp_path / "proj", stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "--defaults" in result.stderr
    assert not (tmp_path / "proj").exists()
