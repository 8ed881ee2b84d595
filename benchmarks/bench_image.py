"""Size of the generated project's container image and of the virtualenv inside it.

    PATH="$(cd ../shared/tools/bin && pwd):$PATH" python benchmarks/bench_image.py [--venv DIR]

Builds the default project's image with `docker build` and compares, in the
same run: the image against its base image (python:<version>-slim, what the
Dockerfile starts FROM) and the virtualenv (/opt/venv) against the image.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from _common import installed_wheel, machine, sh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path)
    args = parser.parse_args()
    docker = shutil.which("docker") or "docker"

    bin_dir = installed_wheel(args.venv)
    project = Path(tempfile.mkdtemp(prefix="mlops-bench-image-")) / "proj"
    sh([bin_dir / "mlops-portfolio", "new", "--defaults", "--no-git", project])
    base = re.search(r"^FROM (\S+) AS runtime", (project / "Dockerfile").read_text(), re.M)[1]
    image = f"mlops-bench-{uuid.uuid4().hex[:8]}"
    sh([docker, "build", "-t", image, "."], cwd=project)
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


if __name__ == "__main__":
    main()
