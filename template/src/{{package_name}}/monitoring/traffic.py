"""`make simulate-traffic`: send realistic requests to the running service.

Rows are drawn (with replacement) from the project's own data set, the one
dataset.yaml describes, so by default the traffic looks like the training
data and `make monitor` should find no drift. A gap in a drawn row (an
optional feature the data file left empty) is sent as null, so optional
features are missing about as often as in the data.

`--shift` changes one feature on purpose, so you can watch drift appear. For
a numeric feature `age` and a category feature `colour` (your own features
are in dataset.yaml; `--help` shows an example with one of them):

    --shift age=12                  add 12 to every age
    --shift age=0.5std              add half a standard deviation
    --shift colour=red              make half of the requests "red"
    --shift colour=red:0.8          ... or 80% of them

A numeric shift moves the values that are there; missing ones stay missing.
The feature to shift in the docs and tests is dataset.yaml's `monitoring.shift`;
a data set with no numeric feature leaves it empty and shifts a category's
mix instead (`shift_example`).

The number of requests is bounded (--requests, at most MAX_REQUESTS).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any

import numpy as np
import pandas as pd

from ..spec import SPEC
from ..training import data

MAX_REQUESTS = 10_000
DEFAULT_CATEGORY_SHARE = 0.5
BAD_ARGUMENTS, SERVICE_FAILED = 2, 1  # exit codes; 0 = every request answered 200


class ShiftError(ValueError):
    """A --shift argument that cannot be applied; the message says why."""


class ServiceUnreachable(ConnectionError):
    """The service did not answer at all (not started, wrong port ...)."""


def shift_example() -> str:
    """A --shift that shows drift on this data set, for --help.

    Half a standard deviation of dataset.yaml's `monitoring.shift` feature (or
    of the first numeric feature); when every feature is a category, 80% of
    the requests get one category of the first feature.
    """
    name = SPEC.monitoring_shift or next(iter(SPEC.numeric_features), "")
    if name:
        return f"{name}=0.5std"
    feature = SPEC.features[0]  # every feature is a category (docs/monitoring.md: the same)
    return f"{feature.name}={feature.categories[-1]}:0.8"


def parse_shift(text: str) -> tuple[str, str]:
    """Split "feature=amount" and check that the feature exists in dataset.yaml."""
    name, sep, amount = text.partition("=")
    if not sep or not name or not amount:
        raise ShiftError(f"--shift needs feature=amount, got {text!r}")
    if name not in SPEC.feature_names:
        raise ShiftError(f"unknown feature {name!r} in --shift; features: {SPEC.feature_names}")
    return name, amount


def shift_numeric(frame: pd.DataFrame, name: str, amount: str) -> str:
    """Add `amount` ("5", or "0.5std" for half a standard deviation) to a column, in place.

    Returns a description such as "age +6.2". An integer feature (dataset.yaml
    type `integer`) stays whole, so a shift smaller than 0.5 rounds away (the
    description says so). Missing values (NaN) stay missing: the standard
    deviation and the shift use the values that are there.
    """
    column = frame[name].astype(float)
    try:
        if amount.endswith("std"):
            delta = float(amount[: -len("std")]) * column.std()
        else:
            delta = float(amount)
    except ValueError:
        raise ShiftError(f"{name} is numeric: use e.g. {name}=5 or {name}=0.5std") from None
    shifted = column + delta
    description = f"{name} {delta:+.4g}"
    if SPEC.feature(name).type == "integer":
        shifted = shifted.round()  # whole numbers (json_ready sends them as ints)
        if abs(delta) < 0.5:
            description += " (rounds to no change: this feature holds whole numbers)"
    frame[name] = shifted
    return description


def shift_category(frame: pd.DataFrame, name: str, amount: str, rng) -> str:
    """Set a share of the rows ("red:0.8"; default half) to one category, in place."""
    categories = list(SPEC.feature(name).categories)
    category, _, share_text = amount.partition(":")
    if category not in categories:
        raise ShiftError(f"{name} must be one of {categories}, got {category!r}")
    try:
        share = float(share_text) if share_text else DEFAULT_CATEGORY_SHARE
    except ValueError:
        raise ShiftError(f"share after ':' must be a number, got {share_text!r}") from None
    chosen = rng.random(len(frame)) < share
    frame.loc[chosen, name] = category
    return f"{name} = {category!r} for {share:.0%} of requests"


def apply_shift(frame: pd.DataFrame, name: str, amount: str, rng) -> tuple[pd.DataFrame, str]:
    """Return a copy of `frame` with one feature shifted, and a description."""
    frame = frame.copy()
    if SPEC.feature(name).is_numeric:
        return frame, shift_numeric(frame, name, amount)
    return frame, shift_category(frame, name, amount, rng)


def json_ready(row: dict[str, Any]) -> dict[str, Any]:
    """One drawn row as the JSON a client sends: a gap becomes null, whole numbers ints.

    pandas marks a gap as NaN (or pd.NA), which JSON has no word for; the API
    takes null for an optional feature. An integer column with gaps is stored
    as floats (181.0); the API accepts those, but 181 reads better in the log.
    """
    record: dict[str, Any] = {}
    for name, value in row.items():
        if pd.isna(value):
            record[name] = None
        elif SPEC.feature(name).type == "integer":
            record[name] = int(value)
        else:
            record[name] = value
    return record


def sample_requests(n: int, seed: int, shifts: list[str]) -> tuple[list[dict[str, Any]], list]:
    """Draw `n` feature records (with replacement) and apply the shifts.

    The same seed gives the same requests, so a demo or a test is repeatable.
    """
    rng = np.random.default_rng(seed)
    X, _ = data.load_data(seed=seed)
    frame = X[SPEC.feature_names].iloc[rng.integers(0, len(X), size=n)].reset_index(drop=True)
    described = []
    for text in shifts:
        name, amount = parse_shift(text)
        frame, description = apply_shift(frame, name, amount, rng)
        described.append(description)
    # to_dict gives plain Python numbers and strings; json_ready turns gaps into null.
    return [json_ready(row) for row in frame.to_dict(orient="records")], described


def post(url: str, features: dict[str, Any], timeout: float = 10.0) -> int:
    """POST one record to /predict and return the HTTP status."""
    body = json.dumps({"features": features}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def send_all(url: str, records: list[dict[str, Any]]) -> dict[int, int]:
    """POST every record; return how many answers each HTTP status got, e.g. {200: 300}."""
    statuses: dict[int, int] = {}
    for features in records:
        try:
            status = post(url, features)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as problem:
            raise ServiceUnreachable(
                f"cannot reach {url} ({problem}). "
                "Is the service running? Start it with `make serve`."
            ) from None
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def cmd_simulate(args: argparse.Namespace) -> int:
    """Send the requests and say how they were answered; exit 0 only if all got 200."""
    if not 1 <= args.requests <= MAX_REQUESTS:
        print(f"--requests must be between 1 and {MAX_REQUESTS}", file=sys.stderr)
        return BAD_ARGUMENTS
    try:
        records, described = sample_requests(args.requests, args.seed, args.shift)
    except ShiftError as problem:
        print(f"simulate-traffic: {problem}", file=sys.stderr)
        return BAD_ARGUMENTS
    url = args.url.rstrip("/") + "/predict"
    try:
        statuses = send_all(url, records)
    except ServiceUnreachable as problem:
        print(f"simulate-traffic: {problem}", file=sys.stderr)
        return SERVICE_FAILED
    ok = statuses.get(200, 0)
    print(f"sent {len(records)} request(s) to {url}: {ok} answered 200", end="")
    failed = {code: count for code, count in statuses.items() if code != 200}
    print(f", others {failed}" if failed else "")
    if described:
        print("shifted: " + "; ".join(described))
    return 0 if ok == len(records) else SERVICE_FAILED


def add_command(commands) -> None:
    """Register `simulate-traffic` on the package's command line (__main__.py)."""
    p = commands.add_parser("simulate-traffic", help="send sample requests to the service")
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the service (%(default)s)")
    p.add_argument("--requests", type=int, default=300, help="how many (%(default)s)")
    p.add_argument("--seed", type=int, default=7, help="random seed of the draw (%(default)s)")
    p.add_argument(
        "--shift",
        action="append",
        default=[],
        metavar="FEATURE=AMOUNT",
        help=f"drift one feature on purpose, e.g. {shift_example()} (repeatable)",
    )
    p.set_defaults(run=cmd_simulate)
