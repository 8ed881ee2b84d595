"""Check incoming records against the model's schema and predict.

Used by the API and by `python -m <package> predict`, so both accept exactly
the same input and give exactly the same answers.

The schema is the one saved next to the model (metadata.json `features`):
each feature's type, its training range or categories, and `"optional": true`
for a feature that had missing values in the training data. The model's
pipeline fills such gaps in itself (it learned a typical value in training),
so a request may leave an optional feature out or send null for it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
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


def is_missing(value: Any) -> bool:
    """True for the ways "no value" is written: JSON null (None), and NaN or pd.NA.

    JSON clients send null. Python callers (training's reference statistics,
    a DataFrame turned into records) have NaN where the CSV file had a gap.
    """
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


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

    @property
    def required(self) -> list[str]:
        """The features every record must give a value for."""
        return [name for name, rule in self.schema.items() if not rule.get("optional")]

    @property
    def optional(self) -> list[str]:
        """The features a record may leave out or send as null (missing in training too)."""
        return [name for name, rule in self.schema.items() if rule.get("optional")]

    def check(self, record: Any) -> dict[str, Any]:
        """Return the record, complete and in schema order, if it fits; else raise InvalidInput.

        Rules: every required feature present, no unknown ones (the data
        file's excluded columns are known: accepted and dropped, so a row of
        the file can be sent as it is; the target is refused); numbers must
        be real, finite numbers (no strings, booleans, NaN or Infinity), and
        whole numbers where the feature is an integer; categories must be text,
        one of the values seen in training. An optional feature may be absent
        or null: it comes back as None, which the model fills in. Numbers
        outside the training range are accepted, because the model can still
        answer, but reported in `warnings` since such predictions deserve less
        trust.
        """
        if not isinstance(record, dict):
            raise InvalidInput("features must be a JSON object of name: value", "features")
        missing = [name for name in self.required if name not in record]
        if missing:
            raise InvalidInput(f"missing feature(s): {', '.join(missing)}", missing[0])
        if self.metadata.target in record:
            raise InvalidInput(
                f"{self.metadata.target} is what the model predicts: leave it out",
                self.metadata.target,
            )
        ignored = set(self.metadata.ignored_columns)
        unknown = sorted(name for name in record if name not in self.schema and name not in ignored)
        if unknown:
            raise InvalidInput(f"unknown feature(s): {', '.join(unknown)}", unknown[0])
        checked: dict[str, Any] = {}
        for name, rule in self.schema.items():
            value = record.get(name)
            if rule.get("optional") and is_missing(value):
                checked[name] = None
                continue
            if value is None:
                raise InvalidInput(
                    f"{name} needs a value: null is accepted only for optional features", name
                )
            if rule["type"] == "category":
                self._check_category(name, value, rule["categories"])
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInput(f"{name} must be a number, got {value!r}", name)
            elif not _is_finite(value):
                raise InvalidInput(f"{name} must be a finite number, got {value!r}", name)
            elif rule["type"] == "integer" and value != int(value):
                raise InvalidInput(f"{name} must be a whole number, got {value!r}", name)
            checked[name] = value
        return checked

    @staticmethod
    def _check_category(name: str, value: Any, categories: list[str]) -> None:
        """A category is text, exactly as in the data file: "True", "01234", "red"."""
        if isinstance(value, str) and value in categories:
            return
        hint = ""
        if not isinstance(value, str) and str(value) in categories:
            # e.g. true for the category "True": the file's values are text.
            hint = f" (send it as the text {str(value)!r})"
        raise InvalidInput(f"{name} must be one of {categories}, got {value!r}{hint}", name)

    def out_of_range(self, record: dict[str, Any]) -> list[str]:
        """Names of numeric features outside the range seen in training (None is not)."""
        return [
            name
            for name, rule in self.schema.items()
            if rule["type"] != "category"
            and record.get(name) is not None
            and not rule["min"] <= record[name] <= rule["max"]
        ]

    def frame(self, records: list[dict[str, Any]]) -> pd.DataFrame:
        """The checked records as the table the model's pipeline expects.

        Missing values become NaN, the marker scikit-learn's imputer looks
        for (it does not recognise None in a text column).
        """
        columns = {}
        for name, rule in self.schema.items():
            values = [np.nan if record.get(name) is None else record[name] for record in records]
            # Text stays text; numbers become floats (a huge JSON integer would
            # otherwise make an "object" column). One array per column, built
            # once: this runs on every request.
            kind = object if rule["type"] == "category" else "float64"
            columns[name] = np.array(values, dtype=kind)
        return pd.DataFrame(columns, columns=list(self.schema))

    def predict(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Check the records, then predict; one result dict per record."""
        checked = [self.check(record) for record in records]
        frame = self.frame(checked)
        results: list[dict[str, Any]] = []
        if self.task == "regression":
            for value in self.model.predict(frame):
                results.append({"prediction": round(float(value), 4)})
        else:
            # The model's classes are the target's codes (0, 1, 2 ...); class_names
            # gives each one its label, which may be any text ("Adelie", "yes").
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
        for result, record in zip(results, checked, strict=True):
            warnings = self.out_of_range(record)
            if warnings:
                result["warnings"] = [f"{name} is outside the training range" for name in warnings]
        return results
