"""Save and load a trained model together with its metadata.

A model file alone is a black box. Next to `model.joblib` we write
`metadata.json`: version, metrics, the feature schema the API validates
against, and the library versions it was trained with.

Security note: joblib files are pickles, and loading a pickle can run
arbitrary code. Only load model files you produced yourself (here: `make
train` or the Docker build), never ones downloaded from strangers.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn

from . import data

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"


class ModelLoadError(RuntimeError):
    """The model cannot be used: missing, or made by other code or libraries."""


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }


def save(model: Any, metadata: dict[str, Any], directory: str | Path) -> Path:
    """Write the model and its metadata into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, directory / MODEL_FILE)
    (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    return directory


def _major(version: str) -> str:
    return version.split(".")[0]


def load(directory: str | Path) -> tuple[Any, dict[str, Any]]:
    """Load a model saved by `save`, refusing one that does not fit this code."""
    directory = Path(directory)
    model_path, metadata_path = directory / MODEL_FILE, directory / METADATA_FILE
    if not model_path.is_file() or not metadata_path.is_file():
        raise ModelLoadError(f"no trained model in {directory}/: run `make train` first")
    metadata = json.loads(metadata_path.read_text())
    trained_with = metadata.get("library_versions", {}).get("scikit-learn", "unknown")
    if _major(trained_with) != _major(sklearn.__version__):
        raise ModelLoadError(
            f"model was trained with scikit-learn {trained_with}, this is "
            f"{sklearn.__version__}: retrain with `make train`"
        )
    if list(metadata.get("features", {})) != data.FEATURES:
        raise ModelLoadError(
            "model features do not match this code's features: retrain with `make train`"
        )
    return joblib.load(model_path), metadata
