"""`make cloud-logs`: turn a cloud's log search output into a prediction log file.

In the cloud the service prints each prediction as one JSON line on stdout
(PREDICTION_LOG=stdout; serving/prediction_log.py owns that format) and the
platform keeps it. The scheduled drift monitor asks the platform for the last
day of those lines with its own command line tool, saves the answer as JSON,
and this module turns that answer into logs/predictions.jsonl, the file
`make monitor` reads. Each cloud's tool answers in its own shape:

    aws    `aws logs filter-log-events ... --output json`
           {"events": [{"logStreamName", "timestamp", "message", "ingestionTime",
                        "eventId"}, ...], "searchedLogStreams": [...]}
           "message" is the line the service printed.
    gcp    `gcloud logging read FILTER --format=json`
           [{"insertId", "jsonPayload": {...}, "logName", "receiveTimestamp",
             "resource": {...}, "timestamp", ...}, ...], newest first.
           Cloud Logging parses a JSON line into "jsonPayload"; a line it could
           not parse arrives as "textPayload".
    azure  `az monitor log-analytics query --analytics-query QUERY --output json`
           [{"TableName": "PrimaryResult", <one key per column>}, ...]
           The console line is the column "Log_s" (table
           ContainerAppConsoleLogs_CL) or "Log" (ContainerAppConsoleLogs).

Lines that are not prediction records (gunicorn's messages, request logs)
are skipped and counted. Records are written oldest first, as the service
itself writes them, so the monitor's `window` keeps the most recent ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..serving.prediction_log import (
    DEFAULT_PATH,
    record_from_payload,
    record_from_stdout_line,
    write_records,
)


class CloudLogError(ValueError):
    """The file is not the output the named cloud's tool gives; the message says why."""


def aws_lines(output: Any) -> Iterator[Any]:
    """The printed lines in `aws logs filter-log-events` output."""
    if not isinstance(output, dict) or not isinstance(output.get("events"), list):
        raise CloudLogError('expected the JSON of `aws logs filter-log-events`: {"events": [...]}')
    for event in output["events"]:
        yield event.get("message", "") if isinstance(event, dict) else None


def gcp_lines(output: Any) -> Iterator[Any]:
    """The printed lines (parsed or not) in `gcloud logging read --format=json` output."""
    if not isinstance(output, list):
        raise CloudLogError("expected the JSON of `gcloud logging read --format=json`: [...]")
    for entry in output:
        if not isinstance(entry, dict):
            yield None
        elif "jsonPayload" in entry:
            yield entry["jsonPayload"]  # already parsed by Cloud Logging
        else:
            yield entry.get("textPayload", "")


def azure_lines(output: Any) -> Iterator[Any]:
    """The printed lines in `az monitor log-analytics query` output."""
    if not isinstance(output, list):
        raise CloudLogError("expected the JSON of `az monitor log-analytics query`: [...]")
    for row in output:
        if not isinstance(row, dict):
            yield None
        else:
            yield row.get("Log_s", row.get("Log", ""))


READERS: dict[str, Callable[[Any], Iterator[Any]]] = {
    "aws": aws_lines,
    "gcp": gcp_lines,
    "azure": azure_lines,
}


def records_from(cloud: str, output: Any) -> tuple[list[dict[str, Any]], int]:
    """(prediction records oldest first, number of other lines skipped)."""
    records: list[dict[str, Any]] = []
    skipped = 0
    for line in READERS[cloud](output):
        if isinstance(line, str):
            record = record_from_stdout_line(line)
        else:
            record = record_from_payload(line)
        if record is None:
            skipped += 1
        else:
            records.append(record)
    # ISO timestamps in UTC sort as text; a stable sort keeps the rows of one
    # request (same timestamp) in their order. gcloud lists newest first.
    records.sort(key=lambda record: str(record.get("timestamp", "")))
    return records, skipped


def cmd_cloud_logs(args: argparse.Namespace) -> int:
    """Convert the saved output; exit 0 with records, 2 when there is nothing to check."""
    try:
        output = json.loads(Path(args.input).read_text(encoding="utf-8"))
        records, skipped = records_from(args.cloud, output)
    except (OSError, ValueError) as problem:
        print(f"cloud-logs: cannot read {args.input}: {problem}", file=sys.stderr)
        return 2
    if not records:
        print(
            f"cloud-logs: no prediction records in {args.input} ({skipped} other line(s)). "
            "Is PREDICTION_LOG=stdout set on the service, and has it had requests?",
            file=sys.stderr,
        )
        return 2
    path = write_records(args.output, records)
    print(f"wrote {len(records)} prediction record(s) to {path} ({skipped} other line(s) skipped)")
    return 0


def add_command(commands) -> None:
    """Register `cloud-logs` on the package's command line (__main__.py)."""
    p = commands.add_parser("cloud-logs", help="a cloud log search's JSON -> prediction log")
    p.add_argument("cloud", choices=sorted(READERS), help="whose tool wrote the file")
    p.add_argument("input", help="the JSON the cloud's log search printed")
    p.add_argument("--output", default=DEFAULT_PATH, help="the prediction log to write")
    p.set_defaults(run=cmd_cloud_logs)
