"""pytest hooks, options and fixtures for the generator's tests.

Fast tests run by default. Slow ones (they install packages, generate and run
whole projects, build images) need `--runslow`; CI always passes it.
The functions tests share live in helpers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REPO, generate, make_venv, run


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run slow tests (CI does)")
    parser.addoption(
        "--matrix",
        choices=["pairwise", "full"],
        default="pairwise",
        help="option combinations tests/test_matrix.py renders and checks: all pairs (CI) "
        "or the full product of copier.yml's choice and bool questions",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def installed_cli(tmp_path_factory) -> Path:
    """`mlops-portfolio` installed from a freshly built wheel in a fresh virtualenv."""
    work = tmp_path_factory.mktemp("wheel")
    bin_dir = make_venv(work / "venv")
    run(
        [
            bin_dir / "python",
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            work / "dist",
            REPO,
        ]
    )
    (wheel,) = (work / "dist").glob("mlops_portfolio-*.whl")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel])
    return bin_dir / "mlops-portfolio"


@pytest.fixture(scope="session")
def envs_dir(tmp_path_factory) -> Path:
    """Where shared project virtualenvs live for this test session."""
    return tmp_path_factory.mktemp("envs")


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """`generated(**answers)`: a project rendered with --defaults plus answers, made once
    per set of answers and shared by the session's tests (they must not modify it)."""
    cache: dict[tuple, Path] = {}

    def make(**answers) -> Path:
        key = tuple(sorted((k, str(v)) for k, v in answers.items()))
        if key not in cache:
            cache[key] = generate(tmp_path_factory.mktemp("generated") / "proj", **answers)
        return cache[key]

    return make
