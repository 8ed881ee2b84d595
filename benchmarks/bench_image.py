"""Size of the generated project's container image, and how fast a code change rebuilds it.

    PATH="$(cd ../shared/tools/bin && pwd):$PATH" python benchmarks/bench_image.py [--venv DIR]
    python benchmarks/bench_image.py --quick --skip-missing-tools  # exits 0 without an engine

Builds the default project's image with `docker build --no-cache` (timed: a
full build), then rebuilds it twice, timed, each after a one-line change:
first to the API's code (src/<pkg>/serving/routes.py), then to training's
code (src/<pkg>/training/train.py). The dependency layers come from the
layer cache (filled by an untimed build in between, as podman's --no-cache
build leaves none); a serving-code change must also reuse the trained model, a
training-code change trains again (as it must), so only the first is held
to the goal. Each rebuild says whether the model in the image changed.
Compares, in the same run: the image against its base image (what the
runtime stage is built on, through "deps") plus the installed size of the
serving dependencies alone (`uv sync --no-default-groups --no-install-project`,
with bytecode, as the Dockerfile installs them), and each rebuild against the
full build. Goals: image at most 1.1x base + serving dependencies; serving-code
rebuild at most 0.2x the full build.
It needs `docker` reaching a container engine; without one it stops with
status 1, or with --skip-missing-tools prints why it skips and exits 0.
--quick skips the rebuilds: one image build checks the benchmark runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import installed_wheel, machine, parse_args, sh


def serving_dependencies_size(project: Path) -> int:
    """Bytes of a virtualenv holding only the locked serving dependencies, compiled."""
    from uv import find_uv_bin

    venv = project.parent / "serving-venv"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(UV_PROJECT_ENVIRONMENT=str(venv), UV_PYTHON=sys.executable, UV_LINK_MODE="copy")
    sh(
        [
            find_uv_bin(),
            "sync",
            "--frozen",
            "--no-default-groups",
            "--no-install-project",
            "--compile-bytecode",
            "--quiet",
        ],
        cwd=project,
        env=env,
    )
    return sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path)
    args = parse_args(parser, quick={}, tools=("docker",))
    docker = shutil.which("docker")

    bin_dir = installed_wheel(args.venv)
    project = Path(tempfile.mkdtemp(prefix="mlops-bench-image-")) / "proj"
    sh([bin_dir / "mlops-portfolio", "new", "--defaults", "--no-git", project])
    # The runtime stage's base image, through the stages it starts from (FROM deps).
    dockerfile = (project / "Dockerfile").read_text()
    stages = {name: image for image, name in re.findall(r"^FROM (\S+) AS (\S+)", dockerfile, re.M)}
    base = stages["runtime"]
    while base in stages:
        base = stages[base]
    image = f"mlops-bench-{uuid.uuid4().hex[:8]}"
    built: list[str] = []  # every image id this run made, removed at the end

    def build(*flags: str) -> float:
        start = time.perf_counter()
        # The build `make docker-build` runs: the model trained inside the build.
        # MODEL_FROM is named, as the Makefile names it: podman 4 does not apply
        # an ARG's default in a FROM line that names a stage.
        model = ["--build-arg", "MODEL_FROM=train"]
        sh([docker, "build", *flags, *model, "-t", image, "."], cwd=project)
        took = time.perf_counter() - start
        built.append(sh([docker, "image", "inspect", image, "--format", "{{.Id}}"]).stdout.strip())
        return took

    def model_metadata() -> str:
        return sh([docker, "run", "--rm", image, "cat", "/app/models/metadata.json"]).stdout

    full_build = build("--no-cache")
    # (label, file changed, seconds, model retrained?)
    rebuilds: list[tuple[str, str, float, bool]] = []
    if not args.quick:
        # Untimed: the layer cache the rebuilds start from. Docker keeps the layers
        # of a --no-cache build for later builds; podman does not (podman#21310),
        # so there this builds everything once more (with Docker, nothing).
        build()
        package = next((project / "src").glob("*/__init__.py")).parent
        for label, path in [
            ("serving-code rebuild", package / "serving" / "routes.py"),
            ("training-code rebuild", package / "training" / "train.py"),
        ]:
            before = model_metadata()
            # Named after this run: no layer cached by an earlier run can match.
            path.write_text(path.read_text() + f"# a code-only change ({image})\n")
            seconds = build()
            changed = path.relative_to(project).as_posix()
            rebuilds.append((label, changed, seconds, model_metadata() != before))
    serving = serving_dependencies_size(project)
    try:

        def size(ref: str) -> int:
            return int(sh([docker, "image", "inspect", ref, "--format", "{{.Size}}"]).stdout)

        image_size, base_size = size(image), size(base)
        venv_size = int(
            sh([docker, "run", "--rm", image, "du", "-sb", "/opt/venv"]).stdout.split()[0]
        )
        models = int(
            sh([docker, "run", "--rm", image, "du", "-sb", "/app/models"]).stdout.split()[0]
        )
    finally:
        sh([docker, "rmi", "-f", *(dict.fromkeys(built) or [image])], check=False)

    mb = 1e6
    print(f"# bench_image ({machine()}; base image {base})")
    print(
        f"image                      {image_size / mb:8.1f} MB   ratio to base "
        f"{image_size / base_size:5.2f}"
    )
    print(f"base image ({base:14s}) {base_size / mb:8.1f} MB")
    print(
        f"virtualenv /opt/venv       {venv_size / mb:8.1f} MB   "
        f"{venv_size / image_size:6.1%} of the image"
    )
    print(f"model /app/models          {models / mb:8.3f} MB")
    print(f"added on top of the base   {(image_size - base_size) / mb:8.1f} MB")
    floor = base_size + serving
    verdict = "meets" if image_size <= 1.1 * floor else "misses"
    print(f"serving dependencies alone {serving / mb:8.1f} MB   (uv sync --no-default-groups)")
    print(
        f"image / (base + serving)   {image_size / floor:8.3f}     ({verdict} the goal of <= 1.1)"
    )
    print(f"full build (--no-cache)    {full_build:8.1f} s")
    for label, changed, seconds, retrained in rebuilds:
        ratio = seconds / full_build
        if label.startswith("serving"):
            verdict = "meets" if ratio <= 0.2 else "misses"
            note = f"{verdict} the goal of <= 0.2"
        else:
            note = "information: training must run again"
        model = "model trained again" if retrained else "model reused"
        print(f"{label:26s} {seconds:8.1f} s   ratio {ratio:.3f} ({note})")
        print(f"  after one line added to {changed}: {model}")


if __name__ == "__main__":
    main()
