"""Size of the generated project's container image, and how fast a code change rebuilds it.

    PATH="$(cd ../shared/tools/bin && pwd):$PATH" python benchmarks/bench_image.py [--venv DIR]
    python benchmarks/bench_image.py --quick --skip-missing-tools  # exits 0 without an engine

Builds the default project's image with `docker build --no-cache` (timed: a
full build), then changes one line of src/ and builds again (timed: what a
code-only change costs; the dependency layers come from the first build).
Compares, in the same run: the image against its base image (what the
runtime stage starts FROM) plus the installed size of the serving
dependencies alone (`uv sync --no-default-groups --no-install-project`, with
bytecode, as the Dockerfile installs them), and the rebuild against the full
build. Goals: image at most 1.1x base + serving dependencies; code-only
rebuild at most 0.2x the full build.
It needs `docker` reaching a container engine; without one it stops with
status 1, or with --skip-missing-tools prints why it skips and exits 0.
--quick skips the rebuild: one image build checks the benchmark runs.
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
    base = re.search(r"^FROM (\S+) AS runtime", (project / "Dockerfile").read_text(), re.M)[1]
    image = f"mlops-bench-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    sh([docker, "build", "--no-cache", "-t", image, "."], cwd=project)
    full_build = time.perf_counter() - start
    rebuild = None
    if not args.quick:
        init = next((project / "src").glob("*/__init__.py"))
        init.write_text(init.read_text() + "# a code-only change\n")
        start = time.perf_counter()
        sh([docker, "build", "-t", image, "."], cwd=project)
        rebuild = time.perf_counter() - start
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
        sh([docker, "rmi", "-f", image], check=False)

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
    if rebuild is not None:
        verdict = "meets" if rebuild <= 0.2 * full_build else "misses"
        print(
            f"code-only rebuild          {rebuild:8.1f} s   ratio {rebuild / full_build:.3f} "
            f"({verdict} the goal of <= 0.2)"
        )


if __name__ == "__main__":
    main()
