"""`mlops-portfolio check`: each exercise fails on an untouched project and passes once done.

The fast tests do each exercise alone in a copy of one generated project (a
learner's edits, written here), and half of it, and check the outcome and
the hint. The slow test does all of them the way a learner does, in one
project with its own virtualenv: the new tests must pass under `make test`,
training must really fail the stricter gate and then pass it, and drift
comes from real traffic to a real server through `make monitor`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.exercises import EXERCISES, Project, check
from helpers import Server, cli, free_port, generate, project_env, require_tool, run, wait_http

PACKAGE = "customer_churn_predictor"
FEATURES = f"src/{PACKAGE}/training/features.py"
ROUTES = f"src/{PACKAGE}/serving/routes.py"
DIGEST = "@sha256:" + "0123456789abcdef" * 4  # checked for its form only: no registry here


# -- a learner's edits, one function per exercise ----------------------------------------
def append(project: Path, relpath: str, text: str) -> None:
    path = project / relpath
    path.write_text(path.read_text() + text)


def add_feature(project: Path) -> None:
    append(
        project,
        FEATURES,
        "\n\ndef with_charges_per_month(frame):\n"
        '    """Add charges_per_month: what a customer paid per month of tenure so far."""\n'
        "    frame = frame.copy()\n"
        '    frame["charges_per_month"] = frame["total_charges"] / (frame["tenure_months"] + 1)\n'
        "    return frame\n",
    )


def add_feature_test(project: Path) -> None:
    (project / "tests" / "test_features.py").write_text(
        "import pandas as pd\n\n"
        f"from {PACKAGE}.training.features import with_charges_per_month\n\n\n"
        "def test_charges_per_month_divides_by_the_months_plus_one():\n"
        '    frame = pd.DataFrame({"total_charges": [100.0], "tenure_months": [3]})\n'
        '    assert with_charges_per_month(frame)["charges_per_month"].tolist() == [25.0]\n'
    )


def raise_gate(project: Path, roc_auc_min: float) -> None:
    params = project / "params.yaml"
    text, count = re.subn(
        r"roc_auc: \{ min: [0-9.]+ \}", f"roc_auc: {{ min: {roc_auc_min} }}", params.read_text()
    )
    assert count == 1
    params.write_text(text)


def trained_with_current_gate(project: Path) -> None:
    """models/metadata.json as training writes it, for the gate in params.yaml (fast tests)."""
    gate = yaml.safe_load((project / "params.yaml").read_text())["quality_gate"]
    (project / "models").mkdir(exist_ok=True)
    metadata = {"params": {"quality_gate": gate}, "metrics": {"roc_auc": 0.9}}
    (project / "models" / "metadata.json").write_text(json.dumps(metadata))


def stricter_gate(project: Path) -> None:
    raise_gate(project, 0.8)
    trained_with_current_gate(project)


def edit_yaml(project: Path, relpath: str, change) -> None:
    path = project / relpath
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def python_matrix(project: Path) -> None:
    def change(workflow):
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/setup-python"):
                    job["strategy"] = {"matrix": {"python-version": ["3.11", "3.12"]}}
                    step["with"]["python-version"] = "${{ matrix.python-version }}"
                    return

    edit_yaml(project, ".github/workflows/ci.yml", change)


def pre_commit_hook(project: Path) -> None:
    def change(config):
        config["repos"][0]["hooks"].append(
            {
                "id": "check-case-conflict",
                "name": "check for files whose names differ only in case",
                "entry": ".venv/bin/check-case-conflict",
                "language": "system",
            }
        )

    edit_yaml(project, ".pre-commit-config.yaml", change)


def add_route(project: Path) -> None:
    append(
        project,
        ROUTES,
        '\n\n@api.get("/version")\n'
        "def model_version() -> Response:\n"
        '    """The loaded model\'s version alone: a quick look at what is deployed."""\n'
        "    return jsonify(model_version=loaded_predictor().version)\n",
    )


def add_route_test(project: Path) -> None:
    append(
        project,
        "tests/test_api.py",
        "\n\ndef test_version_names_the_loaded_model(client):\n"
        '    response = client.get("/version")\n'
        "    assert response.status_code == 200\n"
        '    expected = client.get("/model").get_json()["model_version"]\n'
        '    assert response.get_json() == {"model_version": expected}\n',
    )


def describe_route(project: Path) -> None:
    """The route's entry in the OpenAPI document (the project's tests require one)."""
    openapi = project / f"src/{PACKAGE}/serving/openapi.py"
    version = {"type": "object", "properties": {"model_version": {"type": "string"}}}
    answer = {
        "description": "The version alone.",
        "content": {"application/json": {"schema": version}},
    }
    route = f'"/version": get_operation("version", "The model version", {{"200": {answer!r}}}),\n'
    text = openapi.read_text().replace(
        '"/metrics": get_operation(', route + '"/metrics": get_operation(', 1
    )
    openapi.write_text(text)


def route_with_test(project: Path) -> None:
    add_route(project)
    describe_route(project)
    add_route_test(project)


def bad_request_test(project: Path) -> None:
    append(
        project,
        "tests/test_api.py",
        "\n\ndef test_a_body_that_is_not_json_is_a_400(client):\n"
        '    response = client.post("/predict", data="churn?", content_type="application/json")\n'
        "    assert response.status_code == 400\n"
        '    assert list(response.get_json()) == ["error"]\n',
    )


def pin_base_images(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    text = re.sub(
        r"^(FROM\s+)(ghcr\.io/\S+|python:\S+)",
        lambda m: m.group(1) + m.group(2) + DIGEST,
        dockerfile.read_text(),
        flags=re.M,
    )
    dockerfile.write_text(text)


def source_label(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    url = "https://github.com/your-github-username/customer-churn-predictor"
    text, count = re.subn(
        r"^(FROM deps AS runtime\n)",
        rf'\1LABEL org.opencontainers.image.source="{url}"\n',
        dockerfile.read_text(),
        flags=re.M,
    )
    assert count == 1
    dockerfile.write_text(text)


NOTES_ON_DRIFT = (
    "\n## Drift\n\nI shifted monthly_charges by one standard deviation with `make "
    "simulate-traffic` and `make monitor` flagged it: its PSI went far over the 0.2 threshold "
    "and the KS test's p-value was tiny, so the logged requests no longer look like the "
    "training data. In production I would check whether prices changed before retraining.\n"
)


def drift_report(project: Path) -> None:
    """reports/drift/summary.json as `make monitor` writes it after drift (fast tests)."""
    (project / "reports" / "drift").mkdir(parents=True, exist_ok=True)
    summary = {"drift": True, "drifted": ["monthly_charges"]}
    (project / "reports" / "drift" / "summary.json").write_text(json.dumps(summary))


def drift_explained(project: Path) -> None:
    drift_report(project)
    notes = project / "docs" / "my-notes.md"
    notes.write_text((notes.read_text() if notes.exists() else "# My notes\n") + NOTES_ON_DRIFT)


def disruption_budget(project: Path) -> None:
    (project / "k8s" / "pdb.yaml").write_text(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n"
        "  name: customer-churn-predictor\nspec:\n  minAvailable: 1\n  selector:\n"
        "    matchLabels:\n      app.kubernetes.io/name: customer-churn-predictor\n"
    )


DONE = {
    "feature-with-test": lambda p: (add_feature(p), add_feature_test(p)),
    "stricter-gate": stricter_gate,
    "python-matrix": python_matrix,
    "pre-commit-hook": pre_commit_hook,
    "route-with-test": route_with_test,
    "bad-request-test": bad_request_test,
    "pinned-base-images": pin_base_images,
    "source-label": source_label,
    "drift-explained": drift_explained,
    "disruption-budget": disruption_budget,
}


# -- fast: each exercise alone -----------------------------------------------------------
@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """An untouched project with Kubernetes files, in git (its first commit is the baseline)."""
    require_tool("git")
    return generate(tmp_path_factory.mktemp("fresh") / "proj", git=True, include_kubernetes="true")


@pytest.fixture()
def project(fresh, tmp_path) -> Path:
    copy = tmp_path / "proj"
    shutil.copytree(fresh, copy, symlinks=True)
    return copy


def outcomes(project: Path) -> dict[str, tuple[str, str]]:
    return {o.exercise.id: (o.status, o.hint) for o in check(Project(project))}


def test_every_exercise_has_a_done_case():
    assert set(DONE) == {exercise.id for exercise in EXERCISES}


def test_an_untouched_project_passes_none_and_check_exits_1(fresh):
    result = cli("check", "--json", fresh)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["passed"], report["total"]) == (0, len(EXERCISES))
    for row in report["exercises"]:
        assert row["status"] == "open" and row["hint"], row


@pytest.mark.parametrize("done", sorted(DONE))
def test_doing_an_exercise_passes_it_and_only_it(project, done):
    DONE[done](project)
    found = outcomes(project)
    assert found.pop(done) == ("passed", "")
    assert {status for status, _ in found.values()} == {"open"}


def test_uncommitted_work_counts_and_committed_work_too(project):
    pre_commit_hook(project)
    assert outcomes(project)["pre-commit-hook"][0] == "passed"
    run(["git", "add", "-A"], cwd=project)
    run(
        ["git", "-c", "user.name=L", "-c", "user.email=l@example.com", "commit", "-qm", "hook"],
        cwd=project,
    )
    assert outcomes(project)["pre-commit-hook"][0] == "passed"


# -- fast: half done, each with the hint that says what is missing -----------------------
def test_a_feature_without_a_test_names_the_feature_to_test(project):
    add_feature(project)
    status, hint = outcomes(project)["feature-with-test"]
    assert status == "open"
    assert "write a test" in hint and "charges_per_month" in hint


def test_a_comment_in_features_is_not_a_feature(project):
    append(project, FEATURES, "\n# TODO: a feature\n\n")
    status, hint = outcomes(project)["feature-with-test"]
    assert hint.endswith("is as `new` wrote it: add a feature there (a column from others)")


def test_a_stricter_gate_needs_a_model_trained_with_it(project):
    raise_gate(project, 0.8)
    assert "no trained model: run `make train`" in outcomes(project)["stricter-gate"][1]
    trained_with_current_gate(project)
    raise_gate(project, 0.81)  # trained with 0.8, the gate says 0.81 now
    assert "trained with another quality gate" in outcomes(project)["stricter-gate"][1]


def test_a_looser_gate_is_not_stricter(project):
    raise_gate(project, 0.5)
    trained_with_current_gate(project)
    assert "raise a `min`" in outcomes(project)["stricter-gate"][1]


def test_a_matrix_the_steps_do_not_use_does_not_count(project):
    def change(workflow):
        next(iter(workflow["jobs"].values()))["strategy"] = {
            "matrix": {"python-version": ["3.11", "3.12"]}
        }

    edit_yaml(project, ".github/workflows/ci.yml", change)
    assert outcomes(project)["python-matrix"][0] == "open"


def test_a_route_not_in_the_openapi_document_is_named(project):
    add_route(project)
    assert outcomes(project)["route-with-test"] == (
        "open",
        "describe /version in serving/openapi.py: /openapi.json and /docs list every route",
    )


def test_a_route_without_a_test_names_the_route(project):
    add_route(project)
    describe_route(project)
    status, hint = outcomes(project)["route-with-test"]
    assert (status, hint) == ("open", "write a test that calls /version and checks its answer")


def test_one_unpinned_base_image_is_named(project):
    pin_base_images(project)
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(re.sub(r"(FROM python:\S+?)@sha256:\w+", r"\1", dockerfile.read_text()))
    status, hint = outcomes(project)["pinned-base-images"]
    assert status == "open"
    assert hint.startswith("pin python:") and "ghcr.io" not in hint


def test_drift_without_notes_asks_for_them_naming_the_column(project):
    drift_report(project)
    status, hint = outcomes(project)["drift-explained"]
    assert status == "open"
    assert "docs/my-notes.md" in hint and "monthly_charges" in hint


def test_notes_that_do_not_name_the_drifted_column_do_not_count(project):
    drift_explained(project)
    notes = project / "docs" / "my-notes.md"
    notes.write_text(notes.read_text().replace("monthly_charges", "a price column"))
    assert outcomes(project)["drift-explained"][0] == "open"


def test_a_budget_selecting_other_pods_does_not_count(project):
    disruption_budget(project)
    pdb = project / "k8s" / "pdb.yaml"
    pdb.write_text(pdb.read_text().replace("name: customer-churn-predictor\n", "name: other\n"))
    assert outcomes(project)["disruption-budget"][0] == "open"


# -- fast: what check refuses ------------------------------------------------------------
def test_without_kubernetes_its_exercise_is_not_counted(tmp_path):
    plain = generate(tmp_path / "plain", git=True)
    report = json.loads(cli("check", "--json", plain).stdout)
    assert report["total"] == len(EXERCISES) - 1
    (row,) = [r for r in report["exercises"] if r["id"] == "disruption-budget"]
    assert row["status"] == "not in this project"


def test_a_folder_that_is_not_a_project_is_exit_2(tmp_path):
    result = cli("check", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {tmp_path}: not a project made by mlops-portfolio (no .copier-answers.yml)"
    )


def test_a_project_without_git_history_is_exit_2(fresh, tmp_path):
    copy = tmp_path / "nogit"
    shutil.copytree(fresh, copy, ignore=shutil.ignore_patterns(".git"))
    result = cli("check", copy)
    assert result.returncode == 2
    assert "has no git history; the exercises compare your work" in result.stderr
    assert "Traceback" not in result.stderr


# -- slow: every exercise as a learner does it -------------------------------------------
@pytest.mark.slow
def test_a_learner_doing_every_exercise_passes_them_all(tmp_path, envs_dir):
    require_tool("make")
    project = generate(tmp_path / "proj", git=True, include_kubernetes="true")
    venv = project_env(project, envs_dir)
    env = {"VENV": str(venv), "OMP_NUM_THREADS": "1"}
    make_env = {**os.environ, **env}

    def make(*args, check=True):
        return run(["make", *args], cwd=project, env=make_env, check=check)

    for edit in (
        add_feature,
        add_feature_test,
        python_matrix,
        pre_commit_hook,
        route_with_test,
        bad_request_test,
        pin_base_images,
        source_label,
        disruption_budget,
    ):
        edit(project)
    make("train")
    reached = json.loads((project / "models" / "metadata.json").read_text())["metrics"]["roc_auc"]

    raise_gate(project, 0.99)  # out of reach: training stops and keeps the old model
    failed = make("train", check=False)
    assert failed.returncode != 0 and "quality gate failed" in failed.stderr
    assert "trained with another quality gate" in outcomes(project)["stricter-gate"][1]
    raise_gate(project, round(reached - 0.005, 3))  # stricter than 0.78, and reached
    make("train")

    make("format")  # as a learner would before committing
    make("lint")  # what CI runs first: the learner's code is clean too
    tested = make("test")
    assert " passed" in tested.stdout and "failed" not in tested.stdout

    port = free_port()
    server = Server(["make", "serve", f"PORT={port}"], cwd=project, env=make_env)
    try:
        wait_http(f"http://127.0.0.1:{port}/ready", timeout=120)
        make("simulate-traffic", f"PORT={port}", "REQUESTS=300", "SHIFT=monthly_charges=1std")
    finally:
        server.stop()
    monitored = make("monitor", check=False)
    assert monitored.returncode == 2, monitored.stdout + monitored.stderr  # 2: drift found
    drifted = json.loads((project / "reports" / "drift" / "summary.json").read_text())["drifted"]
    assert "monthly_charges" in drifted
    notes = project / "docs" / "my-notes.md"
    notes.write_text((notes.read_text() if notes.exists() else "") + NOTES_ON_DRIFT)

    result = cli("check", project)
    assert result.returncode == 0, result.stdout
    assert f"Exercises: {len(EXERCISES)} of {len(EXERCISES)} passed" in result.stdout
