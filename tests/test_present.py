"""`mlops-portfolio present`: private interview notes with the project's real metrics.

Fast: a rendered project plus a `models/metadata.json` with exactly the fields
the template's registry.py writes (its ModelMetadata dataclass, read from the
source, so the sample cannot drift from the owner of the format). The slow
run on a really trained project is in tests/test_doc_commands.py.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from test_option_docs import DEFAULT, EVERYTHING, missing_paths

from helpers import REPO, cli

REGISTRY = REPO / "template" / "src" / "{{package_name}}" / "registry.py"


def dataclass_fields(source: Path, name: str) -> list[str]:
    """The field names of dataclass `name` in `source`, in order."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
    return [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)]


def metadata(task: str = "binary", metrics: dict | None = None) -> dict:
    """A metadata.json as registry.save writes it (ModelMetadata.to_dict)."""
    data = {
        "source": "the bundled data",
        "fingerprint": "f1e2d3",
        "dropped_rows": 0,
        "rows": {"train": 600, "validation": 200, "test": 200},
    }
    value = {
        "model_version": "abc123def456",
        "trained_at": "2026-12-01T10:00:00+00:00",
        "git_commit": "0123abc",
        "task": task,
        "target": "churned",
        "class_names": {"0": "stays", "1": "churns"},
        "threshold": 0.41,
        "metrics": metrics
        or {"accuracy": 0.8123, "recall": 0.61234, "roc_auc": 0.84321, "pr_auc": 0.6},
        "features": {},
        "target_quartiles": None,
        "data": data,
        "params": {"seed": 42},
        "library_versions": {"scikit-learn": "1.7.2"},
        "baseline_metrics": {"accuracy": 0.79},
        "ignored_columns": [],
    }
    assert list(value) == dataclass_fields(REGISTRY, "ModelMetadata")
    assert sorted(data) == sorted(dataclass_fields(REGISTRY, "DataInfo"))
    return value


def trained(project: Path, tmp_path: Path, **kwargs) -> Path:
    """A copy of `project` with models/metadata.json written as `make train` writes it."""
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    (copy / "models").mkdir()
    (copy / "models" / "metadata.json").write_text(
        json.dumps(metadata(**kwargs), indent=2) + "\n", encoding="utf-8"
    )
    return copy


def section(notes: str, heading: str) -> str:
    """The text after the `**N. heading**` line, up to the next bold question."""
    start = notes.index(heading)
    rest = notes[start + len(heading) :]
    following = re.search(r"^\*\*", rest, re.M)
    return rest[: following.start()] if following else rest


def test_present_prints_the_real_metrics(generated, tmp_path):
    project = trained(generated(**DEFAULT), tmp_path)
    result = cli("present", project)
    assert result.returncode == 0, result.stderr
    notes = result.stdout
    assert "ROC-AUC 0.843 and Recall 0.612 on 200 held-out test rows" in notes
    assert "`abc123def456`" in notes
    assert "## Resume bullet points" in notes and "## Interview questions" in notes
    # Every repository file the notes name is in the project.
    assert missing_paths(project, notes) == []
    # Reading the template's report.py leaves no bytecode in the template `new` copies.
    assert not (REPO / "template" / "scripts" / "__pycache__").exists()


def test_present_in_the_current_directory_and_for_regression(generated, tmp_path):
    project = trained(
        generated(cloud_provider="none", use_case="diabetes"),
        tmp_path,
        task="regression",
        metrics={"mae": 43.2512, "rmse": 54.0, "r2": 0.4871},
    )
    result = cli("present", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "R² 0.487 and Mean absolute error 43.251" in result.stdout
    assert "regression ML service" in result.stdout


def test_what_to_add_next_names_only_what_is_not_there(generated, tmp_path):
    default = cli("present", trained(generated(**DEFAULT), tmp_path / "a")).stdout
    everything = cli("present", trained(generated(**EVERYTHING), tmp_path / "b")).stdout
    default_next = section(default, "What would you add next?**")
    everything_next = section(everything, "What would you add next?**")
    for named in ("MLflow", "DVC", "Kubernetes"):
        assert named in default_next, named
        assert named not in everything_next, named
    assert "real outcomes" in everything_next  # not built by any option
    assert "deployment" not in default_next  # aws: the deploy workflow is there
    # The parts that are there get their own questions and bullets.
    assert "`k8s/deployment.yaml`" in everything and "k8s/" not in default
    assert "Jenkinsfile" in everything and "Jenkinsfile" not in default
    assert "MLflow" in everything.split("## Interview questions")[0]


def test_no_model_answer_is_in_any_generated_file(generated, tmp_path):
    """The answers `present` prints appear nowhere in the repository it describes."""
    for name, answers in (("default", DEFAULT), ("everything", EVERYTHING)):
        project = trained(generated(**answers), tmp_path / name)
        notes = cli("present", project).stdout
        answers_text = notes.split("## Interview questions")[1]
        sentences = [
            line.strip()
            for line in answers_text.splitlines()
            if len(line.strip()) > 50 and not line.startswith(("**", "#", "-"))
        ]
        bullets = re.findall(r"^- (.{40,})$", notes.split("## Interview questions")[0], re.M)
        assert len(sentences) >= 20 and len(bullets) >= 4
        found = []
        for path in project.rglob("*"):
            if not path.is_file() or "models" in path.parts:
                continue
            try:
                text = " ".join(path.read_text(encoding="utf-8").split())
            except UnicodeDecodeError:
                continue
            for line in sentences + bullets:
                if " ".join(line.split()) in text:
                    found.append(f"{path.relative_to(project)}: {line[:60]}")
        assert found == [], found


def test_present_outside_a_project_exits_2(tmp_path):
    result = cli("present", tmp_path)
    assert result.returncode == 2
    assert "not a project made by mlops-portfolio" in result.stderr
    assert ".copier-answers.yml" in result.stderr and "Traceback" not in result.stderr


def test_present_before_training_exits_2_and_says_what_to_run(generated):
    result = cli("present", generated(**DEFAULT))
    assert result.returncode == 2
    assert "models/metadata.json not found" in result.stderr
    assert "make train" in result.stderr


@pytest.mark.parametrize(
    "content, says",
    [
        ("{not json", "cannot be read"),
        ('{"task": "binary", "metrics": {"recall": 0.5}}', "has no model_version"),
        (
            '{"task": "binary", "model_version": "x", "metrics": {"recall": "high"}}',
            "not a table of numbers",
        ),
        ("[1, 2]", "has no model_version, task, metrics"),
    ],
)
def test_present_with_a_broken_metadata_file_exits_2(generated, tmp_path, content, says):
    project = trained(generated(**DEFAULT), tmp_path)
    (project / "models" / "metadata.json").write_text(content, encoding="utf-8")
    result = cli("present", project)
    assert result.returncode == 2, result.stdout
    assert says in result.stderr and "make train" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_present():
    assert "present" in cli("--help").stdout
    result = cli("present", "--help")
    assert result.returncode == 0 and "PATH" in result.stdout


def test_present_and_roadmap_read_an_own_data_projects_answers(tmp_path):
    """An own-data project records its profile (data_spec); both commands take it as
    recorded, so they name the project's own package, not the defaults'."""
    from helpers import generate

    rows = ["temp,humidity,rain"] + [
        f"{10 + i % 20},{30 + (i * 7) % 70},{'yes' if (i * 7) % 70 > 35 else 'no'}"
        for i in range(120)
    ]
    csv = tmp_path / "weather.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    project = generate(tmp_path / "proj", "--data", str(csv), "--target", "rain")
    project = trained(project, tmp_path / "trained")
    notes = cli("present", project)
    assert notes.returncode == 0, notes.stderr
    assert "`src/weather_predictor/predictor.py`" in notes.stdout
    assert missing_paths(project, notes.stdout) == []
    roadmap = cli("roadmap", cwd=project, env_extra={"COLUMNS": "300"})
    assert roadmap.returncode == 0, roadmap.stderr
    assert "src/weather_predictor/training/data.py" in roadmap.stdout
    assert "customer_churn" not in roadmap.stdout
