"""The prediction service: a Flask app, served in production by gunicorn.

`create_app()` is an *app factory*: gunicorn calls it once in each worker
process, so each worker loads the model once at start-up, not per request.
It puts the model in `app.extensions` and attaches the pieces that live in
their own modules:

    routes.py          the endpoints (a Blueprint)
    errors.py          every error as JSON
    openapi.py         the OpenAPI document
    swagger_ui.py      the /docs page
    prometheus.py      request and prediction metrics
    prediction_log.py  every prediction, one JSON line each, for monitoring
    request_body.py    reading a body safely: size limit, nesting, slow or early-answered clients

Endpoints (docs/api.md has examples; GET /docs shows the live OpenAPI document):
    GET  /              a form to try the model in a browser
    GET  /health        liveness: the process is up (always 200)
    GET  /ready         readiness: the model is loaded (200) or not (503)
    POST /predict       {"features": {...}} or {"instances": [{...}, ...]}
    GET  /model         model metadata and test metrics
    GET  /metrics       Prometheus metrics
    GET  /openapi.json  OpenAPI 3.1 description of all of the above
    GET  /docs          that description in Swagger UI

Settings come from environment variables (read once, at start-up):
    MODEL_DIR                  where the trained model is (default: models)
    MAX_BATCH_SIZE             most records in one "instances" request (default: 100)
    MAX_BODY_BYTES             largest request body accepted (default: 1000000)
    PREDICTION_LOG             JSON-lines log of predictions (default: logs/predictions.jsonl;
                               "stdout" prints each record as a JSON line for the
                               platform's log service; empty switches logging off)
    PREDICTION_LOG_MAX_BYTES   rotate the log at this size (default: 10000000)
    PREDICTION_LOG_BACKUPS     rotated files to keep (default: 5)
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from ..predictor import Predictor
from ..registry import ModelLoadError
from . import prometheus
from .errors import register_error_handlers
from .prediction_log import DEFAULT_PATH, STDOUT, PredictionLog, StdoutPredictionLog
from .request_body import discard_unread_body
from .routes import api
from .swagger_ui import swagger_ui_blueprint

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "MAX_BATCH_SIZE": 100,
    "MAX_BODY_BYTES": 1_000_000,
    "PREDICTION_LOG": DEFAULT_PATH,  # logs/predictions.jsonl
    "PREDICTION_LOG_MAX_BYTES": 10_000_000,
    "PREDICTION_LOG_BACKUPS": 5,
}


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


def load_predictor(app: Flask, model_dir: str) -> None:
    """Load the model into `app.extensions`, or keep the reason it cannot be loaded."""
    try:
        app.extensions["predictor"] = Predictor.load(model_dir)
        app.extensions["model_load_problem"] = ""
    except ModelLoadError as problem:
        # Start anyway so /health answers; /ready and /predict explain why not ready.
        log.error("model not loaded: %s", problem)
        app.extensions["predictor"] = None
        app.extensions["model_load_problem"] = str(problem)


def open_prediction_log(app: Flask) -> None:
    """The log every prediction is written to (None when PREDICTION_LOG is empty)."""
    path = app.config["PREDICTION_LOG"]
    if path == STDOUT:  # in the cloud: the platform's log service keeps stdout
        app.extensions["prediction_log"] = StdoutPredictionLog()
        return
    app.extensions["prediction_log"] = (
        PredictionLog(
            path,
            max_bytes=app.config["PREDICTION_LOG_MAX_BYTES"],
            backups=app.config["PREDICTION_LOG_BACKUPS"],
        )
        if path
        else None
    )


def create_app(model_dir: str | None = None, config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app and load the model from `model_dir` (or $MODEL_DIR).

    `config` overrides the settings read from the environment (tests use it).
    """
    app = Flask(__name__, static_folder=None)  # pages are inline; Swagger UI serves its own files
    app.config.update(settings_from_env())
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]  # larger bodies get a 413

    load_predictor(app, model_dir or os.environ.get("MODEL_DIR", "models"))
    open_prediction_log(app)

    app.register_blueprint(api)
    app.register_blueprint(swagger_ui_blueprint())
    register_error_handlers(app)
    app.after_request(discard_unread_body)  # read the rest of a body before answering
    prometheus.count_requests_of(app)
    return app
