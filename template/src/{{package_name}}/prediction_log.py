"""Append every prediction to a JSON lines log, the input of `make monitor`.

One line per input row:

    {"timestamp": "2030-01-31T12:00:00+00:00", "model_version": "3f2a...",
     "features": {"tenure_months": 12, ...}, "prediction": 1}

The path is $PREDICTION_LOG (default logs/predictions.jsonl). What is stored:
the request's feature values and the answer, no IP address or other client
data. Each line is written with one append, so the gunicorn workers can share
the file without mixing their lines.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DEFAULT_PATH = "logs/predictions.jsonl"


class PredictionLogger:
    """Writes prediction records to one JSON lines file."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or os.environ.get("PREDICTION_LOG", DEFAULT_PATH))

    def record(self, features: dict[str, Any], prediction: Any, model_version: str) -> None:
        line = json.dumps(
            {
                "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "model_version": model_version,
                "features": features,
                "prediction": prediction,
            }
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Open in append mode for every line: one short write, safe across processes.
        with self.path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")
