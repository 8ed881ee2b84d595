"""`make simulate-traffic`: send realistic requests to the running service.

Rows are drawn from the project's own data set (for the churn use case: new
synthetic customers from the same generator), so by default the traffic
looks like the training data and `make monitor` should find no drift.
`--shift` changes one feature on purpose, so you can watch drift appear:

    --shift tenure_months=12        add 12 to every tenure_months
    --shift tenure_months=0.5std    add half a standard deviation
    --shift contract=two-year       make half of the requests "two-year"
    --shift contract=two-year:0.8   ... or 80% of them

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

from . import data

MAX_REQUESTS = 10_000
DEFAULT_CATEGORY_SHARE = 0.5


class ShiftError(ValueError):
    """A --shift argument that cannot be applied; the message says why."""


def parse_shift(text: str) -> tuple[str, str]:
    name, sep, amount = text.partition("=")
    if not sep or not name or not amount:
        raise ShiftError(f"--shift needs feature=amount, got {text!r}")
    if name not in data.FEATURES:
        raise ShiftError(f"unknown feature {name!r} in --shift; features: {data.FEATURES}")
    return name, amount


def apply_shift(frame: pd.DataFrame, name: str, amount: str, rng) -> tuple[pd.DataFrame, str]:
    """Return a copy of `frame` with one feature shifted, and a description."""
    frame = frame.copy()
    if name in data.NUMERIC_FEATURES:
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
        if pd.api.types.is_integer_dtype(frame[name]):
            shifted = shifted.round().astype(int)  # an integer feature stays whole
            if abs(delta) < 0.5:
                description += " (rounds to no change: this feature holds whole numbers)"
        frame[name] = shifted
        return frame, description
    category, _, share_text = amount.partition(":")
    if category not in data.CATEGORIES[name]:
        raise ShiftError(f"{name} must be one of {data.CATEGORIES[name]}, got {category!r}")
    try:
        share = float(share_text) if share_text else DEFAULT_CATEGORY_SHARE
    except ValueError:
        raise ShiftError(f"share after ':' must be a number, got {share_text!r}") from None
    chosen = rng.random(len(frame)) < share
    frame.loc[chosen, name] = category
    return frame, f"{name} = {category!r} for {share:.0%} of requests"


def sample_requests(n: int, seed: int, shifts: list[str]) -> tuple[list[dict[str, Any]], list]:
    """Draw `n` feature records (with replacement) and apply the shifts."""
    rng = np.random.default_rng(seed)
    X, _ = data.load_data(seed=seed)
    frame = X.iloc[rng.integers(0, len(X), size=n)].reset_index(drop=True)
    described = []
    for text in shifts:
        name, amount = parse_shift(text)
        frame, description = apply_shift(frame, name, amount, rng)
        described.append(description)
    # to_dict gives plain Python numbers and strings, ready for JSON.
    return frame.to_dict(orient="records"), described


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


def cmd_simulate(args: argparse.Namespace) -> int:
    if not 1 <= args.requests <= MAX_REQUESTS:
        print(f"--requests must be between 1 and {MAX_REQUESTS}", file=sys.stderr)
        return 2
    try:
        records, described = sample_requests(args.requests, args.seed, args.shift)
    except ShiftError as problem:
        print(f"simulate-traffic: {problem}", file=sys.stderr)
        return 2
    url = args.url.rstrip("/") + "/predict"
    statuses: dict[int, int] = {}
    for features in records:
        try:
            status = post(url, features)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as problem:
            print(
                f"simulate-traffic: cannot reach {url} ({problem}). "
                "Is the service running? Start it with `make serve`.",
                file=sys.stderr,
            )
            return 1
        statuses[status] = statuses.get(status, 0) + 1
    ok = statuses.get(200, 0)
    print(f"sent {len(records)} request(s) to {url}: {ok} answered 200", end="")
    failed = {code: count for code, count in statuses.items() if code != 200}
    print(f", others {failed}" if failed else "")
    if described:
        print("shifted: " + "; ".join(described))
    return 0 if ok == len(records) else 1


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
        help="drift one feature on purpose, e.g. tenure_months=0.5std (repeatable)",
    )
    p.set_defaults(run=cmd_simulate)
