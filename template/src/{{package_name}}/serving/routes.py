"""The endpoints of the prediction service, in one Flask Blueprint.

A Blueprint is a group of routes that `create_app` (app.py) attaches to the
app. The routes keep no state of their own: the loaded model, the reason it
could not be loaded, and the prediction log are in `current_app.extensions`,
put there once per worker by `create_app`; the settings are in
`current_app.config`.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template

from ..predictor import InvalidInput, Predictor
from ..spec import SPEC
from . import prometheus
from .errors import ApiError
from .openapi import API_TITLE, build_openapi
from .request_body import read_json
from .swagger_ui import swagger_ui_page

api = Blueprint("api", __name__)

BODY_SHAPE = 'the body must be {"features": {...}} or {"instances": [{...}, ...]}'


def loaded_predictor() -> Predictor:
    """The model of this worker, or a 503 that says why there is none."""
    predictor = current_app.extensions["predictor"]
    if predictor is None:
        raise ApiError(503, current_app.extensions["model_load_problem"])
    return predictor


# -- checking POST /predict's body ------------------------------------------------------


def check_batch(instances: Any, max_batch_size: int) -> list[Any]:
    """A batch must be a non-empty list of at most `max_batch_size` records."""
    if not isinstance(instances, list) or not instances:
        raise ApiError(422, "instances must be a non-empty list of records", "instances")
    if len(instances) > max_batch_size:
        raise ApiError(
            422,
            f"at most {max_batch_size} instances per request, got {len(instances)}: "
            "split the batch",
            "instances",
        )
    return instances


def parse_body(max_batch_size: int) -> tuple[list[Any], bool]:
    """Read the request body: (records, was_it_a_batch). Raises ApiError."""
    body = read_json()
    if not isinstance(body, dict):
        raise ApiError(422, BODY_SHAPE)
    if set(body) == {"features"}:
        return [body["features"]], False
    if set(body) == {"instances"}:
        return check_batch(body["instances"], max_batch_size), True
    unknown = sorted(set(body) - {"features", "instances"})
    if unknown:
        raise ApiError(422, f"unknown key(s) {', '.join(unknown)}: {BODY_SHAPE}", unknown[0])
    raise ApiError(422, f"send either features or instances, not both: {BODY_SHAPE}")


def checked_records(predictor: Predictor, records: list[Any], is_batch: bool) -> list[dict]:
    """Check every record (see Predictor.check), or raise a 422 naming the field at fault.

    In a batch the field names the record by its index too, e.g. instances[3].age.
    """
    checked = []
    for index, record in enumerate(records):
        try:
            checked.append(predictor.check(record))
        except InvalidInput as problem:
            if not is_batch:
                raise ApiError(422, str(problem), problem.field) from None
            field = f"instances[{index}]" + (f".{problem.field}" if problem.field else "")
            raise ApiError(422, f"instances[{index}]: {problem}", field) from None
    return checked


# -- the endpoints ---------------------------------------------------------------------


@api.get("/health")
def health() -> Response:
    """Liveness: the process answers, model or not."""
    return jsonify(status="ok")


@api.get("/ready")
def ready() -> Response:
    """Readiness: 200 once the model is loaded, 503 (with the reason) before."""
    return jsonify(status="ready", model_version=loaded_predictor().version)


@api.post("/predict")
def predict() -> Response:
    """Check the record(s), predict, count and log them, answer with the model version.

    The log gets the checked records, so an optional feature the client left
    out is logged as null: monitoring counts it as a missing value.
    """
    predictor = loaded_predictor()
    records, is_batch = parse_body(current_app.config["MAX_BATCH_SIZE"])
    # Checked records are complete: an optional feature left out is there as None.
    records = checked_records(predictor, records, is_batch)
    results = predictor.predict(records)

    prometheus.count_predictions(results, predictor.task, predictor.metadata.target_quartiles)
    request_id = uuid.uuid4().hex
    prediction_log = current_app.extensions["prediction_log"]
    if prediction_log:
        dropped = prediction_log.write(records, results, predictor.version, request_id)
        prometheus.count_dropped_log_records(dropped)  # a full disk shows in /metrics

    if is_batch:
        response = jsonify(predictions=results, model_version=predictor.version)
    else:
        response = jsonify(**results[0], model_version=predictor.version)
    response.headers["X-Request-ID"] = request_id  # find this request in the log
    return response


@api.get("/model")
def model_info() -> Response:
    """The model's metadata.json: version, test metrics, feature schema ..."""
    return jsonify(loaded_predictor().metadata.to_dict())


@api.get("/metrics")
def prometheus_metrics() -> Response:
    payload, content_type = prometheus.render()
    return Response(payload, content_type=content_type)


@api.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(build_openapi(loaded_predictor(), current_app.config["MAX_BATCH_SIZE"]))


@api.get("/docs")
def docs() -> Response:
    """Swagger UI, here as well as at /docs/, so GET /docs needs no redirect."""
    return swagger_ui_page()


@api.get("/")
def form() -> tuple[str, int] | str:
    """A page to try the model, filled in with the spec's first example record."""
    predictor = current_app.extensions["predictor"]
    if predictor is None:
        problem = current_app.extensions["model_load_problem"]
        return render_template("not_ready.html", title=API_TITLE, problem=problem), 503
    return render_template(
        "form.html",
        title=API_TITLE,
        schema=predictor.schema,
        optional=predictor.optional,
        features={feature.name: feature for feature in SPEC.features},
        example=SPEC.examples[0],
        task=predictor.task,
        target=predictor.metadata.target,
        model_version=predictor.version,
    )
