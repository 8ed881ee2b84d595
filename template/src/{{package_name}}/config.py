"""Read params.yaml: every setting of training lives in that one file.

Keeping hyperparameters and quality thresholds out of the code means an
experiment is "edit params.yaml, run `make train`, compare metrics", and the
settings used are saved with each model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEFAULT_PARAMS = Path("params.yaml")


def load_params(path: str | Path = DEFAULT_PARAMS) -> dict[str, Any]:
    """Load the YAML parameters file and check its top-level sections."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run from the project root")
    params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    required = ["seed", "split", "model", "quality_gate"]
    missing = [key for key in required if key not in params]
    if missing:
        raise ValueError(f"{path} is missing section(s): {', '.join(missing)}")
    return params
