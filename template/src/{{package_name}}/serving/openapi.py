"""Describe the API as an OpenAPI 3.1 document, built from the model and the dataset spec.

The document is generated, not written by hand, so it cannot drift from the
model: retrain with new features and `/openapi.json` (and `/docs`) change too.
The feature types and training ranges come from the model's metadata; the
descriptions, units and example records come from the dataset spec
(dataset.yaml). Tools read the document to make clients, Swagger UI at /docs
renders it with "Try it out", and tests (schemathesis) use it to check that
the service answers exactly what it promises.

Each function below builds one part of the document; `build_openapi`
puts them together.
"""

from __future__ import annotations

from typing import Any

from ..predictor import Predictor
from ..spec import SPEC

# "Customer Churn Predictor prediction API": the package's name, readable.
API_TITLE = f"{__name__.split('.')[0].replace('_', ' ').title()} prediction API"


def ref(name: str) -> dict[str, str]:
    """A pointer to one of the schemas in `components`."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref(schema_name)}},
    }


def text_response(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


# -- the request: one record of features, alone or in a batch ---------------------------


OPTIONAL_NOTE = (
    "Optional: send null or leave it out when unknown; the model fills in a typical "
    "value, as it did for the training rows that lacked one"
)


def feature_description(name: str, rule: dict[str, Any]) -> str:
    """The spec's words for a feature, its unit, the training range, and whether it is optional."""
    feature = SPEC.feature(name)
    sentences = [feature.description] if feature.description else []
    if feature.unit:
        sentences.append(f"Unit: {feature.unit}.")
    if rule["type"] != "category":
        sentences.append(
            f"Seen in training between {rule['min']:g} and {rule['max']:g}; "
            "values outside that range are accepted with a warning."
        )
    if rule.get("optional"):
        share = f" ({feature.missing:.1%} of the data's rows)" if feature.missing else ""
        sentences.append(f"{OPTIONAL_NOTE}{share}.")
    return " ".join(sentences)


def feature_property(rule: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one feature's value.

    A category is text, one of those seen in training. An optional feature
    also allows null (JSON Schema lists the types: ["number", "null"]); an
    `enum` must then list null too, or null would still be refused.
    """
    if rule["type"] == "category":
        value: dict[str, Any] = {"type": "string", "enum": list(rule["categories"])}
    else:
        value = {"type": rule["type"]}  # "integer" or "number"
    if rule.get("optional"):
        value["type"] = [value["type"], "null"]
        if "enum" in value:
            value["enum"].append(None)
    return value


def feature_properties(schema: dict[str, dict]) -> dict[str, dict]:
    """One JSON Schema per feature, named exactly as the column in the data.

    Numeric ranges are only described, not enforced (no minimum/maximum):
    the API accepts values outside the training range and warns about them.
    """
    properties: dict[str, dict] = {}
    for name, rule in schema.items():
        properties[name] = feature_property(rule)
        description = feature_description(name, rule)
        if description:
            properties[name]["description"] = description
    return properties


def ignored_properties(predictor: Predictor) -> dict[str, dict]:
    """The data file's excluded columns: any value is accepted, and ignored.

    Listed (with no type) so that a row of the file, minus the target, is a
    valid request, and so that the reader sees why each column is unused.
    """
    columns = SPEC.profile.get("columns_table", [])
    reasons = {column["name"]: column.get("reason", "") for column in columns}
    return {
        name: {
            "description": f"Not used by the model ({reasons.get(name) or 'excluded'}); "
            "accepted and ignored, so a row of the data file can be sent as it is."
        }
        for name in predictor.metadata.ignored_columns
    }


def request_schemas(predictor: Predictor, max_batch_size: int) -> dict[str, Any]:
    """Features (one record), SingleRequest and BatchRequest, with the spec's examples."""
    one, batch = SPEC.examples[0], list(SPEC.examples[:2])
    description = (
        "One record: every required feature of the model, and no others. "
        "Optional features may be null or left out."
        if predictor.optional
        else "One record: every feature of the model, no others."
    )
    if predictor.metadata.ignored_columns:
        description += " The data file's other columns (not the target) are accepted and ignored."
    return {
        "Features": {
            "type": "object",
            "description": description,
            "properties": {
                **feature_properties(predictor.schema),
                **ignored_properties(predictor),
            },
            "required": predictor.required,
            "additionalProperties": False,
            "example": one,
        },
        "SingleRequest": {
            "type": "object",
            "required": ["features"],
            "properties": {"features": ref("Features")},
            "additionalProperties": False,
            "example": {"features": one},
        },
        "BatchRequest": {
            "type": "object",
            "required": ["instances"],
            "properties": {
                "instances": {
                    "type": "array",
                    "items": ref("Features"),
                    "minItems": 1,
                    "maxItems": max_batch_size,
                }
            },
            "additionalProperties": False,
            "example": {"instances": batch},
        },
    }


def request_examples() -> dict[str, Any]:
    """Named examples Swagger UI offers in "Try it out" (a drop-down list).

    Flask sorts JSON keys, so the names are chosen to list one record first.
    """
    return {
        "one_record": {
            "summary": "One record, as `features`",
            "value": {"features": SPEC.examples[0]},
        },
        "two_records": {
            "summary": "A batch of two, as `instances`",
            "value": {"instances": list(SPEC.examples[:2])},
        },
    }


# -- the answers -------------------------------------------------------------------------


def prediction_schema(predictor: Predictor) -> dict[str, Any]:
    """What one prediction looks like for this model's task."""
    warnings = {
        "type": "array",
        "items": {"type": "string"},
        "description": "Features outside the range seen in training.",
    }
    if predictor.task == "regression":
        return {
            "type": "object",
            "required": ["prediction"],
            "properties": {"prediction": {"type": "number"}, "warnings": warnings},
        }
    names = sorted(set(predictor.class_names.values())) or None
    label: dict[str, Any] = {"type": "string"}
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    probabilities: dict[str, Any] = {
        "type": "object",
        "description": "Probability of each class; they add up to 1.",
        "additionalProperties": probability,
    }
    if names:
        label["enum"] = names
        probabilities["required"] = names
    return {
        "type": "object",
        "required": ["prediction", "label", "probabilities"],
        "properties": {
            "prediction": {"type": ["integer", "string"], "description": "The class."},
            "label": label,
            "probabilities": probabilities,
            "warnings": warnings,
        },
    }


def response_schemas(predictor: Predictor) -> dict[str, Any]:
    """Prediction, and the single and batch answers of POST /predict built from it."""
    return {
        "Prediction": prediction_schema(predictor),
        "SingleResponse": {
            "allOf": [
                ref("Prediction"),
                {
                    "type": "object",
                    "required": ["model_version"],
                    "properties": {"model_version": {"type": "string"}},
                },
            ]
        },
        "BatchResponse": {
            "type": "object",
            "required": ["predictions", "model_version"],
            "properties": {
                "predictions": {"type": "array", "items": ref("Prediction")},
                "model_version": {"type": "string"},
            },
        },
    }


def service_schemas() -> dict[str, Any]:
    """The answers of /model, /health and /ready, and the shape of every error."""
    return {
        "ModelInfo": {
            "type": "object",
            "required": ["model_version", "task", "target", "metrics", "features"],
            "properties": {
                "model_version": {"type": "string"},
                "trained_at": {"type": "string"},
                "git_commit": {"type": ["string", "null"]},
                "task": {"type": "string", "enum": ["binary", "multiclass", "regression"]},
                "target": {"type": "string"},
                "threshold": {"type": ["number", "null"]},
                "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
                "baseline_metrics": {
                    "type": "object",
                    "description": "The same metrics for a trivial baseline (the majority "
                    "class, or the mean), which the model must beat.",
                    "additionalProperties": {"type": "number"},
                },
                "class_names": {
                    "type": "object",
                    "description": "Each class code and its label.",
                    "additionalProperties": {"type": "string"},
                },
                "features": {"type": "object"},
                "ignored_columns": {
                    "type": "array",
                    "description": "Columns of the data file the model does not use: "
                    "a request may carry them, and they are ignored.",
                    "items": {"type": "string"},
                },
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["ok"]}},
        },
        "Ready": {
            "type": "object",
            "required": ["status", "model_version"],
            "properties": {
                "status": {"type": "string", "enum": ["ready"]},
                "model_version": {"type": "string"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string", "description": "What went wrong and how to fix it."},
                "field": {"type": "string", "description": "The field at fault, if any."},
            },
        },
    }


# -- the endpoints -----------------------------------------------------------------------

NOT_READY = json_response("Error", "The model is not loaded (see GET /ready).")


def predict_operation() -> dict[str, Any]:
    """POST /predict: one record or a batch in, predictions or a JSON error out."""
    one_of = {"oneOf": [ref("SingleRequest"), ref("BatchRequest")]}
    answers = {"oneOf": [ref("SingleResponse"), ref("BatchResponse")]}
    return {
        "summary": "Predict for one record or a batch",
        "operationId": "predict",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": one_of, "examples": request_examples()}},
        },
        "responses": {
            "200": {
                "description": "The prediction(s) and the model version.",
                "content": {"application/json": {"schema": answers}},
            },
            "400": json_response("Error", "The body is not JSON, or not sent as application/json."),
            "413": json_response("Error", "The body is larger than the size limit."),
            "422": json_response(
                "Error", "The JSON does not fit the schema; `field` names the culprit."
            ),
            "503": NOT_READY,
        },
    }


def get_operation(operation_id: str, summary: str, responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "operationId": operation_id, "responses": responses}}


def paths() -> dict[str, Any]:
    """Every endpoint of the service, by path."""
    html_page = text_response("text/html", "HTML page.")
    openapi_answer = {
        "description": "OpenAPI 3.1 document.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    return {
        "/predict": {"post": predict_operation()},
        "/model": get_operation(
            "model",
            "Model metadata and test metrics",
            {
                "200": json_response("ModelInfo", "What the model is and how well it did."),
                "503": NOT_READY,
            },
        ),
        "/health": get_operation(
            "health",
            "Liveness: the process answers",
            {"200": json_response("Health", "The service is up.")},
        ),
        "/ready": get_operation(
            "ready",
            "Readiness: the model is loaded",
            {"200": json_response("Ready", "Ready to predict."), "503": NOT_READY},
        ),
        "/metrics": get_operation(
            "metrics",
            "Prometheus metrics",
            {"200": text_response("text/plain", "Prometheus text format.")},
        ),
        "/openapi.json": get_operation("openapi", "This document", {"200": openapi_answer}),
        "/docs": get_operation("docs", "This document in Swagger UI", {"200": html_page}),
        "/": get_operation(
            "form",
            "A form to try the model in a browser",
            {"200": html_page, "503": text_response("text/html", "The model is not loaded.")},
        ),
    }


def build_openapi(predictor: Predictor, max_batch_size: int) -> dict[str, Any]:
    """The OpenAPI document of this service for the loaded model."""
    meaning = SPEC.target.description.rstrip(".")
    description = (
        f"Predicts `{predictor.metadata.target}` ({predictor.task})"
        + (f": {meaning}. " if meaning else ". ")
        + f"Send one record as `features` or up to {max_batch_size} as `instances`. "
        "Every error is JSON with an `error` message."
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": API_TITLE, "version": predictor.version, "description": description},
        "paths": paths(),
        "components": {
            "schemas": {
                **request_schemas(predictor, max_batch_size),
                **response_schemas(predictor),
                **service_schemas(),
            }
        },
    }
