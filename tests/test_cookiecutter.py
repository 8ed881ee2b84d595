"""The cookiecutter front door: `cookiecutter <repository> --directory generator/cookiecutter`.

It asks copier.yml's questions (cookiecutter.json is generated from it) and
its hook writes the project with the installed mlops-portfolio, so the
answers meet the same rules and the same template. The slow tests run the
real `cookiecutter` with the mlops-portfolio installed beside this Python.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from generator import docs
from generator.questions import Questionnaire
from helpers import IN_CI, REPO, git_env, require_tool, run, uv_bin

FRONT_DOOR = REPO / "generator" / "cookiecutter"


def test_cookiecutter_json_is_generated_from_copier_yml():
    current = (FRONT_DOOR / "cookiecutter.json").read_text(encoding="utf-8")
    assert current == docs.cookiecutter_json(REPO / "copier.yml"), (
        "generator/cookiecutter/cookiecutter.json is stale: run `python -m generator.docs`"
    )


def test_cookiecutter_asks_every_question_of_copier_yml_in_order():
    context = json.loads((FRONT_DOOR / "cookiecutter.json").read_text(encoding="utf-8"))
    asked = [key for key in context if not key.startswith("_")]
    questionnaire = Questionnaire(REPO / "copier.yml")
    typed = [q for q in questionnaire.questions if q.type != "yaml"]
    defaults = questionnaire.resolve({})
    assert asked == ["folder", *(q.key for q in typed)]
    for question in typed:
        if question.choices:  # copier's default first: cookiecutter's default
            assert context[question.key][0] == question.default
            assert sorted(context[question.key]) == sorted(question.choices.values())
            labels = context["__prompts__"][question.key]
            assert set(labels) - {"__prompt__"} == {str(v) for v in question.choices.values()}
        elif question.type == "bool":
            assert context[question.key] is defaults[question.key]


def cookiecutter_command() -> list[str]:
    """The cookiecutter installed beside this Python (the test extra)."""
    beside = Path(sys.executable).with_name("cookiecutter")
    return [str(beside)] if beside.exists() else [require_tool("cookiecutter")]


def generator_command() -> str:
    """The mlops-portfolio the front door's hook finds: the one beside this Python."""
    beside = Path(sys.executable).with_name("mlops-portfolio")
    if not beside.exists():
        message = f"{beside} is not installed (pip install . into this environment)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return str(beside)


def files_of(project: Path) -> dict[str, bytes]:
    """Every file of a project but git's own and the answers file."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
        and ".git" not in path.relative_to(project).parts
        and path.name != ".copier-answers.yml"
    }


@pytest.mark.slow
def test_cookiecutter_no_input_writes_what_new_defaults_writes(tmp_path):
    env = {**os.environ, **git_env(tmp_path / "home")}
    direct = tmp_path / "direct" / "my-mlops-project"
    run([generator_command(), "new", "--defaults", "--no-push", direct], env=env)
    (tmp_path / "front-door").mkdir()
    result = run(
        [*cookiecutter_command(), "--no-input", REPO, "--directory", "generator/cookiecutter"],
        cwd=tmp_path / "front-door",
        env=env,
    )
    through_cookiecutter = tmp_path / "front-door" / "my-mlops-project"
    assert "Created" in result.stdout
    expected, got = files_of(direct), files_of(through_cookiecutter)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    answers = [
        {
            k: v
            for k, v in yaml.safe_load((p / ".copier-answers.yml").read_text()).items()
            if not k.startswith("_")
        }
        for p in (direct, through_cookiecutter)
    ]
    assert answers[0] == answers[1]
    assert (through_cookiecutter / ".git").is_dir()  # the first commit, as `new` makes it


@pytest.mark.slow
def test_cookiecutter_answers_meet_the_same_rules(tmp_path):
    generator_command()
    env = {**os.environ, **git_env(tmp_path / "home")}
    result = run(
        [
            *cookiecutter_command(),
            "--no-input",
            REPO,
            "--directory",
            "generator/cookiecutter",
            "project_slug=Fraud_Radar",
        ],
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "error: project_slug: must start with a letter and use only a-z, 0-9" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "home"], "cookiecutter left its folder"


@pytest.mark.slow
def test_cookiecutter_without_mlops_portfolio_says_how_to_install_it(tmp_path):
    """cookiecutter alone (uvx, a fresh environment) and no mlops-portfolio on PATH."""
    uvx = Path(uv_bin()).with_name("uvx")
    command = [uvx] if uvx.exists() else [uv_bin(), "tool", "run"]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(
        git_env(tmp_path / "home"),
        PATH=f"/usr/bin{os.pathsep}/bin",
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
    )
    (tmp_path / "out").mkdir()
    result = run(
        [
            *command,
            "--isolated",
            "cookiecutter",
            "--no-input",
            REPO,
            "--directory",
            "generator/cookiecutter",
        ],
        cwd=tmp_path / "out",
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "writes the project with mlops-portfolio, which is not installed" in result.stderr
    assert "uv tool install mlops-portfolio" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_cookiecutter_reads_your_csv_from_where_you_typed_its_path(tmp_path):
    """The hook runs inside the new folder; `data_file=shop.csv` is the file beside the user."""
    rows = "\n".join(f"{i % 17},{i % 5},{'ab'[i % 2]},{(i % 17) * 2.5 + i % 5}" for i in range(80))
    (tmp_path / "shop.csv").write_text("visits,items,plan,spend\n" + rows + "\n")
    env = {**os.environ, **git_env(tmp_path / "home"), "PWD": str(tmp_path)}
    generator_command()
    run(
        [
            *cookiecutter_command(),
            "--no-input",
            REPO,
            "--directory",
            "generator/cookiecutter",
            "use_case=own_csv",
            "data_file=shop.csv",
            "target_column=spend",
        ],
        cwd=tmp_path,
        env=env,
    )
    project = tmp_path / "my-mlops-project"
    assert (project / "data" / "shop.csv").read_bytes() == (tmp_path / "shop.csv").read_bytes()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["target_column"] == "spend"
