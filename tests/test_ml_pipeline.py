"""The generated ML pipeline, run as a user runs it: `make train`, `make test`, `dvc repro`.

Every use case shares one virtualenv (same dependencies); the MLflow + DVC
project gets its own. Training is pinned to one thread (OMP_NUM_THREADS=1):
on CI's 2 shared cores that is faster than OpenMP threads fighting for them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import Server, free_port, generate, project_env, require_tool, run, wait_http

USE_CASES = ["churn", "breast_cancer", "wine", "diabetes"]


def make_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "MLFLOW_TRACKING_URI"}}
    return {**env, "OMP_NUM_THREADS": "1", "VENV": str(venv)}


def make(project: Path, venv: Path, *targets: str, check: bool = True):
    return run(["make", *targets], cwd=project, env=make_env(venv), check=check)


def metadata_of(project: Path) -> dict:
    return json.loads((project / "models" / "metadata.json").read_text())


# ---------------------------------------------------------------- fast: every combination lints


@pytest.mark.parametrize("use_case", USE_CASES)
@pytest.mark.parametrize("options", ["none", "mlflow+dvc"])
def test_every_combination_passes_ruff(tmp_path, use_case, options):
    ruff = require_tool("ruff")
    extra = {"experiment_tracking": "mlflow", "data_versioning": "dvc"} if "+" in options else {}
    project = generate(tmp_path / "p", use_case=use_case, **extra)
    run([ruff, "check", "--no-cache", "."], cwd=project)
    run([ruff, "format", "--check", "--no-cache", "."], cwd=project)


def test_options_show_in_the_file_tree(tmp_path):
    plain = generate(tmp_path / "plain")
    full = generate(tmp_path / "full", experiment_tracking="mlflow", data_versioning="dvc")
    package = "customer_churn_predictor"
    for path in ["dvc.yaml", ".dvc/config", ".dvcignore", f"src/{package}/training/tracking.py"]:
        assert not (plain / path).exists(), path
        assert (full / path).is_file(), path
    plain_deps = (plain / "pyproject.toml").read_text()
    assert "mlflow" not in plain_deps and "dvc" not in plain_deps
    assert "mlflow-ui:" in (full / "Makefile").read_text()
    assert "mlflow-ui:" not in (plain / "Makefile").read_text()


# ---------------------------------------------------------------- slow: each use case end to end


@pytest.fixture(scope="module")
def project_for(tmp_path_factory, envs_dir):
    """Generate (once per use case) a project and its shared virtualenv."""
    require_tool("make")
    made: dict[str, Path] = {}

    def get(use_case: str) -> tuple[Path, Path]:
        if use_case not in made:
            made[use_case] = generate(tmp_path_factory.mktemp(use_case) / "proj", use_case=use_case)
        # Every use case has the same package name and shares one venv, so the
        # editable install is pointed at this project again before each use.
        project = made[use_case]
        return project, project_env(project, envs_dir)

    return get


@pytest.mark.slow
@pytest.mark.parametrize("use_case", USE_CASES)
def test_make_train_is_reproducible_and_make_test_passes(project_for, use_case):
    project, venv = project_for(use_case)
    make(project, venv, "train")
    assert (project / "models" / "model.skops").is_file()
    first = metadata_of(project)
    for key in [
        "model_version",
        "trained_at",
        "git_commit",
        "metrics",
        "features",
        "data",
        "params",
        "library_versions",
    ]:
        assert key in first, key
    assert first["data"]["fingerprint"]
    card = (project / "docs" / "model-card.md").read_text()
    assert first["model_version"] in card and "## Metrics" in card

    make(project, venv, "train")
    second = metadata_of(project)
    assert second["metrics"] == first["metrics"]
    assert second["model_version"] == first["model_version"]

    tested = make(project, venv, "test")
    assert re.search(r"\d+ passed", tested.stdout) and "failed" not in tested.stdout


@pytest.mark.slow
@pytest.mark.parametrize("use_case", USE_CASES)
def test_quality_gate_fails_training_above_what_the_model_reaches(project_for, use_case):
    project, venv = project_for(use_case)
    params = project / "params.yaml"
    original = params.read_text()
    gate = re.search(r"^quality_gate:\n  (\w+): \{ (min|max): ([\d.]+) \}", original, re.M)
    metric, bound = gate.group(1), gate.group(2)
    if not (project / "models" / "metadata.json").exists():
        make(project, venv, "train")
    reached = metadata_of(project)["metrics"][metric]
    impossible = reached + 0.01 if bound == "min" else reached - 0.01
    params.write_text(
        original.replace(
            gate.group(0),
            gate.group(0).replace(f"{bound}: {gate.group(3)}", f"{bound}: {impossible:.4f}"),
        )
    )
    try:
        result = make(project, venv, "train", check=False)
    finally:
        params.write_text(original)
    assert result.returncode != 0
    assert f"training stopped: quality gate failed: {metric}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "problem, expected",
    [
        ("missing_column", "missing column(s): tenure_months"),
        ("text_in_number", "column 'monthly_charges' must be numeric, found 'lots' in row 2"),
        ("empty_file", "bad.csv is empty"),
    ],
)
def test_bad_training_data_stops_with_a_message(project_for, problem, expected):
    project, venv = project_for("churn")
    if not (project / "data" / "dataset.csv").exists():
        make(project, venv, "data")
    lines = (project / "data" / "dataset.csv").read_text().splitlines()
    header = lines[0].split(",")
    if problem == "missing_column":
        keep = [i for i, name in enumerate(header) if name != "tenure_months"]
        lines = [",".join(line.split(",")[i] for i in keep) for line in lines]
    elif problem == "text_in_number":
        row = lines[2].split(",")
        row[header.index("monthly_charges")] = "lots"
        lines[2] = ",".join(row)
    else:
        lines = []
    (project / "bad.csv").write_text("\n".join(lines))
    result = make(project, venv, "train", "DATA=bad.csv", check=False)
    assert result.returncode != 0
    assert f"training stopped: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- slow: MLflow and DVC


@pytest.fixture(scope="module")
def tracked_project(tmp_path_factory, envs_dir):
    """One churn project with both options, in a git repository (DVC needs one)."""
    require_tool("make")
    require_tool("git")
    project = generate(
        tmp_path_factory.mktemp("tracked") / "proj",
        git=True,
        experiment_tracking="mlflow",
        data_versioning="dvc",
    )
    return project, project_env(project, envs_dir)


@pytest.mark.slow
def test_mlflow_run_with_params_and_metrics_after_make_train(tracked_project):
    project, venv = tracked_project
    make(project, venv, "train")
    assert (project / "mlruns" / "mlflow.db").is_file()
    query = (
        "import json, mlflow\n"
        "mlflow.set_tracking_uri('sqlite:///mlruns/mlflow.db')\n"
        "runs = mlflow.search_runs(experiment_names=['customer-churn-predictor'],"
        " output_format='list')\n"
        "print(json.dumps([{'params': r.data.params, 'metrics': r.data.metrics,"
        " 'tags': r.data.tags} for r in runs]))\n"
    )
    found = run([venv / "bin" / "python", "-c", query], cwd=project, env=make_env(venv))
    (logged,) = json.loads(found.stdout.strip().splitlines()[-1])
    metadata = metadata_of(project)
    learning_rate = metadata["params"]["model"]["learning_rate"]
    assert logged["params"]["model.learning_rate"] == str(learning_rate)
    assert logged["metrics"]["roc_auc"] == pytest.approx(metadata["metrics"]["roc_auc"])
    assert logged["tags"]["model_version"] == metadata["model_version"]
    assert logged["tags"]["quality_gate"] == "passed"
    tested = make(project, venv, "test")  # includes the project's own tracking tests
    assert "failed" not in tested.stdout


@pytest.mark.slow
def test_make_mlflow_ui_serves_beside_the_gunicorn_the_service_needs(tracked_project):
    """MLflow caps gunicorn below 27; the project lifts the cap (uv override) for the service.

    The UI must still start: it runs on uvicorn, not gunicorn.
    """
    project, venv = tracked_project
    gunicorn = run(
        [venv / "bin" / "python", "-c", "import gunicorn; print(gunicorn.__version__)"],
        cwd=project,
    ).stdout.strip()
    assert int(gunicorn.split(".")[0]) >= 27, gunicorn
    port = free_port()
    server = Server(["make", "mlflow-ui", f"MLFLOW_PORT={port}"], cwd=project, env=make_env(venv))
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=90)
    finally:
        server.stop()
    assert "Traceback" not in server.output()


@pytest.mark.slow
def test_dvc_repro_runs_the_pipeline(tracked_project):
    project, venv = tracked_project
    dvc = venv / "bin" / "dvc"
    env = make_env(venv)
    # The pipeline's outputs; data/churn.csv is its committed input.
    shutil.rmtree(project / "models", ignore_errors=True)
    (project / "data" / "dataset.csv").unlink(missing_ok=True)
    first = run([dvc, "repro"], cwd=project, env=env)
    output = first.stdout + first.stderr
    assert "Running stage 'data'" in output and "Running stage 'train'" in output
    assert (project / "data" / "dataset.csv").is_file()
    assert (project / "models" / "model.skops").is_file()
    assert metadata_of(project)["data"]["source"] == "data/dataset.csv"
    lock = (project / "dvc.lock").read_text()
    assert "make train DATA=data/dataset.csv" in lock
    again = run([dvc, "repro"], cwd=project, env=env)
    assert "Running stage" not in again.stdout + again.stderr  # nothing changed, nothing reruns
