"""The generated Dockerfile builds an image that serves predictions."""

from __future__ import annotations

import json
import uuid

import pytest

from conftest import cli, free_port, post_json, require_tool, run, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.container]


def test_generated_image_serves_health_and_predict(tmp_path):
    docker = require_tool("docker")
    dest = tmp_path / "proj"
    assert cli("new", "--defaults", "--no-git", dest).returncode == 0
    image = f"mlops-portfolio-test-{uuid.uuid4().hex[:8]}"
    name = f"{image}-run"
    port = free_port()
    run([docker, "build", "-t", image, "."], cwd=dest, timeout=1500)
    try:
        run([docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8080", image])
        wait_http(f"http://127.0.0.1:{port}/health", timeout=90)
        status, body = post_json(
            f"http://127.0.0.1:{port}/predict", (dest / "examples" / "request.json").read_bytes()
        )
        assert status == 200, body
        assert "prediction" in body and body["model_version"]
        assert run([docker, "exec", name, "id", "-u"]).stdout.strip() == "10001"
        healthcheck = json.loads(
            run([docker, "image", "inspect", image, "--format",
                 "{{json .Config.Healthcheck}}"]).stdout
        )
        command = healthcheck["Test"]
        assert command[0] == "CMD"
        run([docker, "exec", name, *command[1:]])
        size = int(run([docker, "image", "inspect", image, "--format", "{{.Size}}"]).stdout)
        print(f"image size: {size / 1e6:.0f} MB")
    finally:
        run([docker, "rm", "-f", name], check=False)
        run([docker, "rmi", "-f", image], check=False)
