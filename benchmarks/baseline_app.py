"""The baseline: the same trained model behind the barest Flask app that can serve it.

No validation, no metrics, no prediction log, no error handling: what a
tutorial would write. `bench_service.py` serves it with the same gunicorn
settings as the generated service, to show what the service's safety and
observability cost.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import joblib
import pandas as pd
from flask import Flask, jsonify, request


def create_app() -> Flask:
    model_dir = Path(os.environ.get("MODEL_DIR", "models"))
    model = joblib.load(model_dir / "model.joblib")
    metadata = json.loads((model_dir / "metadata.json").read_text())
    columns = list(metadata["features"])
    threshold = metadata.get("threshold")
    app = Flask(__name__)

    def predict_rows(rows: list[dict]) -> list:
        frame = pd.DataFrame(rows, columns=columns)
        if metadata["task"] == "regression":
            return [float(v) for v in model.predict(frame)]
        proba = model.predict_proba(frame)
        if metadata["task"] == "binary":
            return [int(p[1] >= threshold) for p in proba]
        return [int(p.argmax()) for p in proba]

    @app.post("/predict")
    def predict():
        body = request.get_json()
        if "instances" in body:
            return jsonify(predictions=predict_rows(body["instances"]))
        return jsonify(prediction=predict_rows([body["features"]])[0])

    return app
