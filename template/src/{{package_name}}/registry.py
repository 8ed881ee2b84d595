"""Save and load a trained model together with its metadata.

A model file alone is a black box. Next to `model.skops` we write
`metadata.json`: version, metrics, the feature schema the API validates
against, and the library versions it was trained with. This module is the
only one that reads or writes that file; everyone else gets a
`ModelMetadata` object with named, typed fields.

Why skops and not joblib/pickle: loading a pickle can run any code hidden
in the file, so a swapped model file is a remote-code-execution hole.
skops stores the model as data and, on loading, rebuilds only the Python
types we list in `TRUSTED_TYPES` (plus scikit-learn's and numpy's plain
ones); a file that needs anything else is refused. It is still wise to load
only models you produced yourself (`make train` or the Docker build).
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
import skops
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from .spec import SPEC

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
# Types our Pipeline is made of that skops does not trust by default: the
# trees inside gradient boosting, and the column types (numpy dtypes such as
# float64) the imputers remember. Listing them here (in code, not in the
# model file) is what makes loading safe.
TRUSTED_TYPES = [
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "numpy.dtype",
]


class ModelLoadError(RuntimeError):
    """The model cannot be used: missing, or made by other code or libraries."""


@dataclass(frozen=True)
class DataInfo:
    """Which data trained the model."""

    source: str  # the data set's description, or the CSV file trained on
    fingerprint: str  # a hash of every value: changes when any value changes
    rows: dict[str, int]  # rows in the train, validation and test splits
    dropped_rows: int = 0  # rows left out because their target was missing


@dataclass(frozen=True)
class ModelMetadata:
    """What `metadata.json` says about a trained model."""

    model_version: str  # a hash of params.yaml, the data and uv.lock: same inputs, same version
    trained_at: str  # ISO 8601 time, UTC
    git_commit: str | None  # the code's commit (None outside a git repository)
    task: str  # "binary", "multiclass" or "regression"
    target: str  # the column the model predicts
    class_names: dict[str, str]  # class code (as text) -> label; empty for regression
    threshold: float | None  # binary: the decision threshold chosen on validation data
    metrics: dict[str, float]  # test metrics
    # name -> type, training range or categories, and "optional": true for a
    # feature that may be missing (the pipeline fills it in)
    features: dict[str, dict[str, Any]]
    target_quartiles: list[float] | None  # regression: quartiles of the training target
    data: DataInfo
    params: dict[str, Any]  # params.yaml as trained
    library_versions: dict[str, str]
    # The same test metrics for the trivial baseline (the most frequent class,
    # or the mean): what the model must beat to be worth anything.
    baseline_metrics: dict[str, float] = field(default_factory=dict)
    # Columns of the data file the model does not use (excluded by the
    # profile): a request may carry them, and they are ignored.
    ignored_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (what /model returns)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelMetadata:
        return cls(**{**raw, "data": DataInfo(**raw["data"])})


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "skops": skops.__version__,
    }


def save(model: Any, metadata: ModelMetadata, directory: str | Path) -> Path:
    """Write the model and its metadata into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sio.dump(model, directory / MODEL_FILE)
    (directory / METADATA_FILE).write_text(json.dumps(metadata.to_dict(), indent=2) + "\n")
    return directory


def read_metadata(directory: str | Path) -> ModelMetadata:
    """Read `metadata.json` alone (no model), e.g. to compare two models' metrics."""
    path = Path(directory) / METADATA_FILE
    if not path.is_file():
        raise ModelLoadError(f"no trained model in {directory}/: run `make train` first")
    try:
        return ModelMetadata.from_dict(json.loads(path.read_text()))
    except json.JSONDecodeError as problem:
        raise ModelLoadError(f"{path} is not valid JSON ({problem}): retrain") from None
    except (KeyError, TypeError) as problem:
        raise ModelLoadError(f"{path} was not written by this code ({problem}): retrain") from None


def _major(version: str) -> str:
    return version.split(".")[0]


def load(directory: str | Path) -> tuple[Any, ModelMetadata]:
    """Load a model saved by `save`, refusing one that does not fit this code."""
    directory = Path(directory)
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ModelLoadError(f"no trained model in {directory}/: run `make train` first")
    metadata = read_metadata(directory)
    trained_with = metadata.library_versions.get("scikit-learn", "unknown")
    if _major(trained_with) != _major(sklearn.__version__):
        raise ModelLoadError(
            f"model was trained with scikit-learn {trained_with}, this is "
            f"{sklearn.__version__}: retrain with `make train`"
        )
    if list(metadata.features) != SPEC.feature_names:
        raise ModelLoadError(
            "model features do not match this code's features: retrain with `make train`"
        )
    try:
        model = sio.load(model_path, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as problem:
        raise ModelLoadError(
            f"refusing to load {model_path}: it contains types this project does not trust "
            f"({problem}). Only load models made by `make train`."
        ) from None
    except Exception as problem:  # a corrupt or truncated file: any error means "retrain"
        raise ModelLoadError(f"{model_path} cannot be read ({problem}): retrain") from None
    return model, metadata
