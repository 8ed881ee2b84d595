"""Every generated project has a uv.lock: the same for the same answers, and enforced.

`new` locks with uv (generator/lock.py): resolved as of a fixed date, so two
runs give the same file byte for byte; `make setup` installs exactly that
lock and refuses a pyproject.toml edited without `uv lock`.
"""

from __future__ import annotations

import os
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from helpers import cli, generate, run, uv_bin


def uv(project, *args, check=True):
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never")
    return run([uv_bin(), *args], cwd=project, env=env, check=check)


def locked_packages(project) -> dict[str, str]:
    lock = tomllib.loads((project / "uv.lock").read_text())
    return {p["name"]: p.get("version", "") for p in lock["package"]}


def test_the_same_answers_give_the_same_lock_byte_for_byte(tmp_path):
    first = generate(tmp_path / "one" / "proj")
    second = generate(tmp_path / "two" / "proj")
    text = (first / "uv.lock").read_text()
    assert text == (second / "uv.lock").read_text()
    # The resolution date is the generator's, not the project's: later `uv lock`
    # and Dependabot move on from these versions.
    assert "exclude-newer" not in text
    uv(first, "lock", "--check", "--offline")  # current with its pyproject.toml
    packages = locked_packages(first)
    assert packages["customer-churn-predictor"] == "0.1.0"
    for name in ["scikit-learn", "pandas", "flask", "gunicorn", "skops", "pytest", "ruff"]:
        assert re.fullmatch(r"\d+(\.\d+)+(\.post\d+)?", packages[name]), (name, packages)


def test_each_option_adds_its_group_to_the_lock(tmp_path):
    plain = generate(tmp_path / "plain")
    full = generate(
        tmp_path / "full", experiment_tracking="mlflow", data_versioning="dvc", docs_site="true"
    )
    groups = {}
    for project in (plain, full):
        pyproject = tomllib.loads((project / "pyproject.toml").read_text())
        groups[project.name] = set(pyproject["dependency-groups"])
        uv(project, "lock", "--check", "--offline")
    assert groups["plain"] == {"monitor", "dev"} | (
        {"docs"} if (plain / "mkdocs.yml").exists() else set()
    )
    assert groups["full"] == {"monitor", "train", "dvc", "docs", "dev"}
    assert "mlflow" not in locked_packages(plain) and "dvc" not in locked_packages(plain)
    assert {"mlflow", "dvc", "mkdocs-material"} <= set(locked_packages(full))


def test_setup_refuses_a_pyproject_edited_without_uv_lock(tmp_path):
    project = generate(tmp_path / "proj")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace('    "skops>=0.13",\n', '    "skops>=0.13",\n    "requests>=2",\n')
    )
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = run(
        ["make", "setup", f"UV={uv_bin()}", f"VENV={tmp_path / 'venv'}"],
        cwd=project,
        env={**env, "UV_PYTHON": sys.executable},
        check=False,
    )
    assert result.returncode != 0
    out = " ".join((result.stdout + result.stderr).split())  # uv wraps long lines
    assert "needs to be updated, but `--locked` was provided" in out, out
    assert "uv lock" in out, out
    installed = list((tmp_path / "venv").glob("lib/python*/site-packages/*"))
    assert not [p for p in installed if p.name.startswith(("flask", "sklearn"))], installed


def test_a_lock_that_cannot_be_made_leaves_nothing_behind(tmp_path):
    # No cached index pages and an index nobody answers (as offline): uv fails.
    env = {
        "UV_CACHE_DIR": str(tmp_path / "empty-cache"),
        "UV_INDEX_URL": "http://127.0.0.1:9/",
        "UV_HTTP_RETRIES": "0",  # fail at once instead of retrying a closed port
    }
    result = cli("new", "--defaults", "--no-git", tmp_path / "proj", env_extra=env)
    assert result.returncode != 0
    message = " ".join((result.stdout + result.stderr).split())
    assert "lock failed; nothing was written" in message, message
    # Neither the project nor its staging folder (.proj.*) is left.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-cache"]
