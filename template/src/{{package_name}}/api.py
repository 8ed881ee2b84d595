"""The prediction service: a Flask app, served in production by gunicorn.

`create_app()` is an *app factory*: gunicorn calls it once in each worker
process, so each worker loads the model once at start-up, not per request.

Endpoints:
    GET  /health   liveness: the process is up (always 200)
    GET  /ready    readiness: the model is loaded (200) or not (503)
    POST /predict  {"features": {...}} -> prediction, probabilities, model version
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .predict import InvalidInput, Predictor
from .prediction_log import PredictionLogger
from .registry import ModelLoadError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # a single record is a few hundred bytes


def error(status: int, message: str, field: str | None = None):
    """Every error is JSON with a message a client can act on."""
    body: dict[str, Any] = {"error": message}
    if field:
        body["field"] = field
    return jsonify(body), status


def create_app(model_dir: str | None = None) -> Flask:
    """Build the Flask app and load the model from `model_dir` (or $MODEL_DIR)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    model_dir = model_dir or os.environ.get("MODEL_DIR", "models")
    try:
        predictor: Predictor | None = Predictor.load(model_dir)
    except ModelLoadError as problem:
        # Start anyway so /health answers; /ready and /predict explain why not ready.
        log.error("model not loaded: %s", problem)
        predictor, load_problem = None, str(problem)
    else:
        load_problem = ""
    prediction_log = PredictionLogger()  # $PREDICTION_LOG, read by `make monitor`

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/ready")
    def ready():
        if predictor is None:
            return error(503, load_problem)
        return jsonify(status="ready", model_version=predictor.version)

    @app.post("/predict")
    def predict():
        if predictor is None:
            return error(503, load_problem)
        body = request.get_json(silent=True)
        if body is None:
            return error(400, 'request body must be JSON like {"features": {...}}')
        if not isinstance(body, dict) or "features" not in body:
            return error(422, "request body must have a 'features' object", "features")
        try:
            (result,) = predictor.predict([body["features"]])
        except InvalidInput as problem:
            return error(422, str(problem), problem.field)
        try:
            prediction_log.record(body["features"], result["prediction"], predictor.version)
        except OSError as problem:  # a full disk must not stop predictions
            log.warning("prediction not logged: %s", problem)
        return jsonify(**result, model_version=predictor.version)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # 404, 405, 413 ... as JSON instead of Flask's HTML pages.
        return error(exc.code or 500, exc.description or exc.name)

    return app
