"""Write every prediction to a JSON-lines file, for drift monitoring.

Each input row becomes one line:

    {"timestamp": "2025-01-31T12:00:00.123456+00:00", "request_id": "9f1c...",
     "model_version": "3fa2b1c4d5e6", "features": {...}, "prediction": 1,
     "probabilities": {...}}

Monitoring later compares these features with the training data. The file is
rotated by size (`predictions.jsonl` -> `predictions.jsonl.1` -> ...), so it
can never fill the disk.

Gunicorn runs several worker processes that all append to the same file. A
lock file (`fcntl.flock`) lets exactly one of them write or rotate at a time,
so lines never interleave and no worker keeps writing into a rotated file.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_PATH = "logs/predictions.jsonl"


class PredictionLog:
    """Append prediction records to `path`, keeping at most `backups` old files."""

    def __init__(self, path: str | Path, max_bytes: int = 10_000_000, backups: int = 5):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backups = backups
        self._thread_lock = threading.Lock()  # for threaded gunicorn workers
        self._warned = False

    def write(
        self,
        rows: list[dict[str, Any]],
        results: list[dict[str, Any]],
        model_version: str,
        request_id: str,
    ) -> None:
        """Log one line per input row. Never raises: a full disk must not stop predictions."""
        timestamp = datetime.now(timezone.utc).isoformat()
        lines = []
        for features, result in zip(rows, results, strict=True):
            record = {
                "timestamp": timestamp,
                "request_id": request_id,
                "model_version": model_version,
                "features": features,
                "prediction": result["prediction"],
            }
            if "probabilities" in result:
                record["probabilities"] = result["probabilities"]
            lines.append(json.dumps(record, separators=(",", ":")) + "\n")
        data = "".join(lines).encode("utf-8")
        try:
            with self._thread_lock, self._process_lock():
                self._rotate_if_needed(len(data))
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
        except OSError as problem:
            if not self._warned:  # warn once per worker, not once per request
                log.warning("prediction log %s is not writable: %s", self.path, problem)
                self._warned = True

    @contextmanager
    def _process_lock(self) -> Iterator[None]:
        """An exclusive lock shared by all worker processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
            yield

    def _rotate_if_needed(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes:
            return
        if self.backups < 1:
            self.path.unlink()
            return
        # predictions.jsonl.4 -> .5, ..., .1 -> .2, then the live file -> .1
        for index in range(self.backups - 1, 0, -1):
            older = Path(f"{self.path}.{index}")
            if older.exists():
                older.replace(f"{self.path}.{index + 1}")
        self.path.replace(f"{self.path}.1")


class PredictionLogger:
    """Log one record at a time to $PREDICTION_LOG (scripts and tests use this)."""

    def __init__(self, path: str | Path | None = None):
        self._log = PredictionLog(path or os.environ.get("PREDICTION_LOG", DEFAULT_PATH))
        self.path = self._log.path

    def record(self, features: dict[str, Any], prediction: Any, model_version: str) -> None:
        self._log.write([features], [{"prediction": prediction}], model_version, uuid.uuid4().hex)
