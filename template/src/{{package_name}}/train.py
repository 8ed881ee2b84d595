"""Train the model: load -> validate -> split -> fit -> evaluate -> gate -> save.

Run it with `make train` (or `python -m <package> train`). The same seed and
params.yaml give the same split, the same model and the same metrics.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from . import data, registry
from .evaluate import (
    check_quality_gate,
    classification_metrics,
    regression_metrics,
    rounded,
)
from .features import build_preprocessor
from .reference import save_reference


def split(X, y, params: dict[str, Any]):
    """Split into train, validation and test sets.

    - train: the model learns from it;
    - validation: used to choose the decision threshold (never to train);
    - test: touched once, for the final, honest metrics.
    Classification splits are stratified so each part keeps the class mix.
    """
    seed = params["seed"]
    stratify = y if data.TASK != "regression" else None
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=params["split"]["test_size"], random_state=seed, stratify=stratify
    )
    valid_share = params["split"]["validation_size"] / (1 - params["split"]["test_size"])
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_rest,
        y_rest,
        test_size=valid_share,
        random_state=seed,
        stratify=y_rest if stratify is not None else None,
    )
    return (X_train, y_train), (X_valid, y_valid), (X_test, y_test)


def build_model(params: dict[str, Any]) -> Pipeline:
    """Preprocessing and a gradient-boosted tree model in one Pipeline."""
    settings = params["model"]
    if data.TASK == "regression":
        estimator = HistGradientBoostingRegressor(random_state=params["seed"], **settings)
    else:
        estimator = HistGradientBoostingClassifier(random_state=params["seed"], **settings)
    return Pipeline([("preprocess", build_preprocessor()), ("model", estimator)])


def choose_threshold(y_valid, proba_valid) -> float:
    """Pick the probability cut-off that maximises F1 on the validation set.

    0.5 is rarely the best cut-off on imbalanced data. Choosing it on
    validation data (not test data) keeps the test metrics honest.
    """
    thresholds = np.round(np.arange(0.05, 0.96, 0.01), 2)
    y_valid = np.asarray(y_valid)
    scores = []
    for threshold in thresholds:
        predicted = (proba_valid >= threshold).astype(int)
        true_pos = np.sum((predicted == 1) & (y_valid == 1))
        precision = true_pos / max(predicted.sum(), 1)
        recall = true_pos / max(y_valid.sum(), 1)
        scores.append(0.0 if true_pos == 0 else 2 * precision * recall / (precision + recall))
    return float(thresholds[int(np.argmax(scores))])


def score(model: Pipeline, X, y, threshold: float | None) -> dict[str, float]:
    """Compute the task's metrics of `model` on (X, y)."""
    if data.TASK == "regression":
        return rounded(regression_metrics(y, model.predict(X)))
    proba = model.predict_proba(X)
    if data.TASK == "binary":
        positive = proba[:, 1]
        return rounded(classification_metrics(y, (positive >= threshold).astype(int), positive))
    return rounded(classification_metrics(y, model.predict(X), proba))


def git_commit() -> str | None:
    """The current git commit, so a model can be traced to its code (None outside git)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def train(params: dict[str, Any], output_dir: str | Path = "models") -> dict[str, Any]:
    """Run the whole training pipeline and save the model; return its metadata.

    Raises `QualityGateError` (and saves nothing) when the model misses a
    threshold from params.yaml.
    """
    X, y = data.load_data(seed=params["seed"])
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = split(X, y, params)

    model = build_model(params).fit(X_train, y_train)
    threshold = None
    if data.TASK == "binary":
        threshold = choose_threshold(y_valid, model.predict_proba(X_valid)[:, 1])
    metrics = score(model, X_test, y_test, threshold)
    check_quality_gate(metrics, params["quality_gate"])

    data_hash = data.fingerprint(X, y)
    # Same params + same data = same version: a model is named by what made it.
    recipe = json.dumps({"params": params, "data": data_hash}, sort_keys=True)
    metadata = {
        "model_version": hashlib.sha256(recipe.encode()).hexdigest()[:12],
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "task": data.TASK,
        "target": data.TARGET,
        "class_names": {str(k): v for k, v in data.CLASS_NAMES.items()},
        "threshold": threshold,
        "metrics": metrics,
        "features": data.feature_schema(X_train),
        "data": {
            "fingerprint": data_hash,
            "rows": {"train": len(X_train), "validation": len(X_valid), "test": len(X_test)},
        },
        "params": params,
        "library_versions": registry.library_versions(),
    }
    registry.save(model, metadata, output_dir)
    save_reference(model, metadata, X_train, output_dir)  # what `make monitor` compares with
    return metadata
