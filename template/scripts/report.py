"""Write the trained model's real metrics into README.md and docs/present-this-project.md.

`make report` runs this after `make train`. It reads `models/metadata.json`
(what training measured on the held-out test set) and `params.yaml` (the
quality gate), and replaces what sits between marker comments such as

    <!-- report:metrics:start --> ... <!-- report:metrics:end -->

so the numbers a recruiter reads are the numbers your model reached, never
numbers typed by hand. Everything outside the markers is yours to edit.

    python scripts/report.py [--models models] [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ["README.md", "docs/present-this-project.md"]

# How each metric is named for people, and whether higher is better.
METRICS = {
    "accuracy": ("Accuracy", True),
    "balanced_accuracy": ("Balanced accuracy", True),
    "precision": ("Precision", True),
    "recall": ("Recall", True),
    "f1": ("F1 score", True),
    "f1_macro": ("F1 score (macro)", True),
    "roc_auc": ("ROC-AUC", True),
    "roc_auc_ovr": ("ROC-AUC (one-vs-rest)", True),
    "pr_auc": ("PR-AUC (average precision)", True),
    "log_loss": ("Log loss", False),
    "mae": ("Mean absolute error", False),
    "rmse": ("Root mean squared error", False),
    "r2": ("R²", True),
}


def metric_name(key: str) -> str:
    return METRICS.get(key, (key, True))[0]


def gate_text(key: str, bounds: dict | None, baseline: float | None = None) -> str:
    """`{"min": 0.8}` -> "≥ 0.8"; `{"beat_baseline_by": 0.05}` -> "≥ baseline + 0.05 (0.3833)".

    No bounds -> "-".
    """
    if not bounds:
        return "-"
    parts = []
    if "min" in bounds:
        parts.append(f"≥ {bounds['min']}")
    if "max" in bounds:
        parts.append(f"≤ {bounds['max']}")
    if "beat_baseline_by" in bounds:
        margin = bounds["beat_baseline_by"]
        higher = METRICS.get(key, (key, True))[1]
        text = f"{'≥' if higher else '≤'} baseline {'+' if higher else '-'} {margin}"
        if baseline is not None:
            text += f" ({baseline + margin if higher else baseline - margin:.4f})"
        parts.append(text)
    return " and ".join(parts)


def metrics_block(metadata: dict, gate: dict) -> str:
    """A Markdown table of every test-set metric next to its quality-gate bound.

    When training scored the trivial baseline too (always the most frequent
    class, or the mean), its score stands beside the model's: a number means
    more next to what a model that ignores the features reaches.
    """
    baseline = metadata.get("baseline_metrics") or {}
    if baseline:
        rows = ["| Metric (test set) | Model | Baseline | Quality gate |", "|---|---|---|---|"]
    else:
        rows = ["| Metric (test set) | Value | Quality gate |", "|---|---|---|"]
    for key, value in metadata["metrics"].items():
        gate_cell = gate_text(key, gate.get(key), baseline.get(key))
        if baseline:
            base = f"{baseline[key]:.4f}" if key in baseline else "-"
            rows.append(f"| {metric_name(key)} | {value:.4f} | {base} | {gate_cell} |")
        else:
            rows.append(f"| {metric_name(key)} | {value:.4f} | {gate_cell} |")
    baseline_answer = (
        "the mean of the training target"
        if metadata["task"] == "regression"
        else "the most frequent class"
    )
    sizes = metadata.get("data", {}).get("rows", {})
    commit = metadata.get("git_commit")
    from_commit = f" from commit `{commit}`" if commit else ""
    rows += [
        "",
        f"Model `{metadata['model_version']}`, trained {metadata['trained_at']}{from_commit} "
        f"on {sizes.get('train', '?')} training rows; scored on "
        f"{sizes.get('test', '?')} held-out test rows it never saw."
        + (
            f" The baseline ignores the features and always answers {baseline_answer}: "
            "the model must do better to be worth anything."
            if baseline
            else ""
        ),
    ]
    return "\n".join(rows)


def replace_block(text: str, name: str, body: str) -> tuple[str, bool]:
    """Replace the text between the `name` markers; False when the markers are missing."""
    pattern = re.compile(
        rf"(<!-- report:{name}:start -->\n).*?(\n<!-- report:{name}:end -->)", re.S
    )
    new, count = pattern.subn(lambda m: m.group(1) + body + m.group(2), text)
    return new, count > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("files", nargs="*", type=Path, default=[ROOT / f for f in DEFAULT_FILES])
    args = parser.parse_args(argv)

    metadata_path = args.models / "metadata.json"
    if not metadata_path.is_file():
        print(f"error: {metadata_path} not found: run `make train` first", file=sys.stderr)
        return 1
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8")) or {}
    blocks = {"metrics": metrics_block(metadata, params.get("quality_gate") or {})}
    for path in args.files:
        if not path.is_file():
            print(f"skipped {path}: not found")
            continue
        text = path.read_text(encoding="utf-8")
        filled = []
        for name, body in blocks.items():
            text, found = replace_block(text, name, body)
            if found:
                filled.append(name)
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {', '.join(filled) or 'no report markers, left as it was'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
