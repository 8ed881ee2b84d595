"""The prediction service: a Flask app, served in production by gunicorn.

`create_app()` is an *app factory*: gunicorn calls it once in each worker
process, so each worker loads the model once at start-up, not per request.

Endpoints (docs/api.md has examples; GET /docs shows the live OpenAPI document):
    GET  /              a form to try the model in a browser
    GET  /health        liveness: the process is up (always 200)
    GET  /ready         readiness: the model is loaded (200) or not (503)
    POST /predict       {"features": {...}} or {"instances": [{...}, ...]}
    GET  /model         model metadata and test metrics
    GET  /metrics       Prometheus metrics
    GET  /openapi.json  OpenAPI 3.1 description of all of the above
    GET  /docs          that description as a web page

Settings come from environment variables (read once, at start-up):
    MODEL_DIR                  where the trained model is (default: models)
    MAX_BATCH_SIZE             most records in one "instances" request (default: 100)
    MAX_BODY_BYTES             largest request body accepted (default: 1000000)
    PREDICTION_LOG             JSON-lines log of predictions (default: logs/predictions.jsonl;
                               set it to an empty value to switch logging off)
    PREDICTION_LOG_MAX_BYTES   rotate the log at this size (default: 10000000)
    PREDICTION_LOG_BACKUPS     rotated files to keep (default: 5)
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import Counter
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException

from . import metrics
from .openapi import build_openapi, example_record
from .predict import InvalidInput, Predictor
from .prediction_log import PredictionLog
from .registry import ModelLoadError

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "MAX_BATCH_SIZE": 100,
    "MAX_BODY_BYTES": 1_000_000,
    "PREDICTION_LOG": "logs/predictions.jsonl",
    "PREDICTION_LOG_MAX_BYTES": 10_000_000,
    "PREDICTION_LOG_BACKUPS": 5,
}


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class ApiError(Exception):
    """A client error: becomes a JSON answer with `status`, `message` and `field`."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error(status: int, message: str, field: str | None = None) -> Response:
    """Every error is JSON with a message a client can act on."""
    body: dict[str, Any] = {"error": message}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    return response


def settings_from_env() -> dict[str, Any]:
    """DEFAULTS, overridden by environment variables of the same name."""
    settings: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        raw = os.environ.get(name)
        if raw is None:
            settings[name] = default
        elif isinstance(default, int):
            try:
                settings[name] = int(raw)
            except ValueError:
                raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
        else:
            settings[name] = raw
    return settings


def parse_body(max_batch_size: int) -> tuple[list[Any], bool]:
    """Read the request body: (records, was_it_a_batch). Raises ApiError."""
    if not request.is_json:
        raise ApiError(400, "send the body as JSON with the header Content-Type: application/json")
    try:
        body = request.get_json()
    except BadRequest:
        raise ApiError(400, "the request body is not valid JSON") from None
    shape = 'the body must be {"features": {...}} or {"instances": [{...}, ...]}'
    if not isinstance(body, dict):
        raise ApiError(422, shape)
    if set(body) == {"features"}:
        return [body["features"]], False
    if set(body) == {"instances"}:
        instances = body["instances"]
        if not isinstance(instances, list) or not instances:
            raise ApiError(422, "instances must be a non-empty list of records", "instances")
        if len(instances) > max_batch_size:
            raise ApiError(
                422,
                f"at most {max_batch_size} instances per request, got {len(instances)}: "
                "split the batch",
                "instances",
            )
        return instances, True
    unknown = sorted(set(body) - {"features", "instances"})
    if unknown:
        raise ApiError(422, f"unknown key(s) {', '.join(unknown)}: {shape}", unknown[0])
    raise ApiError(422, f"send either features or instances, not both: {shape}")


def batch_error(model: Predictor, records: list[Any]) -> ApiError:
    """Name the first bad record of a batch by its index, e.g. instances[3].age."""
    for index, record in enumerate(records):
        try:
            model.check(record)
        except InvalidInput as problem:
            field = f"instances[{index}]" + (f".{problem.field}" if problem.field else "")
            return ApiError(422, f"instances[{index}]: {problem}", field)
    return ApiError(422, "invalid instances", "instances")  # not reached: one record failed


def create_app(model_dir: str | None = None, config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app and load the model from `model_dir` (or $MODEL_DIR).

    `config` overrides the settings read from the environment (tests use it).
    """
    app = Flask(__name__, static_folder=None)  # every page is inline: no static files
    app.config.update(settings_from_env())
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    max_batch_size: int = app.config["MAX_BATCH_SIZE"]

    model_dir = model_dir or os.environ.get("MODEL_DIR", "models")
    try:
        predictor: Predictor | None = Predictor.load(model_dir)
    except ModelLoadError as problem:
        # Start anyway so /health answers; /ready and /predict explain why not ready.
        log.error("model not loaded: %s", problem)
        predictor, load_problem = None, str(problem)
    else:
        load_problem = ""

    prediction_log = None
    if app.config["PREDICTION_LOG"]:
        prediction_log = PredictionLog(
            app.config["PREDICTION_LOG"],
            max_bytes=app.config["PREDICTION_LOG_MAX_BYTES"],
            backups=app.config["PREDICTION_LOG_BACKUPS"],
        )
    title = f"{__package__.replace('_', ' ').title()} prediction API"
    openapi = build_openapi(predictor, max_batch_size, title) if predictor else None
    quartiles = (predictor.metadata.get("target_quartiles") or []) if predictor else []

    def loaded_predictor() -> Predictor:
        if predictor is None:
            raise ApiError(503, load_problem)
        return predictor

    # -- metrics for every request --------------------------------------------------
    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def record_metrics(response: Response) -> Response:
        # The route pattern, not the raw path: unknown paths must not each
        # create a new time series.
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"  # same reason
        metrics.REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        if "started" in g:
            metrics.LATENCY.labels(endpoint).observe(time.perf_counter() - g.started)
        return response

    # -- endpoints ------------------------------------------------------------------
    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/ready")
    def ready():
        return jsonify(status="ready", model_version=loaded_predictor().version)

    @app.post("/predict")
    def predict():
        model = loaded_predictor()
        records, is_batch = parse_body(max_batch_size)
        try:
            results = model.predict(records)  # checks every record first
        except InvalidInput as problem:
            if not is_batch:
                raise ApiError(422, str(problem), problem.field) from None
            raise batch_error(model, records) from None

        if model.task == "regression":
            counts = Counter(metrics.prediction_bucket(r["prediction"], quartiles) for r in results)
        else:
            counts = Counter(result["label"] for result in results)
        for value, count in counts.items():
            metrics.PREDICTIONS.labels(value).inc(count)
        request_id = uuid.uuid4().hex
        if prediction_log:
            prediction_log.write(records, results, model.version, request_id)

        if is_batch:
            response = jsonify(predictions=results, model_version=model.version)
        else:
            response = jsonify(**results[0], model_version=model.version)
        response.headers["X-Request-ID"] = request_id  # find this request in the log
        return response

    @app.get("/model")
    def model_info():
        return jsonify(loaded_predictor().metadata)

    @app.get("/metrics")
    def prometheus_metrics():
        payload, content_type = metrics.render()
        return Response(payload, content_type=content_type)

    @app.get("/openapi.json")
    def openapi_document():
        loaded_predictor()
        return jsonify(openapi)

    @app.get("/docs")
    def docs():
        return render_template("docs.html", title=title)

    @app.get("/")
    def form():
        if predictor is None:
            return render_template("not_ready.html", title=title, problem=load_problem), 503
        return render_template(
            "form.html",
            title=title,
            schema=predictor.schema,
            example=example_record(predictor.schema),
            task=predictor.task,
            target=predictor.metadata["target"],
            model_version=predictor.version,
        )

    # -- errors: always JSON ----------------------------------------------------------
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error(exc.status, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # 404, 405, 413 ... as JSON instead of Flask's HTML pages.
        messages = {
            404: f"no endpoint at {request.path}: see GET /docs for the endpoints",
            405: (
                f"{request.method} is not allowed on {request.path}; "
                f"use {', '.join(sorted(getattr(exc, 'valid_methods', None) or []))}"
            ),
            413: (
                f"the request body is over the {app.config['MAX_BODY_BYTES']} byte limit: "
                "send fewer instances per request"
            ),
        }
        code = exc.code or 500
        response = error(code, messages.get(code, exc.description or exc.name))
        for name, value in exc.get_headers():  # e.g. "Allow: GET, HEAD" on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        # A bug, never the client's fault: log the traceback, answer JSON.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error(500, "internal server error: the traceback is in the server log")

    return app
