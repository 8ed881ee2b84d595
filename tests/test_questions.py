"""copier.yml's questions: derived defaults and the rules of each answer."""

from __future__ import annotations

import pytest

from generator.questions import AnswerError, Questionnaire, load_answers_file
from generator.render import template_root


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
