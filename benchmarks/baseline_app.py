"""The baseline: the same trained model behind the barest Flask app that can serve it.

No validation, no metrics, no prediction log, no error handling: what a
tutorial would write. `bench_service.py` serves it with the same gunicorn
settings as the generated service, to show what the service's safety and
observability cost.

Loading the model: through the generated project's own `registry.load`
(gunicorn runs this app in the project's virtualenv, with the project
installed, so `<package>.registry` imports). That is the one place that
knows the file name (`model.skops`), the format (skops) and the types it
trusts; calling it means the baseline serves the very object the service
serves, loaded the very same way, and follows the project when any of that
changes (a copy of the skops call here broke once already: it read
`model.joblib` after the project had moved to skops, and never started).
Loading happens once per worker at start-up, so its checks (library
versions, feature names) cost nothing per request; everything after it is
as bare as before.

    gunicorn ... "baseline_app:create_app('my_package')"
"""

from __future__ import annotations

import importlib
import os

import pandas as pd
from flask import Flask, jsonify, request


def create_app(package: str) -> Flask:
    """The app for the generated package `package`, model from $MODEL_DIR (default: models)."""
    registry = importlib.import_module(f"{package}.registry")
    model, metadata = registry.load(os.environ.get("MODEL_DIR", "models"))
    columns = list(metadata.features)
    task, threshold = metadata.task, metadata.threshold
    app = Flask(__name__)

    def predict_rows(rows: list[dict]) -> list:
        frame = pd.DataFrame(rows, columns=columns)
        if task == "regression":
            return [float(v) for v in model.predict(frame)]
        proba = model.predict_proba(frame)
        if task == "binary":
            return [int(p[1] >= threshold) for p in proba]
        return [int(p.argmax()) for p in proba]

    @app.post("/predict")
    def predict():
        body = request.get_json()
        if "instances" in body:
            return jsonify(predictions=predict_rows(body["instances"]))
        return jsonify(prediction=predict_rows([body["features"]])[0])

    return app
