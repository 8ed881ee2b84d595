"""Prometheus metrics of the service: what it does, in numbers a dashboard can plot.

These are operational metrics (requests, latency, predictions made), scraped
by Prometheus. The model's quality metrics (accuracy, ROC AUC, MAE ...) are a
different thing: training/evaluate.py computes those on test data.

Exposed at `GET /metrics` in Prometheus' text format:

    http_requests_total{endpoint, method, status}   requests answered
    http_request_duration_seconds{endpoint}          latency histogram
    predictions_total{prediction}                    predictions by class
                                                     (or by value range for regression)
    prediction_log_dropped_total                     records the prediction log could
                                                     not store (full disk ...)

Gunicorn runs several worker processes, each with its own memory. So that
`/metrics` shows the totals of *all* workers (not of whichever worker answered
the scrape), gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR: every worker then
writes its numbers to files there and `/metrics` adds them up. Without that
variable (tests, `flask run`) the numbers of the one process are shown.
"""

from __future__ import annotations

import os
import time
from collections import Counter as Tally
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by endpoint, method and status code.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
PREDICTIONS = Counter(
    "predictions_total",
    "Predictions made, by predicted class (classification) or value range (regression).",
    ["prediction"],
)
LOG_DROPPED = Counter(
    "prediction_log_dropped_total",
    "Prediction records that could not be written to the prediction log (full disk ...).",
)


def prediction_bucket(value: float, edges: list[float]) -> str:
    """Name the range a regression prediction falls into, e.g. "100-150".

    Counting exact float values would create a new time series per request;
    a few fixed ranges (quartiles of the training target) keep it small.
    """
    lower = "-inf"
    for edge in edges:
        if value < edge:
            return f"{lower}-{edge:g}"
        lower = f"{edge:g}"
    return f"{lower}-inf"


# The methods a metric label may name; anything else is counted as "other".
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def start_timer() -> None:
    g.started = time.perf_counter()


def count_request(response: Response) -> Response:
    """Count every answered request and time it, by route pattern."""
    # The route pattern, not the raw path: unknown paths must not each
    # create a new time series.
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    method = request.method if request.method in KNOWN_METHODS else "other"  # same reason
    REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
    if "started" in g:
        LATENCY.labels(endpoint).observe(time.perf_counter() - g.started)
    return response


def count_requests_of(app: Flask) -> None:
    """Measure every request `app` answers, errors included."""
    app.before_request(start_timer)
    app.after_request(count_request)


def count_predictions(
    results: list[dict[str, Any]], task: str, quartiles: list[float] | None
) -> None:
    """Add one batch of predictions to `predictions_total`.

    Classes are counted by label, which may be any text ("Adelie", "yes",
    "grade \"A\""): prometheus_client escapes quotes, backslashes and line
    breaks in label values, so the metrics page stays valid. There are only as
    many labels as classes, so the number of time series stays small.
    """
    if task == "regression":
        values = Tally(
            prediction_bucket(result["prediction"], quartiles or []) for result in results
        )
    else:
        values = Tally(result["label"] for result in results)
    for value, count in values.items():
        PREDICTIONS.labels(value).inc(count)


def count_dropped_log_records(count: int) -> None:
    """Add records the prediction log could not store (its `write` returns how many)."""
    if count:
        LOG_DROPPED.inc(count)


def render() -> tuple[bytes, str]:
    """The metrics page and its content type, summed over workers when needed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
