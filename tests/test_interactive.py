"""A person at a terminal: the real command in a pseudo-terminal, driven key by key."""

from __future__ import annotations

import os
import subprocess
import sys

import pexpect
import pytest
import yaml

from generator.questions import Questionnaire
from generator.template_source import template_root
from helpers import REPO, git_env

DOWN, ENTER, CTRL_U = "\x1b[B", "\r", "\x15"


def spawn(tmp_path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", "COLUMNS": "120",
           **git_env(tmp_path / "home")}
    env.pop("CI", None)  # some libraries change their output under CI
    child = pexpect.spawn(sys.executable, ["-m", "generator", *args], env=env, cwd=str(tmp_path),
                          encoding="utf-8", dimensions=(50, 120), timeout=60)
    child.logfile_read = (tmp_path / "terminal.log").open("w")
    return child


def type_text(child: pexpect.spawn, text: str) -> None:
    child.send(CTRL_U)  # clear the suggested default, as a person would
    for char in text:
        child.send(char)


def test_a_person_answers_with_typing_arrows_and_enter(tmp_path):
    questionnaire = Questionnaire(template_root() / "copier.yml")
    dest = tmp_path / "fraud-radar"
    child = spawn(tmp_path, "new", "--no-push", dest.name)
    typed = {"author_name": "Asha Rao", "author_email": "asha@example.in",
             "github_username": "asha-rao", "project_name": "Fraud Radar"}
    picked = {"use_case": "wine", "cloud_provider": "gcp"}
    answers: dict = {}
    try:
        for question in questionnaire.questions:
            if not questionnaire.applies(question, answers):
                continue
            child.expect_exact(question.title)
            default = questionnaire.default(question, answers)
            if question.section and question.key == next(
                    q.key for q in questionnaire.questions if q.section == question.section):
                assert question.section in child.before, "the section heading is shown"
            if question.key == "package_name":
                # The derived default is shown; a wrong answer is refused as it is typed...
                type_text(child, "class")
                child.expect("must not be a Python keyword")
                child.send(ENTER)
                with pytest.raises(pexpect.TIMEOUT):
                    child.expect_exact("Description", timeout=2)  # Enter did not take it
                # ...and corrected.
                type_text(child, "radar_lab")
                child.send(ENTER)
                answers[question.key] = "radar_lab"
            elif question.key in typed:
                type_text(child, typed[question.key])
                child.send(ENTER)
                answers[question.key] = typed[question.key]
            elif question.key in picked:
                values = list(question.choices.values())
                steps = values.index(picked[question.key]) - values.index(default)
                assert steps > 0
                child.send(DOWN * steps)
                child.send(ENTER)
                answers[question.key] = picked[question.key]
            else:
                child.send(ENTER)  # take the (derived) default
                answers[question.key] = default
        child.expect("Your answers")
        child.expect_exact("Create the project in")
        child.send("y")
        child.expect_exact("Rendered the template", timeout=120)  # progress
        child.expect_exact("Made the first git commit")
        child.expect_exact("radar_lab/")  # the tree of created files
        child.expect_exact("Makefile")
        child.expect_exact("Next steps:")
        for step in ["cd fraud-radar", "make setup", "make test"]:
            child.expect_exact(step)
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close()
    assert child.exitstatus == 0, (tmp_path / "terminal.log").read_text()

    saved = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert saved["author_name"] == "Asha Rao"
    assert saved["project_slug"] == "fraud-radar"  # derived from the typed name
    assert saved["package_name"] == "radar_lab"  # the corrected answer
    assert saved["use_case"] == "wine"
    assert saved["cloud_provider"] == "gcp"
    assert saved["cloud_region"] == "asia-south1"  # the follow-up, defaulted from the cloud
    assert "load_wine" in (dest / "src" / "radar_lab" / "dataset.yaml").read_text()
    log = subprocess.run(["git", "log", "--format=%an <%ae>"], cwd=dest, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert log == "Asha Rao <asha@example.in>"


def test_ctrl_c_at_a_prompt_cancels_and_writes_nothing(tmp_path):
    child = spawn(tmp_path, "new", "proj")
    try:
        child.expect_exact("Author name")
        child.sendintr()
        child.expect_exact("Cancelled; nothing was written.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert not (tmp_path / "proj").exists()


def take_defaults_until_the_summary(child, questionnaire, changes=None):
    answers: dict = {}
    for question in questionnaire.questions:
        if not questionnaire.applies(question, answers):
            continue
        child.expect_exact(question.title)
        if question.key in (changes or {}):
            type_text(child, changes[question.key])
            answers[question.key] = changes[question.key]
        else:
            answers[question.key] = questionnaire.default(question, answers)
        child.send(ENTER)
    child.expect_exact("Create the project in")


def test_saying_no_at_the_summary_goes_through_the_questions_again(tmp_path):
    questionnaire = Questionnaire(template_root() / "copier.yml")
    child = spawn(tmp_path, "new", "--no-git", "proj")
    try:
        take_defaults_until_the_summary(child, questionnaire,
                                        {"description": "Predicts churn for a telecom."})
        child.send("n")
        child.expect_exact("go through the questions again")
        # The changed description is now the default; the slug is derived afresh.
        take_defaults_until_the_summary(child, questionnaire, {"project_name": "Second Try"})
        child.send("y")
        child.expect(pexpect.EOF, timeout=120)
    finally:
        child.close()
    assert child.exitstatus == 0, (tmp_path / "terminal.log").read_text()
    saved = yaml.safe_load((tmp_path / "proj" / ".copier-answers.yml").read_text())
    assert saved["project_slug"] == "second-try"
    assert saved["description"] == "Predicts churn for a telecom."


def test_a_person_brings_their_own_csv_and_picks_the_target_from_its_columns(tmp_path):
    """The file is checked as typed; the target is picked from its columns, with the
    task each gives; a column that cannot be a target is refused and picked again;
    the profile is shown before anything is written."""
    rows = [f"{i},{(i * 7) % 13},{'ab'[i % 2]},{'yes' if (i * 7) % 13 > 6 else 'no'}"
            for i in range(120)]
    (tmp_path / "sales.csv").write_text("id,visits,plan,bought\n" + "\n".join(rows) + "\n")
    questionnaire = Questionnaire(template_root() / "copier.yml")
    dest = tmp_path / "my-sales"
    child = spawn(tmp_path, "new", "--no-push", dest.name)
    answers: dict = {}
    try:
        for question in questionnaire.questions:
            if not questionnaire.applies(question, answers) or question.key == "data_spec":
                continue
            child.expect_exact(question.title)
            default = questionnaire.default(question, answers)
            if question.key == "use_case":
                values = list(question.choices.values())
                child.send(DOWN * (values.index("own_csv") - values.index(default)))
                child.send(ENTER)
                answers["use_case"] = "own_csv"
            elif question.key == "data_file":
                type_text(child, "sales.xlsx")
                child.expect("no such file")
                type_text(child, "sales.csv")
                child.send(ENTER)
                answers["data_file"] = "sales.csv"
            elif question.key == "target_column":
                child.expect_exact("visits (regression)")  # the task each column gives
                child.expect_exact("bought (binary, 2 classes)")
                child.send(ENTER)  # the first column, id: a row number
                child.expect("counts the rows")
                child.send(DOWN * 3 + ENTER)
                answers["target_column"] = "bought"
            else:
                child.send(ENTER)
                answers[question.key] = default
        child.expect_exact("sales.csv: 120 rows, 4 columns")  # the profile, before writing
        child.expect_exact("a row number")
        child.expect("Your answers")
        child.expect_exact("Create the project in")
        child.send("y")
        child.expect(pexpect.EOF, timeout=120)
    finally:
        child.close()
    assert child.exitstatus == 0, (tmp_path / "terminal.log").read_text()
    assert (dest / "data" / "sales.csv").read_bytes() == (tmp_path / "sales.csv").read_bytes()
    spec = yaml.safe_load(next((dest / "src").glob("*/dataset.yaml")).read_text())
    assert spec["task"] == "binary"
    assert [f["name"] for f in spec["features"]] == ["visits", "plan"]
    saved = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert saved["target_column"] == "bought"
    assert saved["data_spec"]["target"]["classes"] == {0: "no", 1: "yes"}
