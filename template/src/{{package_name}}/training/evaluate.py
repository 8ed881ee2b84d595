"""Score a model with the metrics that fit its task, and apply the quality gate.

Every machine-learning metric of the project is computed here: training
scores the test split with `score`, and so does `make evaluate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics

from ..spec import SPEC


def classification_metrics(y_true, y_pred, y_proba) -> dict[str, float]:
    """Metrics for classifiers.

    For a binary problem `y_proba` is the probability of the positive class.
    Accuracy alone misleads on imbalanced data (always saying "no churn" is
    80% accurate), so we report precision, recall, F1 and two ranking scores:
    ROC-AUC, and PR-AUC, which is the more honest one when positives are rare.
    """
    y_proba = np.asarray(y_proba)
    if y_proba.ndim == 1:
        return {
            "accuracy": metrics.accuracy_score(y_true, y_pred),
            "precision": metrics.precision_score(y_true, y_pred, zero_division=0),
            "recall": metrics.recall_score(y_true, y_pred),
            "f1": metrics.f1_score(y_true, y_pred),
            "roc_auc": metrics.roc_auc_score(y_true, y_proba),
            "pr_auc": metrics.average_precision_score(y_true, y_proba),
        }
    return {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
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


class QualityGateError(RuntimeError):
    """The model is not good enough to ship; the message lists what failed."""


def quality_gate_failures(scores: dict[str, float], gate: dict[str, dict[str, float]]) -> list[str]:
    """List every metric outside its bounds in params.yaml's `quality_gate` (empty: passed).

    Training raises `QualityGateError` when this list is not empty: `make
    train` exits non-zero, so CI goes red before a worse model is deployed.
    """
    failures = []
    for name, bounds in gate.items():
        if name not in scores:
            failures.append(f"{name}: unknown metric (have {', '.join(scores)})")
            continue
        value = scores[name]
        if "min" in bounds and value < bounds["min"]:
            failures.append(f"{name} = {value:.4f} is below the minimum {bounds['min']}")
        if "max" in bounds and value > bounds["max"]:
            failures.append(f"{name} = {value:.4f} is above the maximum {bounds['max']}")
    return failures
