"""The prediction log: the one module that writes it and reads it.

The service writes every prediction here, and `make monitor` reads the lines
back to compare live requests with the training data. Keeping both sides in
one module means the format is defined once: change a field here and both
the writer and the reader see the change.

The format is JSON lines: one JSON object per line, one line per input row:

    {"timestamp": "2025-01-31T12:00:00.123456+00:00", "request_id": "9f1c...",
     "model_version": "3fa2b1c4d5e6", "features": {...}, "prediction": 1,
     "probabilities": {...}}

"features" and "prediction" are required; "probabilities" appears only for
classifiers. "features" holds every feature under its name in the data
(any text: spaces, quotes, non-ASCII letters), with null for an optional
feature the client left out; "prediction" is the class code, and
"probabilities" are keyed by the class labels. The file is rotated by size (`predictions.jsonl` ->
`predictions.jsonl.1` -> ...), so it can never fill the disk.

Gunicorn runs several worker processes that all append to the same file. A
lock file (`fcntl.flock`) lets exactly one of them write or rotate at a time,
so lines never interleave and no worker keeps writing into a rotated file.
Each worker's threads take turns through a thread lock as well.

A full disk (or any other write error) never leaves half a record glued to
the next one: each record is appended whole or not at all (`append_whole_line`
cuts a partial write back off), and each write starts on a line of its own
(`start_on_a_new_line`). `write` returns how many records it had to drop, and
the service counts them in /metrics: predictions go on, the loss is visible.

In the cloud the container's disk is thrown away with the container (Cloud
Run, Fargate, Container Apps and Lambda all start fresh), so a file there
would be lost. With PREDICTION_LOG=stdout the service prints each record as
one JSON line on standard output instead, wrapped so a log search can pick
it out of everything else the service prints:

    {"event": "prediction", "record": {...the record above...}}

The platform's log service (CloudWatch Logs, Cloud Logging, Azure Monitor)
keeps those lines; the drift monitor reads them back (`record_from_stdout_line`,
used by monitoring/cloud_logs.py) and writes them into a JSON-lines file with
`write_records`, so `make monitor` reads the same format either way.

The service imports this module, so it uses the standard library only (no
pandas, no Flask): reading a log costs nothing to import.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Relative to the project root, where `make serve` and `make monitor` run.
DEFAULT_PATH = "logs/predictions.jsonl"
# PREDICTION_LOG=stdout: records go to standard output, for the platform's logs.
STDOUT = "stdout"
# The "event" of a prediction line on stdout: what log searches filter on.
EVENT = "prediction"


def log_record(
    features: dict[str, Any],
    result: dict[str, Any],
    model_version: str,
    request_id: str,
    timestamp: str,
) -> dict[str, Any]:
    """One line of the log, as a dict: the request row and what the model answered."""
    record = {
        "timestamp": timestamp,
        "request_id": request_id,
        "model_version": model_version,
        "features": features,
        "prediction": result["prediction"],
    }
    if "probabilities" in result:
        record["probabilities"] = result["probabilities"]
    return record


def start_on_a_new_line(fd: int) -> None:
    """Make sure the file ends with a line break, so the next record starts a line of its own.

    A crash, or a failed repair in `append_whole_line`, can leave half a line
    at the end. Without this, the next record would be glued to it and both
    would be lost to the reader; with it, only the broken half is (read_log
    counts it as a corrupt line).
    """
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        append_whole_line(fd, b"\n")


def append_whole_line(fd: int, line: bytes) -> None:
    """Append `line` in one write call, or leave the file as it was and raise OSError.

    On a full disk a write can stop part-way (a "short write": fewer bytes
    written than asked), leaving half a record. Cutting the file back to its
    size before the write takes that half away again. Only one process
    writes at a time (the lock), so nobody else appended in between.
    """
    size_before = os.fstat(fd).st_size
    written = os.write(fd, line)
    if written < len(line):
        os.ftruncate(fd, size_before)  # if this fails too, start_on_a_new_line repairs
        raise OSError(errno.ENOSPC, f"wrote {written} of {len(line)} bytes (disk full?)")


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
    ) -> int:
        """Log one line per input row; return how many could not be written.

        Never raises: a full disk must not stop predictions. The caller counts
        the dropped records (`prediction_log_dropped_total` in /metrics).
        """
        timestamp = datetime.now(timezone.utc).isoformat()
        lines = [
            json.dumps(
                log_record(features, result, model_version, request_id, timestamp),
                separators=(",", ":"),
            ).encode("utf-8")
            + b"\n"
            for features, result in zip(rows, results, strict=True)
        ]
        written = 0
        try:
            with self._thread_lock, self._process_lock():
                self._rotate_if_needed(sum(map(len, lines)))
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    start_on_a_new_line(fd)
                    for line in lines:
                        append_whole_line(fd, line)
                        written += 1
                finally:
                    os.close(fd)
        except OSError as problem:
            if not self._warned:  # warn once per worker, not once per request
                log.warning("prediction log %s is not writable: %s", self.path, problem)
                self._warned = True
        return len(lines) - written

    @contextmanager
    def _process_lock(self) -> Iterator[None]:
        """An exclusive lock shared by all worker processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
            yield

    def _rotate_if_needed(self, incoming: int) -> None:
        """Move the live file aside when `incoming` more bytes would exceed max_bytes."""
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


def stdout_line(record: dict[str, Any]) -> bytes:
    """A record as the service prints it: one JSON line, {"event": "prediction", "record": ...}.

    Wrapped, not printed bare, for two reasons: the platform's log search can
    keep only these lines by one field (event), and no field of the record
    collides with a field the platform gives a meaning of its own (Cloud
    Logging, for one, reads a top-level "timestamp" or "severity").
    """
    wrapped = {"event": EVENT, "record": record}
    return json.dumps(wrapped, separators=(",", ":")).encode("utf-8") + b"\n"


def record_from_stdout_line(text: str) -> dict[str, Any] | None:
    """The record in a line printed by `stdout_line`; None for any other line."""
    try:
        wrapped = json.loads(text)
    except ValueError:
        return None  # gunicorn's own lines, tracebacks ...: not ours
    return record_from_payload(wrapped)


def record_from_payload(wrapped: Any) -> dict[str, Any] | None:
    """The record in an already-parsed stdout line (Cloud Logging parses them for us)."""
    if not isinstance(wrapped, dict) or wrapped.get("event") != EVENT:
        return None
    record, problem = parse_line(json.dumps(wrapped.get("record")))
    return record if not problem else None


class StdoutPredictionLog:
    """Print prediction records to standard output (PREDICTION_LOG=stdout).

    Several gunicorn workers share one stdout. Each line goes out in one
    `os.write` call, so lines of different workers do not mix (the kernel
    keeps a single write to a pipe whole up to 4096 bytes; a record is far
    smaller unless a request carries very long text).
    """

    def __init__(self, fd: int = 1):
        self.fd = fd
        self._thread_lock = threading.Lock()
        self._warned = False

    def write(
        self,
        rows: list[dict[str, Any]],
        results: list[dict[str, Any]],
        model_version: str,
        request_id: str,
    ) -> int:
        """Print one line per input row; return how many could not be written."""
        timestamp = datetime.now(timezone.utc).isoformat()
        lines = [
            stdout_line(log_record(features, result, model_version, request_id, timestamp))
            for features, result in zip(rows, results, strict=True)
        ]
        written = 0
        try:
            with self._thread_lock:
                for line in lines:
                    os.write(self.fd, line)
                    written += 1
        except OSError as problem:
            if not self._warned:
                log.warning("prediction records cannot be written to stdout: %s", problem)
                self._warned = True
        return len(lines) - written


def write_records(path: str | Path, records: list[dict[str, Any]]) -> Path:
    """Write records as a prediction log file (JSON lines), replacing the file.

    The drift monitor uses it for records read back from a cloud's logs, so
    `make monitor` reads them exactly as it reads the service's own file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
    return path


class NoPredictionLog(FileNotFoundError):
    """Neither the log nor a rotated copy of it exists; the message says what to do."""


@dataclass
class LoggedPredictions:
    """What `read_log` found: the usable records, and what was wrong with the other lines."""

    records: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    files: list[str] = field(default_factory=list)  # the files read, oldest first
    lines: int = 0
    blank_lines: int = 0
    corrupt_lines: int = 0
    first_corrupt_line: str = ""  # e.g. "predictions.jsonl line 7: not valid JSON"


def log_files(path: str | Path) -> list[Path]:
    """The log and its rotated copies (predictions.jsonl.1, .2 ...), oldest first."""
    path = Path(path)
    rotated = []
    for sibling in path.parent.glob(path.name + ".*"):
        suffix = sibling.name[len(path.name) + 1 :]
        if suffix.isdigit():  # skips predictions.jsonl.lock
            rotated.append((int(suffix), sibling))
    # A higher number is an older file; the live log is the newest of all.
    files = [sibling for _, sibling in sorted(rotated, reverse=True)]
    return files + ([path] if path.is_file() else [])


def parse_line(line: str) -> tuple[dict[str, Any] | None, str]:
    """Return (record, "") for a usable line, or (None, what is wrong with it)."""
    try:
        record = json.loads(line)
    except ValueError:
        return None, "not valid JSON"
    if not isinstance(record, dict) or not isinstance(record.get("features"), dict):
        return None, "no 'features' object"
    if "prediction" not in record:
        return None, "no 'prediction'"
    return record, ""


def read_log(path: str | Path) -> LoggedPredictions:
    """Read the log and its rotated copies; blank and corrupt lines are counted and skipped.

    A crash mid-write or a hand-edited file must not stop monitoring, so a bad
    line never raises: it is counted, and the first one is named for the report.
    """
    files = log_files(path)
    if not files:
        raise NoPredictionLog(
            f"no prediction log at {path}: start the service (`make serve`) and send it "
            "requests (`make simulate-traffic`), or set PREDICTION_LOG to the log's path"
        )
    found = LoggedPredictions(files=[str(file) for file in files])
    for file in files:
        with file.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                found.lines += 1
                if not line.strip():
                    found.blank_lines += 1
                    continue
                record, problem = parse_line(line)
                if record is None:
                    found.corrupt_lines += 1
                    if not found.first_corrupt_line:
                        found.first_corrupt_line = f"{file.name} line {number}: {problem}"
                    continue
                found.records.append(record)
    return found
