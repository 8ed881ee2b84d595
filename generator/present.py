"""`mlops-portfolio present [PATH]`: resume bullets and interview answers, for your eyes only.

Ready-made resume bullets and model interview answers do not belong in a
public repository: a reviewer who finds them reads a template, not a
candidate. So a generated project keeps only the guidance
(`docs/present-this-project.md`) and a skeleton for the learner's own notes
(`docs/my-notes.md`); this command prints the rest on demand, filled with
the project's real test-set metrics, to be rewritten in the learner's words.

What it reads, and which module owns each format (it writes nothing):

- `.copier-answers.yml`, the project's answers: generator/answers.py reads it;
  `src/<package>/dataset.yaml`, its data set's facts, as the learner keeps them.
- `models/metadata.json`, written by `make train` through the project's
  `src/<package>/registry.py` (the only module of a project that reads or
  writes it). This command reads the fields that module's `ModelMetadata`
  defines (`model_version`, `task`, `metrics`, `data.rows`), nothing more.
- Metric names: the template's `scripts/report.py`, which also writes the
  metrics table of the README, so a metric is called the same everywhere.

The text is `template/_data/interview.md.jinja`, rendered with the same
Jinja environment as the roadmap.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.errors import EXIT_OK, AnswerError, fail

INTERVIEW_TEXT = Path("template") / "_data" / "interview.md.jinja"
REPORT_SCRIPT = Path("template") / "scripts" / "report.py"
# Where `make train` saves the metadata (registry.py's METADATA_FILE, in models/).
METADATA = Path("models") / "metadata.json"
USED_FIELDS = ("model_version", "task", "metrics")
TASKS = {
    "binary": "binary classification",
    "multiclass": "multiclass classification",
    "regression": "regression",
}
# The two numbers worth a line on a resume, per task (keys of report.py's METRICS).
HEADLINE = {
    "binary": ["roc_auc", "recall"],
    "multiclass": ["accuracy", "f1_macro"],
    "regression": ["r2", "mae"],
}


class NotReady(Exception):
    """The project cannot be presented yet; the message says what to do."""


def report_script() -> ModuleType:
    """The template's scripts/report.py as a module: the one place metrics are named.

    Executed from its source, not imported: an import would write a
    __pycache__ folder into the template, which `new` would then copy.
    """
    from generator.template_source import template_root

    path = template_root() / REPORT_SCRIPT
    module = ModuleType("mlops_portfolio_report")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def read_answers(project: Path) -> dict[str, Any]:
    """The project's complete answers (with `dataset`); NotReady outside a project.

    Raises AnswerError when the answers file is broken, as `roadmap` and
    `doctor` do.
    """
    import yaml

    from generator.answers import ANSWERS_FILE
    from generator.roadmap import answers_for

    if not (project / ANSWERS_FILE).is_file():
        raise NotReady(
            f"{project} is not a project made by mlops-portfolio (it has no {ANSWERS_FILE}): "
            "give its folder, e.g. `mlops-portfolio present path/to/project`"
        )
    answers = answers_for(None, project)
    # The data set's facts (problem, provenance, why these metrics): the
    # project's own copy of the dataset spec, as the learner may have corrected it.
    spec = project / "src" / answers["package_name"] / "dataset.yaml"
    try:
        answers["dataset"] = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise NotReady(
            f"{spec} cannot be read ({error}); it describes the project's data"
        ) from None
    if not isinstance(answers["dataset"], dict):
        raise NotReady(f"{spec} is not a dataset spec (a YAML mapping)")
    return answers


def read_metadata(project: Path) -> dict[str, Any]:
    """models/metadata.json of a trained project; NotReady before `make train`."""
    path = project / METADATA
    if not path.is_file():
        raise NotReady(
            f"{path} not found: the model is not trained yet. In the project, run "
            "`make setup` once, then `make train`, and run this command again"
        )
    retrain = "run `make train` again to rewrite it"
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise NotReady(f"{path} cannot be read ({error}): {retrain}") from None
    # The fields this command uses, as registry.ModelMetadata defines them.
    missing = [key for key in USED_FIELDS if not isinstance(metadata, dict) or key not in metadata]
    if missing:
        raise NotReady(f"{path} has no {', '.join(missing)}: {retrain}")
    metrics = metadata["metrics"]
    if (
        not isinstance(metrics, dict)
        or not metrics
        or not all(isinstance(value, (int, float)) for value in metrics.values())
    ):
        raise NotReady(f"{path}: `metrics` is not a table of numbers: {retrain}")
    return metadata


def headline(metadata: dict[str, Any], report: ModuleType) -> str:
    """The two numbers worth a resume line, e.g. "ROC-AUC 0.843 and Recall 0.612"."""
    scores = metadata["metrics"]
    keys = [k for k in HEADLINE.get(metadata["task"], []) if k in scores] or list(scores)[:2]
    return " and ".join(f"{report.metric_name(k)} {scores[k]:.3f}" for k in keys)


def render(answers: dict[str, Any], metadata: dict[str, Any]) -> str:
    """The interview notes for a project with `answers` and a model described by `metadata`."""
    from generator.questions import template_environment
    from generator.template_source import template_root

    report = report_script()
    text = (template_root() / INTERVIEW_TEXT).read_text(encoding="utf-8")
    rows = metadata.get("data", {}).get("rows", {})
    return (
        template_environment()
        .from_string(text)
        .render(
            **answers,
            model=metadata,
            headline=headline(metadata, report),
            task_name=TASKS.get(metadata["task"], metadata["task"]),
            test_rows=rows.get("test", "?") if isinstance(rows, dict) else "?",
        )
    )


def run_present(args) -> int:
    """Print the notes as Markdown on stdout (plain text, so `> file` keeps them as they are)."""
    import sys

    from rich.console import Console

    project = Path(args.path)
    try:
        notes = render(read_answers(project), read_metadata(project))
    except AnswerError as error:
        return fail(Console(stderr=True), error.problems)
    except NotReady as error:
        return fail(Console(stderr=True), [str(error)])
    sys.stdout.write(notes)
    return EXIT_OK
