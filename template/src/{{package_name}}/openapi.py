"""Describe the API as an OpenAPI 3.1 document, built from the model's feature schema.

The document is generated, not written by hand, so it cannot drift from the
model: retrain with new features and `/openapi.json` (and `/docs`) change too.
Tools read it to make clients, and tests (schemathesis) use it to check that
the service answers exactly what it promises.
"""

from __future__ import annotations

from typing import Any

from .predict import Predictor


def example_record(schema: dict[str, dict]) -> dict[str, Any]:
    """A valid record: the middle of each numeric range, the first category."""
    record: dict[str, Any] = {}
    for name, rule in schema.items():
        if rule["type"] == "category":
            record[name] = rule["categories"][0]
        elif rule["type"] == "integer":
            record[name] = round((rule["min"] + rule["max"]) / 2)
        else:
            record[name] = round((rule["min"] + rule["max"]) / 2, 4)
    return record


def feature_properties(schema: dict[str, dict]) -> dict[str, dict]:
    """One JSON Schema per feature.

    Numeric ranges are only described, not enforced (no minimum/maximum):
    the API accepts values outside the training range and warns about them.
    """
    properties: dict[str, dict] = {}
    for name, rule in schema.items():
        if rule["type"] == "category":
            properties[name] = {"type": "string", "enum": list(rule["categories"])}
        else:
            properties[name] = {
                "type": rule["type"],  # "integer" or "number"
                "description": (
                    f"Seen in training between {rule['min']:g} and {rule['max']:g}; "
                    "values outside that range are accepted with a warning."
                ),
            }
    return properties


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _text(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


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


def build_openapi(predictor: Predictor, max_batch_size: int, title: str) -> dict[str, Any]:
    """The OpenAPI document of this service for the loaded model."""
    example = example_record(predictor.schema)
    features = {
        "type": "object",
        "description": "One record: every feature of the model, no others.",
        "properties": feature_properties(predictor.schema),
        "required": list(predictor.schema),
        "additionalProperties": False,
        "example": example,
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "What went wrong and how to fix it."},
            "field": {"type": "string", "description": "The field at fault, if any."},
        },
    }
    not_ready = _json("Error", "The model is not loaded (see GET /ready).")
    predict_errors = {
        "400": _json("Error", "The body is not JSON, or not sent as application/json."),
        "413": _json("Error", "The body is larger than the size limit."),
        "422": _json("Error", "The JSON does not fit the schema; `field` names the culprit."),
        "503": not_ready,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": predictor.version,
            "description": (
                f"Predicts `{predictor.metadata['target']}` ({predictor.task}). "
                f"Send one record as `features` or up to {max_batch_size} as `instances`. "
                "Every error is JSON with an `error` message."
            ),
        },
        "paths": {
            "/predict": {
                "post": {
                    "summary": "Predict for one record or a batch",
                    "operationId": "predict",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/SingleRequest"},
                                        {"$ref": "#/components/schemas/BatchRequest"},
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The prediction(s) and the model version.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/SingleResponse"},
                                            {"$ref": "#/components/schemas/BatchResponse"},
                                        ]
                                    }
                                }
                            },
                        },
                        **predict_errors,
                    },
                }
            },
            "/model": {
                "get": {
                    "summary": "Model metadata and test metrics",
                    "operationId": "model",
                    "responses": {
                        "200": _json("ModelInfo", "What the model is and how well it did."),
                        "503": not_ready,
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness: the process answers",
                    "operationId": "health",
                    "responses": {"200": _json("Health", "The service is up.")},
                }
            },
            "/ready": {
                "get": {
                    "summary": "Readiness: the model is loaded",
                    "operationId": "ready",
                    "responses": {
                        "200": _json("Ready", "Ready to predict."),
                        "503": not_ready,
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "operationId": "metrics",
                    "responses": {"200": _text("text/plain", "Prometheus text format.")},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/docs": {
                "get": {
                    "summary": "This document as a web page",
                    "operationId": "docs",
                    "responses": {"200": _text("text/html", "HTML page.")},
                }
            },
            "/": {
                "get": {
                    "summary": "A form to try the model in a browser",
                    "operationId": "form",
                    "responses": {
                        "200": _text("text/html", "HTML page."),
                        "503": _text("text/html", "The model is not loaded."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Features": features,
                "SingleRequest": {
                    "type": "object",
                    "required": ["features"],
                    "properties": {"features": {"$ref": "#/components/schemas/Features"}},
                    "additionalProperties": False,
                    "example": {"features": example},
                },
                "BatchRequest": {
                    "type": "object",
                    "required": ["instances"],
                    "properties": {
                        "instances": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Features"},
                            "minItems": 1,
                            "maxItems": max_batch_size,
                        }
                    },
                    "additionalProperties": False,
                    "example": {"instances": [example, example]},
                },
                "Prediction": prediction_schema(predictor),
                "SingleResponse": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Prediction"},
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
                        "predictions": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Prediction"},
                        },
                        "model_version": {"type": "string"},
                    },
                },
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
                        "features": {"type": "object"},
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
                "Error": error,
            }
        },
    }
