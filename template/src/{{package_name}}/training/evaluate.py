"""Score a model with the metrics that fit its task, and apply the quality gate.

Every machine-learning metric of the project is computed here: training
scores the test split with `score`, and so does `make evaluate`.

A score means little on its own: is 0.80 accuracy good? It is not when 80% of
the rows belong to one class. So training also scores a *baseline*, the
simplest possible "model" (always the most frequent class, or always the
mean), on the same test rows, and the quality gate can demand that the model
beats it by a margin (`beat_baseline_by` in params.yaml).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics
from sklearn.dummy import DummyClassifier, DummyRegressor

from ..spec import SPEC

# Metrics where smaller is better (an error); for every other metric, bigger is better.
LOWER_IS_BETTER = ("log_loss", "mae", "rmse")
# What a metric's entry in params.yaml's quality_gate may say (`note` is for people).
GATE_KEYS = ("min", "max", "beat_baseline_by", "note")


def classification_metrics(y_true, y_pred, y_proba) -> dict[str, float]:
    """Metrics for classifiers.

    For a binary problem `y_proba` is the probability of the positive class.
    Accuracy alone misleads on imbalanced data (always saying "no churn" is
    80% accurate), so we report precision, recall, F1 and two ranking scores:
    ROC-AUC, and PR-AUC, which is the more honest one when positives are rare.
    Balanced accuracy is the average of the recall of each class: always
    answering the majority class scores 1 / (number of classes), whatever
    the class mix.
    """
    y_proba = np.asarray(y_proba)
    if y_proba.ndim == 1:
        return {
            "accuracy": metrics.accuracy_score(y_true, y_pred),
            "balanced_accuracy": metrics.balanced_accuracy_score(y_true, y_pred),
            "precision": metrics.precision_score(y_true, y_pred, zero_division=0),
            "recall": metrics.recall_score(y_true, y_pred),
            "f1": metrics.f1_score(y_true, y_pred),
            "roc_auc": metrics.roc_auc_score(y_true, y_proba),
            "pr_auc": metrics.average_precision_score(y_true, y_proba),
        }
    return {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(y_true, y_pred),
        "f1_macro": metrics.f1_score(y_true, y_pred, average="macro"),
        "roc_auc_ovr": metrics.roc_auc_score(y_true, y_proba, multi_class="ovr"),
        "log_loss": metrics.log_loss(y_true, y_proba),
    }


def regression_metrics(y_true, y_pred) -> dict[str, float]:
    """MAE and RMSE are in the target's own units; R² is the share of variance explained."""
    return {
        "mae": metrics.mean_absolute_error(y_true, y_pred),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, y_pred))),
        "r2": metrics.r2_score(y_true, y_pred),
    }


def rounded(scores: dict[str, float], digits: int = 4) -> dict[str, float]:
    """Round every score, so metadata.json and the printed metrics stay readable."""
    return {name: round(float(value), digits) for name, value in scores.items()}


def score(model: Any, X, y, threshold: float | None) -> dict[str, float]:
    """Compute the task's metrics of `model` on (X, y).

    A binary classifier says "positive" when the positive class's probability
    reaches `threshold` (chosen on validation data); the other tasks need none.
    """
    if SPEC.task == "regression":
        return rounded(regression_metrics(y, model.predict(X)))
    proba = model.predict_proba(X)
    if SPEC.task == "binary":
        positive = proba[:, 1]
        return rounded(classification_metrics(y, (positive >= threshold).astype(int), positive))
    return rounded(classification_metrics(y, model.predict(X), proba))


def baseline_model() -> DummyClassifier | DummyRegressor:
    """The trivial model every real one must beat: it ignores the features.

    A classifier that always answers the most frequent class of the training
    rows, or a regressor that always answers their mean. It is fitted and
    scored exactly like the real model, so the two scores can be compared.
    """
    if SPEC.task == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="most_frequent")


class QualityGateError(RuntimeError):
    """The model is not good enough to ship; the message lists what failed."""


def beats_baseline(name: str, value: float, baseline: float, margin: float) -> str | None:
    """None when `value` beats the baseline's score by `margin`, else why it does not."""
    if name in LOWER_IS_BETTER:
        needed, passed = baseline - margin, value <= baseline - margin
    else:
        needed, passed = baseline + margin, value >= baseline + margin
    if passed:
        return None
    return (
        f"{name} = {value:.4f} does not beat the baseline's {baseline:.4f} by {margin} "
        f"(needs {'at most' if name in LOWER_IS_BETTER else 'at least'} {needed:.4f})"
    )


def quality_gate_failures(
    scores: dict[str, float],
    gate: dict[str, dict[str, float]],
    baseline: dict[str, float] | None = None,
) -> list[str]:
    """List every metric outside its bounds in params.yaml's `quality_gate` (empty: passed).

    A bound is `min` (at least), `max` (at most) or `beat_baseline_by` (better
    than the baseline's score on the same test rows by at least this much;
    `baseline` holds those scores). Training raises `QualityGateError` when
    this list is not empty: `make train` exits non-zero, so CI goes red
    before a worse model is deployed.
    """
    failures = []
    for name, bounds in gate.items():
        if name not in scores:
            failures.append(f"{name}: unknown metric (have {', '.join(scores)})")
            continue
        unknown = sorted(set(bounds) - set(GATE_KEYS))
        if unknown:  # a typo such as `mni` must not switch the gate off silently
            allowed = ", ".join(GATE_KEYS[:-1])
            failures.append(f"{name}: unknown bound(s) {', '.join(unknown)} (use {allowed})")
        value = scores[name]
        if "min" in bounds and value < bounds["min"]:
            failures.append(f"{name} = {value:.4f} is below the minimum {bounds['min']}")
        if "max" in bounds and value > bounds["max"]:
            failures.append(f"{name} = {value:.4f} is above the maximum {bounds['max']}")
        if "beat_baseline_by" in bounds:
            if not baseline or name not in baseline:
                failures.append(f"{name}: no baseline score to compare with")
                continue
            failure = beats_baseline(name, value, baseline[name], bounds["beat_baseline_by"])
            if failure:
                failures.append(failure)
    return failures
