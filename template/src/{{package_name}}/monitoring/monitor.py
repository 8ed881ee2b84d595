"""`make monitor`: compare logged prediction requests with the training data.

Steps: read the prediction log (serving/prediction_log.py owns its format),
keep the most recent records, compare each feature and the predictions with
models/reference.json (drift.py), write an HTML report, a JSON summary and a
Markdown summary (report.py), and exit with a code a scheduler can act on:

    0  no drift
    1  drift found (the report names the features)
    2  could not check (no log, too few rows, no reference ...): the message says why

(`make monitor` itself exits 2 whenever the command fails: the scheduled
workflow tells drift from "could not check" by whether summary.json exists.)
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from ..config import load_params
from ..serving.prediction_log import DEFAULT_PATH, LoggedPredictions, read_log
from ..training.reference import REFERENCE_FILE, ReferenceError, load_reference

NO_DRIFT, DRIFT, CANNOT_CHECK = 0, 1, 2
REQUIRED_SETTINGS = ("min_rows", "window", "psi_threshold", "p_value")


@dataclass
class ColumnToCheck:
    """One column to compare with the training data, and what the log holds for it."""

    name: str
    summary: dict[str, Any]  # its entry in reference.json
    values: list[Any]  # the usable logged values
    missing: int = 0  # logged rows with no value (null): allowed for optional features
    reference_missing_share: float = 0.0  # share of training rows with no value


class MonitorError(RuntimeError):
    """Monitoring cannot give an answer; the message says why and what to do."""


def is_usable(value: Any, kind: str) -> bool:
    """A real, finite number for numeric columns; any non-empty scalar for categories.

    `True` is an int in Python, so booleans are refused explicitly: a logged
    `true` is a client bug, not the number 1.
    """
    if isinstance(value, bool):
        return False
    if kind == "numeric":
        return isinstance(value, (int, float)) and math.isfinite(value)
    return isinstance(value, (str, int)) and value != ""


def is_missing(value: Any) -> bool:
    """No value: null in the log (an optional feature left out), or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def reference_missing_share(summary: dict[str, Any], rows: int | None) -> float:
    """The share of training rows that had no value in this column.

    reference.json counts, per column, the rows that had a value (`count`)
    out of all training rows (`rows`); the difference is the missing ones.
    """
    if not rows:
        return 0.0
    return max(0.0, 1 - summary.get("count", rows) / rows)


def monitoring_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The `monitoring:` section of params.yaml, checked."""
    settings = params.get("monitoring")
    if not isinstance(settings, dict):
        raise MonitorError("params.yaml has no `monitoring:` section (thresholds for drift)")
    missing = [name for name in REQUIRED_SETTINGS if name not in settings]
    if missing:
        raise MonitorError(f"params.yaml `monitoring:` is missing {', '.join(missing)}")
    return settings


def recent_records(logged: LoggedPredictions, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The last `window` records; MonitorError if fewer than `min_rows` are left.

    Only recent traffic says how the service is used today; too few rows make
    every statistical test unreliable, so we refuse to guess.
    """
    records = logged.records[-int(settings["window"]) :]
    min_rows = int(settings["min_rows"])
    if len(records) < min_rows:
        raise MonitorError(
            f"only {len(records)} usable logged request(s) in {', '.join(logged.files)}; at "
            f"least {min_rows} are needed to judge drift (params.yaml monitoring.min_rows). "
            "Send more traffic, e.g. `make simulate-traffic`."
            + (
                f" {logged.corrupt_lines} corrupt line(s) were skipped."
                if logged.corrupt_lines
                else ""
            )
        )
    return records


def feature_columns(
    reference: dict[str, Any], records: list[dict[str, Any]], warnings: list[str]
) -> list[ColumnToCheck]:
    """The logged values of every reference feature, ready to compare.

    Missing values (null, as logged for an optional feature the client left
    out) are counted, not compared: the drift checks compare the values that
    are there, and the report shows the missing share beside the training's.
    Rows that lack a feature, or hold a value of the wrong type, are left out
    of that feature's check and reported in `warnings`. A feature absent from
    every record means the log belongs to another model: MonitorError.
    """
    columns: list[ColumnToCheck] = []
    absent: list[str] = []
    for name, summary in reference["features"].items():
        present = [record["features"][name] for record in records if name in record["features"]]
        if not present:
            absent.append(name)
            continue
        given = [value for value in present if not is_missing(value)]
        values = [value for value in given if is_usable(value, summary["kind"])]
        if len(present) < len(records):
            missing = len(records) - len(present)
            warnings.append(f"feature '{name}' is missing from {missing} row(s)")
        if len(values) < len(given):
            expected = "a number" if summary["kind"] == "numeric" else "a category"
            warnings.append(
                f"feature '{name}' has {len(given) - len(values)} unusable value(s) "
                f"(expected {expected})"
            )
        columns.append(
            ColumnToCheck(
                name,
                summary,
                values,
                missing=len(present) - len(given),
                reference_missing_share=reference_missing_share(summary, reference.get("rows")),
            )
        )
    if absent:
        raise MonitorError(
            f"feature(s) missing from every logged request: {', '.join(absent)}. Was the log "
            "written by a model with other features? Retrain (`make train`) or start a new log."
        )
    return columns


def reference_model_predictions(
    reference: dict[str, Any], records: list[dict[str, Any]]
) -> list[Any]:
    """The usable predictions made by the model that reference.json belongs to.

    Predictions only mean something for that model: after a retrain, the old
    model's answers would look like drift although nothing in the data moved.
    """
    version = reference.get("model_version")
    kind = reference["prediction"]["kind"]
    return [
        record["prediction"]
        for record in records
        if (version is None or record.get("model_version") == version)
        and is_usable(record["prediction"], kind)
    ]


def run_checks(
    columns: list[ColumnToCheck], settings: dict[str, Any], warnings: list[str]
) -> tuple[list[dict[str, Any]], float]:
    """Check every column with enough values; return the results and the per-check level.

    The significance level is split over the checks (Bonferroni, see drift.py).
    """
    from .drift import check_column  # scipy loads only when monitoring runs

    min_rows = int(settings["min_rows"])
    alpha = float(settings["p_value"]) / len(columns)
    results = []
    for column in columns:
        if len(column.values) < min_rows:
            missing = f" ({column.missing} missing)" if column.missing else ""
            warnings.append(
                f"feature '{column.name}' not checked: only {len(column.values)} "
                f"usable value(s){missing}"
            )
            continue
        check = check_column(column.name, column.summary, column.values, settings, alpha)
        check.count_missing(column.missing, column.reference_missing_share)
        results.append(check.to_dict())
    return results, alpha


def drift_summary(
    reference: dict[str, Any],
    logged: LoggedPredictions,
    rows_compared: int,
    settings: dict[str, Any],
    results: list[dict[str, Any]],
    alpha: float,
    warnings: list[str],
) -> dict[str, Any]:
    """Everything the check found, as plain data: summary.json and the report read it."""
    drifted = [result["name"] for result in results if result["drifted"]]
    return {
        "drift": bool(drifted),
        "drifted": drifted,
        "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_version": reference.get("model_version"),
        "reference_rows": reference.get("rows"),
        "log": {
            "files": logged.files,
            "lines": logged.lines,
            "rows_compared": rows_compared,
            "blank_lines": logged.blank_lines,
            "corrupt_lines": logged.corrupt_lines,
            "first_corrupt_line": logged.first_corrupt_line or None,
        },
        "settings": {
            "window": int(settings["window"]),
            "min_rows": int(settings["min_rows"]),
            "psi_threshold": float(settings["psi_threshold"]),
            "p_value": float(settings["p_value"]),
            "p_value_per_check": alpha,
        },
        "warnings": warnings,
        "features": [result for result in results if result["name"] != "prediction"],
        "prediction": next((r for r in results if r["name"] == "prediction"), None),
    }


def compare(
    reference: dict[str, Any], logged: LoggedPredictions, settings: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Run every drift check; return the summary and the logged values per column.

    Raises MonitorError when there is too little data to judge.
    """
    records = recent_records(logged, settings)
    warnings: list[str] = []
    to_check = feature_columns(reference, records, warnings)
    predictions = reference_model_predictions(reference, records)
    min_rows = int(settings["min_rows"])
    if len(predictions) >= min_rows:
        to_check.append(ColumnToCheck("prediction", reference["prediction"], predictions))
    else:
        warnings.append(
            f"prediction check skipped: {len(predictions)} logged prediction(s) from model "
            f"{reference.get('model_version')}, fewer than {min_rows}"
        )
    results, alpha = run_checks(to_check, settings, warnings)
    summary = drift_summary(reference, logged, len(records), settings, results, alpha, warnings)
    return summary, {column.name: column.values for column in to_check}


def print_summary(summary: dict[str, Any], out: TextIO | None = None) -> None:
    """A short table on the terminal; the HTML report has the plots."""
    from .drift import checked_columns, missing_text  # scipy loads only when monitoring runs

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
    checks = checked_columns(summary)
    # A "missing" column only when some column has gaps (optional features).
    show_missing = any(missing_text(check) for check in checks)
    heading = f"  {'column':<28} {'test':<10} {'PSI':>7} {'p-value':>9}"
    print(heading + (f"  {'missing':<15}" if show_missing else "") + "  result", file=out)
    for check in checks:
        verdict = "DRIFT" if check["drifted"] else "ok"
        missing = f"  {missing_text(check):<15}" if show_missing else ""
        print(
            f"  {check['name']:<28} {check['test']:<10} {check['psi']:>7.3f} "
            f"{check['p_value']:>9.2g}{missing}  {verdict}",
            file=out,
        )
    if summary["drift"]:
        print(f"DRIFT detected in: {', '.join(summary['drifted'])}", file=out)
    else:
        print("No drift detected.", file=out)


def cmd_monitor(args: argparse.Namespace) -> int:
    """Check the log for drift, write the reports, return the exit code (see the top)."""
    from .report import write_reports  # matplotlib loads only when monitoring runs

    try:
        settings = monitoring_settings(load_params(args.params))
        reference = load_reference(args.reference)
        logged = read_log(args.log)
        summary, columns = compare(reference, logged, settings)
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
        default=os.environ.get("PREDICTION_LOG", DEFAULT_PATH),
        help="prediction log, JSON lines (default: $PREDICTION_LOG or %(default)s)",
    )
    p.add_argument("--reference", default=f"models/{REFERENCE_FILE}")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--output-dir", default="reports/drift", help="where the report goes")
    p.set_defaults(run=cmd_monitor)
