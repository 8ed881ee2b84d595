"""The `mlops-portfolio` command: options, answers, refusals."""

from __future__ import annotations

import subprocess
import sys

import yaml

from helpers import REPO, cli, git_env


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("mlops-portfolio 0.")


def test_help_lists_every_command():
    result = cli("--help")
    assert result.returncode == 0
    for command in ["new", "update", "doctor"]:
        assert f"    {command} " in result.stdout


def test_help_does_not_import_the_heavy_libraries():
    # `--help` must stay instant: copier, rich and questionary load only when needed.
    code = ("import sys; from generator.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('copier', 'rich', 'questionary', 'jinja2', 'yaml')"
            " if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_derived_author_comes_from_git_config(tmp_path):
    env = git_env(tmp_path / "home", user_name="Asha Rao", user_email="asha@example.in",
                  github_user="asha-rao")
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", dest, env_extra=env)
    assert result.returncode == 0, result.stderr
    saved = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (saved["author_name"], saved["author_email"], saved["github_username"]) == (
        "Asha Rao", "asha@example.in", "asha-rao")
    log = subprocess.run(["git", "log", "--format=%an <%ae>"], cwd=dest, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert log == "Asha Rao <asha@example.in>"


def test_new_with_defaults_writes_a_committed_project(tmp_path):
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", dest, env_extra=git_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    for name in ["README.md", "Makefile", "Dockerfile", "pyproject.toml", "LICENSE",
                 ".gitignore", ".copier-answers.yml", ".github/workflows/ci.yml",
                 "docs/roadmap.md", "src/customer_churn_predictor/serving/app.py",
                 "tests/test_api.py"]:
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


def test_bad_answer_from_the_real_command_exits_2_and_writes_nothing(tmp_path):
    # The whole catalogue of bad input is in test_bad_input.py; this is the real process.
    dest = tmp_path / "proj"
    result = cli("new", "--defaults", "--set", "package_name=class", dest)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["error: package_name: must not be a Python keyword (got 'class')"]
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
