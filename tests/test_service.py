"""The generated prediction service under real gunicorn on 127.0.0.1: HTTP, schema, browser.

One generated project is trained once and served by `make serve` (2 gunicorn
workers); the tests then act as its clients: plain HTTP calls, schemathesis
fuzzing against its own /openapi.json, and a real headless Chromium that uses
the form page.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import (
    IN_CI,
    Server,
    free_port,
    generate,
    post_json,
    project_env,
    require_tool,
    run,
    wait_http,
)

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Service:
    """A served generated project: its base URL, directory and prediction log."""

    def __init__(self, url: str, project: Path, log: Path, server: Server):
        self.url, self.project, self.log, self.server = url, project, log, server

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def predict(self, body: dict) -> tuple[int, dict]:
        return post_json(self.url + "/predict", json.dumps(body).encode())


@pytest.fixture(scope="module")
def service(tmp_path_factory, envs_dir):
    require_tool("make")
    work = tmp_path_factory.mktemp("service")
    project = generate(work / "churn-service")
    venv = project_env(project, envs_dir)
    run(["make", "train", f"VENV={venv}"], cwd=project)
    port = free_port()
    log = work / "logs" / "predictions.jsonl"
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        "PREDICTION_LOG": str(log),
        "WEB_CONCURRENCY": "2",
        "MAX_BATCH_SIZE": "50",
    }
    server = Server(["make", "serve", f"PORT={port}", f"VENV={venv}"], cwd=project, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/ready", timeout=120)
        yield Service(f"http://127.0.0.1:{port}", project, log, server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def example(service) -> dict:
    return json.loads((service.project / "examples" / "request.json").read_text())["features"]


def test_every_endpoint_answers_over_http(service, example):
    status, body = service.predict({"features": example})
    assert status == 200, body
    assert body["label"] in {"stays", "churns"}
    status, body = service.predict({"instances": [example] * 5})
    assert status == 200 and len(body["predictions"]) == 5

    status, text, _ = service.get("/model")
    assert status == 200 and json.loads(text)["task"] == "binary"
    status, text, headers = service.get("/openapi.json")
    assert status == 200 and json.loads(text)["openapi"] == "3.1.0"
    for page in ["/", "/docs"]:
        status, text, headers = service.get(page)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert not re.search(r'(?:src|href)="(?:https?:)?//', text)  # nothing from a CDN


def test_errors_are_json_under_gunicorn(service, example):
    status, text, _ = service.get("/nowhere")
    assert status == 404 and "error" in json.loads(text)
    status, text, headers = service.get("/predict")
    assert status == 405 and "POST" in headers["Allow"] and "error" in json.loads(text)
    status, body = post_json(service.url + "/predict", b"{broken")
    assert status == 400 and "JSON" in body["error"]
    status, body = service.predict({"instances": [example] * 51})
    assert status == 422 and body["field"] == "instances"
    # Announce a 2 MB body: the service refuses it from the headers, before reading it.
    connection = http.client.HTTPConnection("127.0.0.1", int(service.url.rsplit(":", 1)[1]))
    connection.putrequest("POST", "/predict")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", "2000000")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and "byte limit" in json.load(response)["error"]
    connection.close()


def test_metrics_add_up_over_all_workers(service, example):
    def predictions_counted() -> set[float]:
        # Several scrapes: with 2 workers each one may answer; all must agree.
        totals = set()
        for _ in range(6):
            _, text, _ = service.get("/metrics")
            totals.add(
                sum(
                    float(v)
                    for v in re.findall(r"^predictions_total\{.*\} (\S+)$", text, re.MULTILINE)
                )
            )
        return totals

    (before,) = predictions_counted()
    for _ in range(20):
        assert service.predict({"features": example})[0] == 200
    assert predictions_counted() == {before + 20}
    _, text, _ = service.get("/metrics")
    assert 'http_request_duration_seconds_bucket{endpoint="/predict",le="0.1"}' in text
    assert re.search(r'http_requests_total\{endpoint="/predict",method="POST",status="200"\}', text)


def test_prediction_log_has_one_line_per_record_from_every_worker(service, example):
    before = len(service.log.read_text().splitlines()) if service.log.exists() else 0
    for _ in range(10):
        service.predict({"instances": [example] * 3})
    lines = service.log.read_text().splitlines()[before:]
    assert len(lines) == 30
    for line in map(json.loads, lines):
        assert {"timestamp", "model_version", "features", "prediction"} <= set(line)
        assert line["features"] == example
    pids = set(re.findall(r"Booting worker with pid: (\d+)", service.server.output()))
    assert len(pids) == 2  # both workers were up and sharing the one log file


def test_schemathesis_finds_no_server_error_or_schema_violation(service, tmp_path):
    schemathesis = require_tool("schemathesis")
    result = subprocess.run(
        [
            schemathesis,
            "run",
            f"{service.url}/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "40",
            "--seed",
            "20250101",
            "--workers",
            "2",
            "--request-timeout",
            "60",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=tmp_path,  # its hypothesis database stays out of the repository
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "7 selected / 7 total" in result.stdout  # every endpoint was exercised


def test_browser_fills_the_form_and_sees_the_prediction(service):
    if not Path(CHROMIUM).is_file():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(service.url + "/")
            page.fill("#f-tenure_months", "2")
            page.select_option("#f-contract", "month-to-month")
            page.select_option("#f-payment_method", "electronic-check")
            page.click("#predict-button")
            page.wait_for_selector("#prediction", timeout=30_000)
            heading = page.inner_text("#prediction")
            assert re.fullmatch(r"Prediction: (stays|churns)", heading)
            assert "%" in page.inner_text("#result")  # class probabilities drawn

            # A bad value comes back as the API's message, with the field marked.
            page.fill("#f-support_calls", "2.5")
            page.click("#predict-button")
            page.wait_for_selector("#f-support_calls.invalid", timeout=30_000)
            assert "whole number" in page.inner_text("#result")
        finally:
            browser.close()
