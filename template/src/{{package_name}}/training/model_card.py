"""Write docs/model-card.md: what the model is for, how it was made, how good it is.

A *model card* (Mitchell et al., 2019) is the README of a trained model. It
is generated from the same metadata that is saved next to the model, so it
can never disagree with the model it describes: `make train` rewrites it.
Each section of the card is one function below; `render` puts them together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..registry import ModelMetadata
from ..spec import SPEC
from .evaluate import LOWER_IS_BETTER


def _number(value: Any) -> str:
    """Format numbers compactly: 12 stays 12, 0.123456 becomes 0.1235."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    return str(int(value)) if isinstance(value, float) else str(value)


def cell(text: Any) -> str:
    """Text that is safe inside a Markdown table: a `|` would end the cell."""
    return str(text).replace("|", "\\|")


def _gate(name: str, bounds: dict[str, float]) -> str:
    """A quality gate's bounds as text, e.g. "≥ 0.78" or "≥ baseline + 0.05"."""
    parts = []
    if "min" in bounds:
        parts.append(f"≥ {bounds['min']}")
    if "max" in bounds:
        parts.append(f"≤ {bounds['max']}")
    if "beat_baseline_by" in bounds:
        margin = bounds["beat_baseline_by"]
        lower = name in LOWER_IS_BETTER
        parts.append(f"≤ baseline − {margin}" if lower else f"≥ baseline + {margin}")
    return " and ".join(parts)


def model_details(metadata: ModelMetadata) -> list[str]:
    """Version, code, task, algorithm and settings."""
    lines = [
        "## Model details",
        "",
        f"- **Version:** `{metadata.model_version}` (a hash of params.yaml, the data and uv.lock)",
        f"- **Trained:** {metadata.trained_at}",
        f"- **Code:** git commit `{metadata.git_commit or 'none (not a git repository)'}`",
        f"- **Task:** {metadata.task} — predicts `{metadata.target}`",
        "- **Algorithm:** scikit-learn `Pipeline`: missing values filled in, scaling and "
        "one-hot encoding, then histogram-based gradient boosting",
        "- **Hyperparameters:** "
        + ", ".join(f"`{k}={v}`" for k, v in metadata.params["model"].items()),
        "- **Libraries:** "
        + ", ".join(f"{name} {version}" for name, version in metadata.library_versions.items()),
    ]
    if metadata.class_names:
        classes = ", ".join(f"`{k}` = {v}" for k, v in metadata.class_names.items())
        lines.append(f"- **Classes:** {classes}")
    if metadata.threshold is not None:
        lines.append(
            f"- **Decision threshold:** {metadata.threshold} (chosen on validation data "
            "to maximise F1; a probability at or above it predicts the positive class)"
        )
    return lines


def training_data(metadata: ModelMetadata) -> list[str]:
    """Where the data came from and how it was split."""
    rows = metadata.data.rows
    lines = [
        "## Training data",
        "",
        f"- **Source:** {metadata.data.source}",
        f"- **Data hash:** `{metadata.data.fingerprint}` (changes when any value changes)",
        f"- **Rows:** {rows['train']} train, {rows['validation']} validation, "
        f"{rows['test']} test (split with seed {metadata.params['seed']})",
    ]
    if metadata.data.dropped_rows:
        lines.append(
            f"- **Rows dropped:** {metadata.data.dropped_rows}, because their target "
            f"`{metadata.target}` was missing (no answer to learn from or to test against)"
        )
    if SPEC.profile:
        lines.append("- **Data card:** [docs/data.md](data.md): every column, its type and gaps")
    return lines


def metrics_table(metadata: ModelMetadata) -> list[str]:
    """The test metrics next to the baseline's and the quality gate they had to pass."""
    gate = metadata.params.get("quality_gate", {})
    baseline = metadata.baseline_metrics
    lines = [
        "## Metrics",
        "",
        f"Measured once on the {metadata.data.rows['test']} held-out test rows. The "
        "baseline is the trivial model that ignores the features ("
        + (
            "always the mean of the training target"
            if metadata.task == "regression"
            else "always the most frequent class"
        )
        + "), scored on the same rows: the model is only useful where it does better.",
        "",
        "| Metric | Model | Baseline | Quality gate |",
        "|---|---|---|---|",
    ]
    for name, value in metadata.metrics.items():
        bound = _gate(name, gate[name]) if name in gate else ""
        base = f"{baseline[name]:.4f}" if name in baseline else ""
        lines.append(f"| {name} | {value:.4f} | {base} | {bound} |")
    return lines


def features_table(metadata: ModelMetadata) -> list[str]:
    """Each feature with the values seen in training."""
    optional = [name for name, rule in metadata.features.items() if rule.get("optional")]
    lines = [
        "## Features",
        "",
        "Requests must send every feature"
        + (
            ", except the optional ones: the model fills in a missing one with the median "
            "(numbers) or the most frequent value (categories) of the training rows."
            if optional
            else "."
        )
        + " Numbers outside the training range are",
        "accepted but flagged with a warning, since the model has not seen such values.",
        "",
        "| Feature | Type | Seen in training |",
        "|---|---|---|",
    ]
    for name, rule in metadata.features.items():
        if rule["type"] == "category":
            seen = ", ".join(rule["categories"])
        else:
            seen = f"{_number(rule['min'])} to {_number(rule['max'])}"
        kind = f"{rule['type']}, optional" if rule.get("optional") else rule["type"]
        lines.append(f"| {cell(name)} | {kind} | {cell(seen)} |")
    return lines


def render(metadata: ModelMetadata) -> str:
    """Return the model card for `metadata` as Markdown."""
    sections = [
        [
            "# Model card",
            "",
            "> Generated by `make train` from `models/metadata.json`; do not edit by hand.",
        ],
        model_details(metadata),
        ["## Intended use", "", SPEC.intended_use],
        training_data(metadata),
        metrics_table(metadata),
        features_table(metadata),
        ["## Limitations", "", *(f"- {item}" for item in SPEC.limitations)],
        [
            "## How to reproduce",
            "",
            "```bash",
            "make setup && make train   # same params.yaml and seed: same metrics and version",
            "```",
        ],
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def write(metadata: ModelMetadata, path: str | Path) -> Path:
    """Write the model card to `path` (creating its folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(metadata), encoding="utf-8")
    return path
