"""Save what "normal" looks like, so monitoring can spot when requests change.

Training calls `save_reference` once: it writes `models/reference.json` next to
the model, with, for every feature of the training data,

- numeric features: mean, standard deviation, decile cut points with the share
  of rows in each bin (for PSI) and a random sample of values (for the
  Kolmogorov-Smirnov test);
- categorical features: the share of each category;

and the same for the model's own predictions on that data. `make monitor`
later compares the logged requests with this file (see drift.py).

An optional feature's missing values are left out of its statistics; its
`count` (rows with a value) beside `rows` (all training rows) says how many
were missing, so monitoring can compare that share too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..spec import SPEC

if TYPE_CHECKING:  # for the type hint only: monitoring imports this module, not the registry
    from ..registry import ModelMetadata

REFERENCE_FILE = "reference.json"
BINS = 10  # deciles: the usual choice for PSI
SAMPLE_SIZE = 2000  # values kept per numeric feature: plenty for a KS test, small on disk


class ReferenceError(RuntimeError):
    """reference.json is missing or unreadable; the message says what to do."""


def cut_points(values: np.ndarray, bins: int = BINS) -> list[float]:
    """Inner bin edges at the reference quantiles (10%, 20%, ... 90%).

    Quantile bins hold about the same share of reference rows each, so no bin
    is nearly empty. Repeated quantiles (a 0/1 feature has only two values)
    are merged, so such a feature simply gets fewer bins.
    """
    quantiles = np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1])
    return [float(q) for q in np.unique(quantiles)]


def bin_shares(values: np.ndarray, cuts: list[float]) -> list[float]:
    """Share of `values` in each bin: (-inf, c1], (c1, c2], ..., (c_last, +inf)."""
    counts = np.bincount(np.digitize(values, cuts, right=True), minlength=len(cuts) + 1)
    return [float(c) for c in counts / max(len(values), 1)]


def numeric_summary(values: Any, seed: int) -> dict[str, Any]:
    """Everything drift.py needs to compare a numeric column later.

    Missing values (NaN, in an optional feature) are left out: the statistics
    describe the values that are there, and `count` says how many there were.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    cuts = cut_points(values)
    rng = np.random.default_rng(seed)
    sample = values if len(values) <= SAMPLE_SIZE else rng.choice(values, SAMPLE_SIZE, False)
    return {
        "kind": "numeric",
        "count": len(values),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
        "cut_points": cuts,
        "bin_shares": bin_shares(values, cuts),
        "sample": [float(v) for v in np.round(sample, 6)],
    }


def categorical_summary(values: Any, categories: list | None = None) -> dict[str, Any]:
    """Share of each category (categories never seen get a share of 0).

    Missing values are not counted (value_counts skips them): the shares are
    of the rows that have a value, and `count` says how many there were.
    """
    counts = pd.Series(list(values)).value_counts()
    categories = categories if categories is not None else sorted(counts.index, key=str)
    total = max(int(counts.sum()), 1)
    return {
        "kind": "categorical",
        "count": int(counts.sum()),
        "shares": {str(c): float(counts.get(c, 0)) / total for c in categories},
    }


def build_reference(
    features: pd.DataFrame,
    predictions: list[Any],
    task: str,
    model_version: str,
    seed: int = 0,
    class_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Summarise the training features and the model's predictions for them."""
    summary: dict[str, Any] = {}
    for feature in SPEC.features:  # in dataset.yaml's order, like the model's schema
        if feature.is_numeric:
            summary[feature.name] = numeric_summary(features[feature.name], seed)
        else:
            categories = list(feature.categories)
            summary[feature.name] = categorical_summary(features[feature.name], categories)
    if task == "regression":
        prediction = numeric_summary(predictions, seed)
    else:
        prediction = categorical_summary(predictions)
        prediction["labels"] = dict(class_names or {})  # e.g. {"1": "churns"}, for the plots
    return {
        "model_version": model_version,
        "rows": len(features),
        "features": summary,
        "prediction": prediction,
    }


def save_reference(
    model: Any, metadata: ModelMetadata, X_train: pd.DataFrame, directory: str | Path
) -> Path:
    """Write reference.json for a freshly trained model (called by train.py).

    The reference predictions come from the same `Predictor` the API uses,
    so they look exactly like the `prediction` values in the serving log.
    """
    from ..predictor import Predictor

    predictor = Predictor(model, metadata)
    results = predictor.predict(X_train.to_dict(orient="records"))
    reference = build_reference(
        X_train,
        [result["prediction"] for result in results],
        task=metadata.task,
        model_version=metadata.model_version,
        seed=metadata.params.get("seed", 0),
        class_names=metadata.class_names,
    )
    path = Path(directory) / REFERENCE_FILE
    path.write_text(json.dumps(reference) + "\n", encoding="utf-8")
    return path


def load_reference(path: str | Path) -> dict[str, Any]:
    """Read reference.json, with a clear message when it is missing or broken."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceError(f"{path} not found: run `make train` to create it")
    try:
        reference = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as problem:
        raise ReferenceError(f"{path} is not valid JSON ({problem}): run `make train`") from None
    if not isinstance(reference, dict) or "features" not in reference:
        raise ReferenceError(f"{path} has no 'features' section: run `make train`")
    return reference
