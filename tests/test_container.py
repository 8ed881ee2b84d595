"""The generated Dockerfile builds a small, non-root image that serves predictions.

One image build (minutes on 2 cores) proves the whole delivery path: the
project's own `make docker-build` builds it (training inside), it serves
/health and /predict, runs as uid 10001, its HEALTHCHECK command passes, and
the final stage carries no tests, source tree, pip, uv or compilers. A change
to the API's code then rebuilds only the image's last layer.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from helpers import cli, free_port, post_json, require_tool, run, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.container]

# Libraries of the project's dependency groups (and uv): never in the runtime image.
SERVING_NEVER = [
    "matplotlib",
    "mlflow",
    "dvc",
    "pytest",
    "ruff",
    "mkdocs",
    "mkdocs-material",
    "pre-commit",
    "uv",
]


def test_generated_image_serves_health_and_predict(tmp_path):
    docker = require_tool("docker")
    require_tool("make")
    dest = tmp_path / "proj"
    # Every option that adds libraries: none of them may reach the runtime image.
    options = [
        "--set",
        "experiment_tracking=mlflow",
        "--set",
        "data_versioning=dvc",
        "--set",
        "docs_site=true",
    ]
    assert cli("new", "--defaults", "--no-git", *options, dest).returncode == 0
    image = f"mlops-portfolio-test-{uuid.uuid4().hex[:8]}"
    name = f"{image}-run"
    port = free_port()
    first_id = ""
    # The Makefile calls `docker`: make it the same one this test found.
    env = {**os.environ, "PATH": f"{os.path.dirname(docker)}:{os.environ['PATH']}"}
    run(["make", "docker-build", f"IMAGE={image}"], cwd=dest, env=env, timeout=1500)
    try:
        run([docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8080", image])
        wait_http(f"http://127.0.0.1:{port}/health", timeout=90)
        status, body = post_json(
            f"http://127.0.0.1:{port}/predict", (dest / "examples" / "request.json").read_bytes()
        )
        assert status == 200, body
        assert "prediction" in body and body["model_version"]

        # Not root: the running process and the image's configured user.
        assert run([docker, "exec", name, "id", "-u"]).stdout.strip() == "10001"
        user = run([docker, "image", "inspect", image, "--format", "{{.Config.User}}"]).stdout
        assert user.strip() == "10001"

        # The HEALTHCHECK command itself succeeds against the running service.
        healthcheck = json.loads(
            run(
                [docker, "image", "inspect", image, "--format", "{{json .Config.Healthcheck}}"]
            ).stdout
        )
        command = healthcheck["Test"]
        assert command[0] == "CMD"
        run([docker, "exec", name, *command[1:]])

        # Nothing but the service in the final stage.
        absent = [
            "/app/tests",
            "/app/src",
            "/app/scripts",
            "/app/.git",
            "/opt/venv/bin/pip",
            "/root/.cache/pip",
            "/usr/local/bin/uv",  # mounted for the install, never copied in
        ]
        leftovers = run(
            [
                docker,
                "exec",
                name,
                "sh",
                "-c",
                " ".join(f"[ -e {p} ] && echo {p};" for p in absent) + " true",
            ]
        ).stdout.split()
        assert leftovers == []
        compilers = run(
            [docker, "exec", name, "sh", "-c", "command -v gcc cc g++ make || true"]
        ).stdout.split()
        assert compilers == []
        # The serving libraries only: uv.lock's training, monitoring, docs and dev
        # tools (and uv itself) stayed in the build stages.
        installed = run(
            [
                docker,
                "exec",
                name,
                "python",
                "-c",
                "import importlib.metadata as m; print(' '.join(sorted("
                "d.metadata['Name'].lower() for d in m.distributions())))",
            ]
        ).stdout.split()
        assert "flask" in installed and "scikit-learn" in installed, installed
        for tool in SERVING_NEVER:
            assert tool not in installed, f"{tool} is in the runtime image"
        # The prediction log folder is writable by the non-root user.
        run([docker, "exec", name, "touch", "/app/logs/write-test"])
        # The trained model came from the build stage.
        run([docker, "exec", name, "test", "-s", "/app/models/metadata.json"])

        size = int(run([docker, "image", "inspect", image, "--format", "{{.Size}}"]).stdout)
        print(f"image size: {size / 1e6:.0f} MB")
        assert size < 1_500_000_000, f"image is {size / 1e6:.0f} MB"

        # A change to the API's code rebuilds only the last layer (the project's
        # code): the libraries' layer and the trained model are reused from the cache.
        first_id, first_layers = image_id_and_layers(docker, image)
        routes = next(dest.glob("src/*/serving/routes.py"))
        routes.write_text(routes.read_text() + "# a serving-code change\n")
        run(["make", "docker-build", f"IMAGE={image}"], cwd=dest, env=env, timeout=1500)
        _, layers = image_id_and_layers(docker, image)
        assert layers[:-1] == first_layers[:-1], "a serving-code change rebuilt more than the code"
        assert layers[-1] != first_layers[-1], "the rebuilt image does not hold the changed code"
    finally:
        run([docker, "rm", "-f", name], check=False)
        run([docker, "rmi", "-f", image], check=False)
        if first_id:
            run([docker, "rmi", "-f", first_id], check=False)


def image_id_and_layers(docker: str, image: str) -> tuple[str, list[str]]:
    """The image's id and its filesystem layers (digests), base image first."""
    inspect = [docker, "image", "inspect", image, "--format"]
    layers = json.loads(run([*inspect, "{{json .RootFS.Layers}}"]).stdout)
    return run([*inspect, "{{.Id}}"]).stdout.strip(), layers
