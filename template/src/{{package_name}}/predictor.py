"""Check incoming records against the model's schema and predict.

Used by the API and by `python -m <package> predict`, so both accept exactly
the same input and give exactly the same answers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from . import registry
from .registry import ModelMetadata


class InvalidInput(ValueError):
    """A record breaks the schema; `field` names the culprit for the client."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _is_finite(value: int | float) -> bool:
    """True for ordinary numbers; False for NaN, Infinity and ints too big for a float."""
    try:
        return math.isfinite(value)
    except OverflowError:  # e.g. 10**400 parses as a Python int
        return False


class Predictor:
    """A loaded model plus the metadata that describes what it accepts."""

    def __init__(self, model: Any, metadata: ModelMetadata):
        self.model = model
        self.metadata = metadata
        self.schema: dict[str, dict] = metadata.features
        self.task: str = metadata.task
        self.threshold: float | None = metadata.threshold
        self.class_names: dict[str, str] = metadata.class_names

    @classmethod
    def load(cls, directory: str | Path) -> Predictor:
        return cls(*registry.load(directory))

    @property
    def version(self) -> str:
        return self.metadata.model_version

    def check(self, record: Any) -> dict[str, Any]:
        """Return the record if it fits the schema, else raise InvalidInput.

        Rules: every feature present, no unknown ones; numbers must be real,
        finite numbers (no strings, booleans, NaN or Infinity), and whole
        numbers where the feature is an integer; categories must be ones seen
        in training. Numbers outside the training range are accepted, because
        the model can still answer, but reported in `warnings` since such
        predictions deserve less trust.
        """
        if not isinstance(record, dict):
            raise InvalidInput("features must be a JSON object of name: value", "features")
        missing = [name for name in self.schema if name not in record]
        if missing:
            raise InvalidInput(f"missing feature(s): {', '.join(missing)}", missing[0])
        unknown = sorted(name for name in record if name not in self.schema)
        if unknown:
            raise InvalidInput(f"unknown feature(s): {', '.join(unknown)}", unknown[0])
        for name, rule in self.schema.items():
            value = record[name]
            if rule["type"] == "category":
                if value not in rule["categories"]:
                    raise InvalidInput(
                        f"{name} must be one of {rule['categories']}, got {value!r}", name
                    )
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInput(f"{name} must be a number, got {value!r}", name)
            elif not _is_finite(value):
                raise InvalidInput(f"{name} must be a finite number, got {value!r}", name)
            elif rule["type"] == "integer" and value != int(value):
                raise InvalidInput(f"{name} must be a whole number, got {value!r}", name)
        return record

    def out_of_range(self, record: dict[str, Any]) -> list[str]:
        """Names of numeric features outside the range seen in training."""
        return [
            name
            for name, rule in self.schema.items()
            if rule["type"] != "category" and not rule["min"] <= record[name] <= rule["max"]
        ]

    def predict(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Predict for checked records; one result dict per record."""
        frame = pd.DataFrame([self.check(record) for record in records], columns=list(self.schema))
        # Huge JSON integers would make an "object" column; the model wants floats.
        numeric = [name for name, rule in self.schema.items() if rule["type"] != "category"]
        frame[numeric] = frame[numeric].astype("float64")
        results: list[dict[str, Any]] = []
        if self.task == "regression":
            for value in self.model.predict(frame):
                results.append({"prediction": round(float(value), 4)})
        else:
            classes = [str(c) for c in self.model.classes_]
            for row in self.model.predict_proba(frame):
                probabilities = {
                    self.class_names.get(name, name): round(float(p), 4)
                    for name, p in zip(classes, row, strict=True)
                }
                if self.task == "binary":
                    index = int(row[1] >= self.threshold)
                else:
                    index = int(row.argmax())
                label = classes[index]
                results.append(
                    {
                        "prediction": int(label) if label.lstrip("-").isdigit() else label,
                        "label": self.class_names.get(label, label),
                        "probabilities": probabilities,
                    }
                )
        for result, record in zip(results, records, strict=True):
            warnings = self.out_of_range(record)
            if warnings:
                result["warnings"] = [f"{name} is outside the training range" for name in warnings]
        return results
