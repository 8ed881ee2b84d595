"""A use case is one spec file plus one choice in copier.yml, and the layout rules hold.

The slow test adds a fifth use case (scikit-learn's iris flowers) to a
temporary copy of the template, exactly as docs/developing.md tells a
contributor to, then generates, trains and tests it. The fast tests run the
generated project's own tests/test_layout.py (standard library + pytest
only) on the default project, and on copies with a rule broken on purpose,
to prove each layout rule can fail and says where.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from helpers import REPO, cli, project_env, require_tool, run

PACKAGE = "customer_churn_predictor"  # the package name --defaults gives
SUBPROCESS_IMPORT_TEST = "test_starting_the_service_loads_no_training_or_monitoring_code"

# ---------------------------------------------------------------- fast: one spec per use case

# The two places allowed to name use_case: they choose the spec file.
SPEC_CHOOSERS = {
    "copier.yml": "default: \"{% include 'template/_data/datasets/' ~ use_case ~ '.yml' %}\"",
    "template/src/{{package_name}}/dataset.yaml.jinja":
        "{% include 'template/_data/datasets/' ~ use_case ~ '.yml' %}",
}


def use_case_lines(root: Path) -> list[str]:
    """Every line of copier.yml and template/ (file names too) that uses use_case,
    except the question itself and the two lines that choose the spec file."""
    found = []
    files = [root / "copier.yml", *sorted(p for p in (root / "template").rglob("*") if p.is_file())]
    for path in files:
        relative = path.relative_to(root).as_posix()
        if "use_case" in relative:
            found.append(f"{relative}: (file name)")
        if path.suffix in {".csv", ".png"}:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "use_case" in line and not line.lstrip().startswith("#"):
                found.append(f"{relative}: {line.strip()}")
    allowed = {f"{path}: {line}" for path, line in SPEC_CHOOSERS.items()}
    allowed.add("copier.yml: use_case:")
    # The follow-up questions of "My own CSV file" (data_file, target_column, data_spec).
    allowed.add("copier.yml: when: \"{{ use_case == 'own_csv' }}\"")
    return [line for line in found if line not in allowed]


def test_only_the_spec_choice_names_use_case():
    assert use_case_lines(REPO) == []


def test_the_use_case_rule_catches_a_branch(tmp_path):
    shutil.copytree(REPO / "template", tmp_path / "template")
    shutil.copy(REPO / "copier.yml", tmp_path)
    readme = tmp_path / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + '{% if use_case == "wine" %}Wine!{% endif %}\n')
    assert use_case_lines(tmp_path) == [
        'template/README.md.jinja: {% if use_case == "wine" %}Wine!{% endif %}'
    ]


# ---------------------------------------------------------------- fast: the layout rules


def layout_test(project: Path, *options: str, check: bool = False):
    """Run the project's tests/test_layout.py with this repository's Python.

    `--noconftest`: the project's conftest.py trains a model (scikit-learn),
    the layout rules need only the source files. The service-import test
    needs the project's dependencies: the slow test below runs it. Plugins
    installed here (for this repository's tests) are not the project's: off.
    """
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest",
         f"--deselect=tests/test_layout.py::{SUBPROCESS_IMPORT_TEST}", *options,
         "tests/test_layout.py"],
        cwd=project, env=env, check=check,
    )


def test_the_default_project_follows_the_layout_rules(generated):
    project = generated()
    for wing in ["training", "serving", "monitoring"]:
        assert (project / "src" / PACKAGE / wing / "__init__.py").is_file(), wing
    result = layout_test(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed" not in result.stdout and re.search(r"\d+ passed", result.stdout)


def too_long(name: str, lines: int, indent: str = "") -> str:
    """A function of exactly `lines` lines, def line included."""
    body = "".join(f"{indent}    x_{i} = {i}\n" for i in range(lines - 2))
    return f"\n\n{indent}def {name}():\n{body}{indent}    return None\n"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


# Each: (what to break, how, the test that must fail, what its message must say).
SERVING = f"src/{PACKAGE}/serving"
VIOLATIONS = {
    "relative import of training": (
        f"{SERVING}/app.py", "\nfrom ..training import data  # noqa: E402, F401\n",
        "test_serving_imports_nothing_from_training_or_monitoring",
        rf"{SERVING}/app.py:\d+ imports {PACKAGE}\.training",
    ),
    "absolute import of monitoring inside a function": (
        f"{SERVING}/openapi.py",
        f"\n\ndef _helper():\n    import {PACKAGE}.monitoring.drift  # noqa: F401\n",
        "test_serving_imports_nothing_from_training_or_monitoring",
        rf"{SERVING}/openapi.py:\d+ imports {PACKAGE}\.monitoring\.drift",
    ),
    "from the package import a wing": (
        f"{SERVING}/prediction_log.py", f"\nfrom {PACKAGE} import monitoring  # noqa\n",
        "test_serving_imports_nothing_from_training_or_monitoring",
        rf"{SERVING}/prediction_log.py:\d+ imports {PACKAGE}\.monitoring",
    ),
    "a 61-line function in src": (
        f"src/{PACKAGE}/config.py", too_long("much_too_long", 61),
        "test_no_function_is_longer_than_60_lines",
        rf"src/{PACKAGE}/config.py:\d+ much_too_long \(61 lines\)",
    ),
    "a 61-line method in tests": (
        "tests/test_layout.py", "\n\nclass Helper:" + too_long("method", 61, indent="    "),
        "test_no_function_is_longer_than_60_lines",
        r"tests/test_layout.py:\d+ Helper\.method \(61 lines\)",
    ),
    "a 61-line function in scripts": (
        "scripts/report.py", too_long("main_too", 61),
        "test_no_function_is_longer_than_60_lines",
        r"scripts/report.py:\d+ main_too \(61 lines\)",
    ),
    "code in a wing's __init__": (
        f"src/{PACKAGE}/monitoring/__init__.py", "\nfrom .drift import *  # noqa\n",
        "test_the_wing_init_holds_only_a_docstring",
        rf"src/{PACKAGE}/monitoring/__init__.py:\d+",
    ),
}


@pytest.mark.parametrize("violation", list(VIOLATIONS))
def test_the_layout_test_catches_a_broken_rule(generated, tmp_path, violation):
    relative, addition, failing_test, message = VIOLATIONS[violation]
    project = shutil.copytree(generated(), tmp_path / "proj")
    append(project / relative, addition)
    result = layout_test(project)
    assert result.returncode == 1, result.stdout + result.stderr
    failed = re.findall(r"^FAILED tests/test_layout\.py::(\w+)", result.stdout, re.M)
    assert failed == [failing_test], result.stdout
    assert re.search(message, result.stdout), result.stdout


def test_a_60_line_function_is_allowed_and_a_missing_wing_is_not(generated, tmp_path):
    project = shutil.copytree(generated(), tmp_path / "proj")
    append(project / "src" / PACKAGE / "config.py", too_long("just_fits", 60))
    assert layout_test(project).returncode == 0
    (project / "src" / PACKAGE / "training" / "__init__.py").unlink()
    result = layout_test(project)
    assert "FAILED tests/test_layout.py::test_the_wing_is_a_package[training]" in result.stdout
    assert f"src/{PACKAGE}/training/__init__.py is missing" in result.stdout


# ---------------------------------------------------------------- slow: a fifth use case

IRIS_SPEC = """\
title: Iris species
problem: "iris species: which of three species a flower belongs to"
task: multiclass
imbalanced: false  # 50 flowers of each species
source: "Iris data set (R. A. Fisher, 1936), bundled with scikit-learn (150 flowers)"
origin: scikit-learn, bundled
provenance: scikit-learn's bundled copy of Fisher's 1936 measurements, loaded offline
loader:
  kind: sklearn
  function: load_iris
target:
  name: species
  description: The iris species
  classes: {0: setosa, 1: versicolor, 2: virginica}
features:
  - name: sepal_length
    type: number
    description: Sepal length
    unit: cm
    range: [0, null]
    source: "sepal length (cm)"
  - name: sepal_width
    type: number
    description: Sepal width
    unit: cm
    range: [0, null]
    source: "sepal width (cm)"
  - name: petal_length
    type: number
    description: Petal length
    unit: cm
    range: [0, null]
    source: "petal length (cm)"
  - name: petal_width
    type: number
    description: Petal width
    unit: cm
    range: [0, null]
    source: "petal width (cm)"
examples:
  - {sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2}
  - {sepal_length: 7.0, sepal_width: 3.2, petal_length: 4.7, petal_width: 1.4}
  - {sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5}
effects:
  # Measured on the default model (seed 42): setosa probability of examples[0]
  # 0.998 -> 0.014.
  - feature: petal_length
    from: 1.4
    to: 5.5
    expect: decrease
    towards: setosa
    because: Setosa flowers have by far the shortest petals of the three species.
monitoring:
  shift: petal_length
model:
  learning_rate: 0.05
  max_iter: 200
  max_leaf_nodes: 8
  min_samples_leaf: 5
  l2_regularization: 1.0
quality_gate:
  accuracy: {min: 0.85}
intended_use: Learning the MLOps workflow on a small, clean multiclass data set.
limitations:
  - Only 150 flowers, so test metrics vary a lot with the split.
  - Knows only three species; any other flower is forced into one of them.
why_this_data: >-
  The iris flowers are the classic first data set: four measurements, three
  species, no missing values, so the pipeline, not the data, is what you study.
metrics_rationale: >-
  The three species are balanced (50 flowers each), so accuracy is meaningful;
  macro F1 shows whether one species is confused with another.
"""
IRIS_CHOICE = "Iris species (multiclass classification, scikit-learn data set): iris"
SPEC_FILE = "template/_data/datasets/iris.yml"


def add_iris(template: Path) -> None:
    """What a contributor does: one spec file, one line in use_case's choices."""
    (template / SPEC_FILE).write_text(IRIS_SPEC)
    copier_yml = template / "copier.yml"
    lines = copier_yml.read_text().splitlines(keepends=True)
    start = lines.index("use_case:\n")
    choices = next(i for i in range(start, len(lines)) if lines[i].strip() == "choices:")
    last = choices + 1
    while lines[last + 1].startswith(" " * 4):
        last += 1
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{indent}{IRIS_CHOICE}\n")
    copier_yml.write_text("".join(lines))


def snapshot(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(errors="replace")
            for path in sorted(root.rglob("*")) if path.is_file()}


def assert_one_file_and_one_line_added(before: dict[str, str], after: dict[str, str]) -> None:
    assert sorted(set(before) - set(after)) == []
    assert sorted(set(after) - set(before)) == [SPEC_FILE]
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["copier.yml"]
    diff = [line for line in difflib.ndiff(before["copier.yml"].splitlines(),
                                           after["copier.yml"].splitlines())
            if line[:1] in "+-"]
    assert diff == [f"+     {IRIS_CHOICE}"], diff


@pytest.mark.slow
def test_a_fifth_use_case_is_one_spec_file_and_one_choice(tmp_path, envs_dir):
    require_tool("make")
    template = tmp_path / "template-copy"
    template.mkdir()
    shutil.copy2(REPO / "copier.yml", template / "copier.yml")
    shutil.copytree(REPO / "template", template / "template",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
    before = snapshot(template)
    add_iris(template)
    assert_one_file_and_one_line_added(before, snapshot(template))

    project = tmp_path / "iris"
    result = cli("new", "--defaults", "--no-git", "--set", "use_case=iris",
                 "--template", template, project)
    assert result.returncode == 0, result.stderr
    assert "load_iris" in (project / "src" / PACKAGE / "dataset.yaml").read_text()

    venv = project_env(project, envs_dir)
    env = {**{k: v for k, v in os.environ.items()
              if k not in {"VIRTUAL_ENV", "MLFLOW_TRACKING_URI"}},
           "OMP_NUM_THREADS": "1", "VENV": str(venv)}
    run(["make", "train"], cwd=project, env=env)
    metadata = json.loads((project / "models" / "metadata.json").read_text())
    assert metadata["task"] == "multiclass"
    assert metadata["target"] == "species"
    assert metadata["class_names"] == {"0": "setosa", "1": "versicolor", "2": "virginica"}
    assert list(metadata["features"]) == ["sepal_length", "sepal_width", "petal_length",
                                          "petal_width"]
    assert metadata["metrics"]["accuracy"] >= 0.85

    tested = run(["make", "test"], cwd=project, env=env)
    assert re.search(r"\d+ passed", tested.stdout) and "failed" not in tested.stdout
    # The layout test's service-import check passes with the project's own
    # dependencies (the fast tests above cannot run it) ...
    def import_check():
        return run([venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"tests/test_layout.py::{SUBPROCESS_IMPORT_TEST}"], cwd=project, env=env,
                   check=False)

    passed = import_check()
    assert passed.returncode == 0 and "1 passed" in passed.stdout, passed.stdout
    # ... and fails when serving loads training code behind the import graph's back.
    app = project / "src" / PACKAGE / "serving" / "app.py"
    append(app, f"\n__import__('importlib').import_module('{PACKAGE}.training.data')\n")
    sneaky = import_check()
    assert sneaky.returncode == 1, sneaky.stdout
    assert f"importing {PACKAGE}.serving.app loaded" in sneaky.stdout
    assert f"'{PACKAGE}.training.data'" in sneaky.stdout
