"""Drift monitoring end to end: real gunicorn, real HTTP traffic, the project's own make tasks."""

from __future__ import annotations

import json
import os

import pytest

from helpers import Server, free_port, generate, project_env, require_tool, run, wait_http

REQUESTS = 300


@pytest.mark.slow
def test_monitor_passes_on_normal_traffic_and_names_a_shifted_feature(tmp_path, envs_dir):
    require_tool("make")
    project = generate(tmp_path / "proj")
    venv = f"VENV={project_env(project, envs_dir)}"
    log = project / "logs" / "predictions.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PREDICTION_LOG"] = str(log)
    run(["make", "train", venv], cwd=project, env=env)
    assert (project / "models" / "reference.json").is_file()

    port = free_port()
    server = Server(["make", "serve", f"PORT={port}", venv], cwd=project, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/ready")
        traffic = ["make", "simulate-traffic", f"PORT={port}", f"REQUESTS={REQUESTS}", venv]

        # Normal traffic: drawn from the training distribution, so no drift.
        sent = run(traffic, cwd=project, env=env)
        assert f"{REQUESTS} answered 200" in sent.stdout
        assert len(log.read_text().splitlines()) == REQUESTS
        checked = run(["make", "monitor", venv], cwd=project, env=env, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No drift detected." in checked.stdout

        # Start a fresh log (the workers append, so truncating is safe), then
        # send traffic where one feature moved by half a standard deviation.
        log.write_text("")
        sent = run([*traffic, "SHIFT=tenure_months=0.5std"], cwd=project, env=env)
        assert "shifted: tenure_months +" in sent.stdout
        checked = run(["make", "monitor", venv], cwd=project, env=env, check=False)
        assert checked.returncode != 0, checked.stdout
        assert "DRIFT detected in: tenure_months" in checked.stdout
    finally:
        server.stop()
    assert "Booting worker" in server.output()  # really gunicorn

    report = project / "reports" / "drift"
    summary = json.loads((report / "summary.json").read_text())
    assert summary["drift"] is True
    assert "tenure_months" in summary["drifted"]
    assert summary["log"]["rows_compared"] == REQUESTS
    image = '<img alt="tenure_months: training vs logged requests" src="data:image/png;base64,'
    assert image in (report / "report.html").read_text()

    # What CI runs to upload the "prediction-log" artefact: the real service,
    # started and stopped by make, answering the sample requests.
    ci_log = project / "logs" / "ci-traffic.jsonl"
    made = run(["make", "traffic-log", f"PORT={free_port()}", f"REQUESTS={REQUESTS}",
                f"PREDICTION_LOG={ci_log}", venv], cwd=project, env=env)
    assert f"{REQUESTS} answered 200" in made.stdout
    assert len(ci_log.read_text().splitlines()) == REQUESTS + 1  # + the smoke test's request
    ci_env = {**env, "PREDICTION_LOG": str(ci_log)}
    checked = run(["make", "monitor", venv], cwd=project, env=ci_env, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_monitor_workflow_is_scheduled_and_calls_make_tasks_that_exist(tmp_path):
    """Fast: the workflow's make tasks exist, and it lints clean with actionlint."""
    project = generate(tmp_path / "proj", git=True)  # actionlint needs a repository
    workflow = (project / ".github" / "workflows" / "monitor.yml").read_text()
    assert "schedule:" in workflow and "cron:" in workflow
    makefile = (project / "Makefile").read_text()
    for task in ["setup", "cloud-logs", "monitor"]:
        assert f"make {task}" in workflow
        assert f"\n{task}:" in makefile
    # The reference statistics come with CI's model: the monitor never retrains.
    assert "make train" not in workflow
    assert "\nsimulate-traffic:" in makefile and "\ntraffic-log:" in makefile
    run([require_tool("actionlint"), ".github/workflows/monitor.yml"], cwd=project)
