"""copier.yml's questions: derived defaults and the rules of each answer."""

from __future__ import annotations

import pytest
import yaml

from generator.answers import load_answers_file
from generator.errors import AnswerError
from generator.questions import MISSING, Questionnaire, git_identity
from generator.template_source import template_root


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire(template_root() / "copier.yml")


def test_required_keys_are_defined(questionnaire):
    for key in ["project_name", "project_slug", "package_name", "description", "author_name",
                "author_email", "github_username", "python_version", "use_case",
                "cloud_provider", "license"]:
        assert key in questionnaire.keys


def test_defaults(questionnaire):
    answers = questionnaire.resolve({})
    assert answers["python_version"] == "3.12"
    assert answers["cloud_provider"] == "aws"
    assert answers["project_slug"] == "customer-churn-predictor"
    assert answers["package_name"] == "customer_churn_predictor"


@pytest.mark.parametrize(
    ("name", "slug", "package"),
    [
        ("My  Cool Project!", "my-cool-project", "my_cool_project"),
        ("  Fraud Detector 2 ", "fraud-detector-2", "fraud_detector_2"),
        ("Prédiction Churn", "pr-diction-churn", "pr_diction_churn"),
    ],
)
def test_slug_and_package_are_derived_from_the_name(questionnaire, name, slug, package):
    answers = questionnaire.resolve({"project_name": name})
    assert (answers["project_slug"], answers["package_name"]) == (slug, package)


def test_every_problem_is_reported_at_once(questionnaire):
    with pytest.raises(AnswerError) as caught:
        questionnaire.resolve({"author_email": "x", "cloud_provider": "ibm", "colour": "red"})
    keys = [problem.split(":")[0] for problem in caught.value.problems]
    assert sorted(keys) == ["author_email", "cloud_provider", "colour"]


def test_malformed_answers_file_is_reported(tmp_path):
    bad = tmp_path / "answers.yml"
    bad.write_text("project_name: [unclosed\n")
    with pytest.raises(AnswerError, match="not valid YAML"):
        load_answers_file(bad)


SECTIONS = ["About you", "Project", "ML", "Cloud & delivery", "Extras"]


def test_questions_are_grouped_in_the_five_sections_in_order(questionnaire):
    assert questionnaire.sections == SECTIONS
    for question in questionnaire.questions:
        assert question.section in SECTIONS, f"{question.key} is outside a section"


def test_every_question_has_a_one_line_help_a_default_and_a_rule(questionnaire):
    for question in questionnaire.questions:
        assert question.help and "\n" not in question.help.strip(), question.key
        assert len(question.help) <= 120, f"{question.key}: help is longer than one line"
        assert question.default is not MISSING, f"{question.key} has no default"
        assert question.choices or question.validator or question.type == "bool", question.key


@pytest.mark.parametrize(("cloud", "region"),
                         [("aws", "ap-south-1"), ("gcp", "asia-south1"), ("azure", "centralindia")])
def test_region_follows_the_cloud(questionnaire, cloud, region):
    assert questionnaire.resolve({"cloud_provider": cloud})["cloud_region"] == region


def test_region_is_not_asked_without_a_cloud(questionnaire):
    asked = []

    def ask(question, default, answers):
        asked.append(question.key)
        return default

    answers = questionnaire.resolve({"cloud_provider": "none"}, ask=ask)
    assert "cloud_region" not in answers
    assert "cloud_region" not in asked
    assert "cloud_provider" not in asked  # given answers are not asked again


def test_a_refused_given_answer_is_asked_again_at_a_terminal(questionnaire):
    asked = {}

    def ask(question, default, answers):
        asked[question.key] = default
        return "asha@example.in" if question.key == "author_email" else default

    answers = questionnaire.resolve({"author_email": "asha@"}, ask=ask)
    assert asked["author_email"] == "asha@"  # shown again, to correct
    assert answers["author_email"] == "asha@example.in"


def test_author_defaults_come_from_git_config():
    questionnaire = Questionnaire(template_root() / "copier.yml", environment={
        "_git_user_name": "Asha Rao", "_git_user_email": "asha@example.in",
        "_git_github_user": "asha-rao"})
    answers = questionnaire.resolve({})
    assert answers["author_name"] == "Asha Rao"
    assert answers["author_email"] == "asha@example.in"
    assert answers["github_username"] == "asha-rao"


def test_git_identity_reads_git_config(tmp_path, monkeypatch):
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Asha Rao\n\temail = asha@example.in\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert git_identity() == {"_git_user_name": "Asha Rao", "_git_user_email": "asha@example.in",
                              "_git_github_user": ""}


def test_the_longest_name_derives_a_valid_slug_and_package(questionnaire):
    answers = questionnaire.resolve({"project_name": "Very Long Project Name " * 2 + "Ab Cd Ef"})
    assert len(answers["project_slug"]) <= 50 and not answers["project_slug"].endswith("-")
    assert len(answers["package_name"]) <= 40


def test_plain_copier_renders_with_its_own_defaults(tmp_path):
    # copier.yml stays a plain copier file: no git-config variables, no section machinery.
    import warnings

    from copier import run_copy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(str(template_root()), str(tmp_path / "proj"), defaults=True, quiet=True,
                 vcs_ref="HEAD" if (template_root() / ".git").exists() else None)
    saved = yaml.safe_load((tmp_path / "proj" / ".copier-answers.yml").read_text())
    assert saved["author_name"] == "Your Name"
    assert saved["cloud_region"] == "ap-south-1"
