"""`make monitor`: compare logged prediction requests with the training data.

Steps: read the prediction log (JSON lines, one request row per line), keep
the most recent rows, compare each feature and the predictions with
models/reference.json (drift.py), write an HTML report, a JSON summary and a
Markdown summary (drift_report.py), and exit with a code a scheduler can act on:

    0  no drift
    1  drift found (the report names the features)
    2  could not check (no log, too few rows, no reference ...): the message says why
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .config import load_params
from .reference import REFERENCE_FILE, ReferenceError, load_reference

DEFAULT_LOG = "logs/predictions.jsonl"
NO_DRIFT, DRIFT, CANNOT_CHECK = 0, 1, 2


class MonitorError(RuntimeError):
    """Monitoring cannot give an answer; the message says why and what to do."""


@dataclass
class PredictionLog:
    """The usable rows of a prediction log, and what was wrong with the rest."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    lines: int = 0
    blank: int = 0
    corrupt: int = 0
    first_corrupt: str = ""


def log_files(path: Path) -> list[Path]:
    """The log and its rotated copies (predictions.jsonl.1, .2 ...), oldest first."""
    rotated = []
    for sibling in path.parent.glob(path.name + ".*"):
        suffix = sibling.name[len(path.name) + 1 :]
        if suffix.isdigit():
            rotated.append((int(suffix), sibling))
    # A higher number is an older file; the live log is the newest of all.
    files = [p for _, p in sorted(rotated, reverse=True)]
    return files + ([path] if path.is_file() else [])


def read_log(path: str | Path) -> PredictionLog:
    """Parse the JSON lines log; blank and corrupt lines are counted and skipped.

    A usable line is a JSON object with a "features" object and a
    "prediction" (the contract the API writes, see prediction_log.py).
    """
    path = Path(path)
    files = log_files(path)
    if not files:
        raise MonitorError(
            f"no prediction log at {path}: start the service (`make serve`) and send it "
            "requests (`make simulate-traffic`), or set PREDICTION_LOG to the log's path"
        )
    log = PredictionLog(files=[str(f) for f in files])
    for file in files:
        with file.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                log.lines += 1
                if not line.strip():
                    log.blank += 1
                    continue
                problem = ""
                try:
                    record = json.loads(line)
                except ValueError:
                    problem = "not valid JSON"
                else:
                    if not isinstance(record, dict) or not isinstance(record.get("features"), dict):
                        problem = "no 'features' object"
                    elif "prediction" not in record:
                        problem = "no 'prediction'"
                if problem:
                    log.corrupt += 1
                    log.first_corrupt = log.first_corrupt or f"{file.name} line {number}: {problem}"
                    continue
                log.rows.append(record)
    return log


def _usable(value: Any, kind: str) -> bool:
    """A real, finite number for numeric features; any non-empty scalar for categories."""
    if kind == "numeric":
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    return isinstance(value, (str, int)) and not isinstance(value, bool) and value != ""


def monitoring_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The `monitoring:` section of params.yaml, checked."""
    settings = params.get("monitoring")
    if not isinstance(settings, dict):
        raise MonitorError("params.yaml has no `monitoring:` section (thresholds for drift)")
    missing = [k for k in ("min_rows", "window", "psi_threshold", "p_value") if k not in settings]
    if missing:
        raise MonitorError(f"params.yaml `monitoring:` is missing {', '.join(missing)}")
    return settings


def compare(
    reference: dict[str, Any], log: PredictionLog, settings: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list]]:
    """Run every drift check; return the summary and the logged values per column.

    Raises MonitorError when there is too little data to judge.
    """
    from .drift import check_column

    rows = log.rows[-int(settings["window"]) :]  # only the most recent requests
    min_rows = int(settings["min_rows"])
    if len(rows) < min_rows:
        raise MonitorError(
            f"only {len(rows)} usable logged request(s) in {', '.join(log.files)}; at least "
            f"{min_rows} are needed to judge drift (params.yaml monitoring.min_rows). "
            "Send more traffic, e.g. `make simulate-traffic`."
            + (f" {log.corrupt} corrupt line(s) were skipped." if log.corrupt else "")
        )

    warnings: list[str] = []
    columns: dict[str, list] = {}
    absent: list[str] = []
    for name, summary in reference["features"].items():
        present = [row["features"][name] for row in rows if name in row["features"]]
        values = [value for value in present if _usable(value, summary["kind"])]
        if not present:
            absent.append(name)
            continue
        if len(present) < len(rows):
            warnings.append(f"feature '{name}' is missing from {len(rows) - len(present)} row(s)")
        if len(values) < len(present):
            warnings.append(
                f"feature '{name}' has {len(present) - len(values)} unusable value(s) "
                f"(expected {'a number' if summary['kind'] == 'numeric' else 'a category'})"
            )
        columns[name] = values
    if absent:
        raise MonitorError(
            f"feature(s) missing from every logged request: {', '.join(absent)}. Was the log "
            "written by a model with other features? Retrain (`make train`) or start a new log."
        )

    # Predictions only mean something for the model the reference belongs to.
    version = reference.get("model_version")
    predictions = [
        row["prediction"] for row in rows if version is None or row.get("model_version") == version
    ]
    prediction_kind = reference["prediction"]["kind"]
    predictions = [value for value in predictions if _usable(value, prediction_kind)]

    checks_to_run = [
        (name, reference["features"][name], values) for name, values in columns.items()
    ]
    if len(predictions) >= min_rows:
        columns["prediction"] = predictions
        checks_to_run.append(("prediction", reference["prediction"], predictions))
    else:
        warnings.append(
            f"prediction check skipped: {len(predictions)} logged prediction(s) from model "
            f"{version}, fewer than {min_rows}"
        )

    alpha = float(settings["p_value"]) / len(checks_to_run)  # Bonferroni
    results = []
    for name, summary, values in checks_to_run:
        if len(values) < min_rows:
            warnings.append(f"feature '{name}' not checked: only {len(values)} usable value(s)")
            continue
        results.append(check_column(name, summary, values, settings, alpha).to_dict())

    features = [r for r in results if r["name"] != "prediction"]
    prediction = next((r for r in results if r["name"] == "prediction"), None)
    drifted = [r["name"] for r in results if r["drifted"]]
    summary = {
        "drift": bool(drifted),
        "drifted": drifted,
        "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_version": version,
        "reference_rows": reference.get("rows"),
        "log": {
            "files": log.files,
            "lines": log.lines,
            "rows_compared": len(rows),
            "blank_lines": log.blank,
            "corrupt_lines": log.corrupt,
            "first_corrupt_line": log.first_corrupt or None,
        },
        "settings": {
            "window": int(settings["window"]),
            "min_rows": min_rows,
            "psi_threshold": float(settings["psi_threshold"]),
            "p_value": float(settings["p_value"]),
            "p_value_per_check": alpha,
        },
        "warnings": warnings,
        "features": features,
        "prediction": prediction,
    }
    return summary, columns


def print_summary(summary: dict[str, Any], out=None) -> None:
    """A short table on the terminal; the HTML report has the plots."""
    out = out or sys.stdout
    log = summary["log"]
    print(
        f"Drift check of {log['rows_compared']} logged request(s) against the training data "
        f"of model {summary['model_version']}",
        file=out,
    )
    if log["corrupt_lines"] or log["blank_lines"]:
        print(
            f"  skipped {log['corrupt_lines']} corrupt and {log['blank_lines']} blank line(s)"
            + (f"; first corrupt: {log['first_corrupt_line']}" if log["corrupt_lines"] else ""),
            file=out,
        )
    for warning in summary["warnings"]:
        print(f"  warning: {warning}", file=out)
    print(f"  {'column':<28} {'test':<10} {'PSI':>7} {'p-value':>9}  result", file=out)
    checks = summary["features"] + ([summary["prediction"]] if summary["prediction"] else [])
    for check in checks:
        verdict = "DRIFT" if check["drifted"] else "ok"
        print(
            f"  {check['name']:<28} {check['test']:<10} {check['psi']:>7.3f} "
            f"{check['p_value']:>9.2g}  {verdict}",
            file=out,
        )
    if summary["drift"]:
        print(f"DRIFT detected in: {', '.join(summary['drifted'])}", file=out)
    else:
        print("No drift detected.", file=out)


def cmd_monitor(args: argparse.Namespace) -> int:
    from .drift_report import write_reports

    try:
        settings = monitoring_settings(load_params(args.params))
        reference = load_reference(args.reference)
        log = read_log(args.log)
        summary, columns = compare(reference, log, settings)
    except (MonitorError, ReferenceError, FileNotFoundError, ValueError) as problem:
        print(f"monitor: cannot check drift: {problem}", file=sys.stderr)
        return CANNOT_CHECK
    print_summary(summary)
    paths = write_reports(summary, reference, columns, args.output_dir)
    print(f"Report: {paths['html']} (summary: {paths['json']})")
    return DRIFT if summary["drift"] else NO_DRIFT


def add_command(commands) -> None:
    """Register `monitor` on the package's command line (__main__.py)."""
    p = commands.add_parser("monitor", help="compare logged requests with the training data")
    p.add_argument(
        "--log",
        default=os.environ.get("PREDICTION_LOG", DEFAULT_LOG),
        help="prediction log, JSON lines (default: $PREDICTION_LOG or %(default)s)",
    )
    p.add_argument("--reference", default=f"models/{REFERENCE_FILE}")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--output-dir", default="reports/drift", help="where the report goes")
    p.set_defaults(run=cmd_monitor)
