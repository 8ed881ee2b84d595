"""mlops-portfolio as a package: its metadata, `uvx` from a wheel, and `update` with no network.

The slow tests build real wheels of two tagged versions of this repository
(v1.0.0, v1.1.0) in a temporary git repository, as a release would, and use
them the way a user does: `uvx --from WHEEL mlops-portfolio new` in a fresh
environment, then `uv tool install` of the newer one and `update` with every
network route closed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from test_update import assert_merged, release_b, user_edit

from helpers import REPO, commit_all, git_env, run, template_repo, uv_bin

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_project_urls_name_the_repository_the_wheel_records():
    from generator import TEMPLATE_URL

    urls = PYPROJECT["project"]["urls"]
    assert urls["Repository"] == TEMPLATE_URL.removesuffix(".git")
    assert all(url.startswith(urls["Repository"]) for url in urls.values()), urls
    # The README's links are made absolute for the package index with the same address.
    (substitution,) = PYPROJECT["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"][
        "substitutions"
    ]
    assert substitution["replacement"].startswith(f"]({urls['Repository']}/blob/")


def test_the_readme_on_the_package_index_has_only_absolute_links():
    """The substitution pyproject.toml gives hatch-fancy-pypi-readme, applied to README.md."""
    (substitution,) = PYPROJECT["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"][
        "substitutions"
    ]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.sub(substitution["pattern"], substitution["replacement"], readme)
    targets = re.findall(r"\]\(([^)]*)\)", shown)
    assert targets, "README.md has no links"
    relative = [t for t in targets if not re.match(r"(https?://|#|mailto:)", t)]
    assert not relative, f"links a package index cannot follow: {relative}"
    assert any("/blob/main/docs/user-guide.md" in t for t in targets)


def test_the_python_classifiers_match_requires_python():
    from packaging.specifiers import SpecifierSet

    project = PYPROJECT["project"]
    listed = [
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert listed, "no Python version classifiers"
    assert all(SpecifierSet(project["requires-python"]).contains(f"{v}.0") for v in listed)
    assert listed[0] == project["requires-python"].removeprefix(">=")


@pytest.mark.slow
def test_the_sdist_and_the_wheel_built_from_it_carry_the_releases(tmp_path):
    """`uv build` makes the sdist, then the wheel from the sdist (which has no .git)."""
    import zipfile

    from generator import __version__

    run([uv_bin(), "build", "--quiet", "--out-dir", tmp_path, REPO], env=uv_env())
    (wheel,) = tmp_path.glob("mlops_portfolio-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        bundle = tmp_path / "releases.bundle"
        bundle.write_bytes(archive.read("generator/_template/releases.bundle"))
    assert "generator/_template/copier.yml" in names
    assert not [n for n in names if "build_hook" in n or "cookiecutter" in n], names
    heads = run(["git", "bundle", "list-heads", bundle]).stdout
    assert f"refs/tags/v{__version__}" in heads


# ---------------------------------------------------------------- two releases, built


def set_version(repo: Path, version: str) -> None:
    init = repo / "generator" / "__init__.py"
    text, found = re.subn(
        r'^__version__ = "[^"]*"$', f'__version__ = "{version}"', init.read_text(), flags=re.M
    )
    assert found == 1
    init.write_text(text)


def build_wheel(repo: Path, dist: Path) -> Path:
    """`uv build --wheel`, as a release does (the build hook packs the tagged versions)."""
    run([uv_bin(), "build", "--wheel", "--quiet", "--out-dir", dist, repo], env=uv_env())
    (wheel,) = dist.glob("mlops_portfolio-*.whl")
    return wheel


def uv_env(**extra: str) -> dict[str, str]:
    """uv with this interpreter, never downloading one; not inside the test's own venv."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return {**env, "UV_PYTHON": sys.executable, "UV_PYTHON_DOWNLOADS": "never", **extra}


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """{"1.0.0": wheel, "1.1.0": wheel} built from two tags of a copy of this repository.

    1.1.0 changes a line of the template's params.yaml and adds CHANGELOG.md
    (test_update.release_b).
    """
    work = tmp_path_factory.mktemp("releases")
    repo = work / "repo"
    repo.mkdir()
    for name in ["pyproject.toml", "README.md", "copier.yml"]:
        shutil.copy2(REPO / name, repo / name)
    for name in ["generator", "template"]:
        shutil.copytree(
            REPO / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    set_version(repo, "1.0.0")
    commit_all(repo, "Release 1.0.0")
    run(["git", "tag", "v1.0.0"], cwd=repo)
    wheels = {"1.0.0": build_wheel(repo, work / "dist-1.0.0")}
    set_version(repo, "1.1.0")
    release_b(repo, "v1.1.0")
    wheels["1.1.0"] = build_wheel(repo, work / "dist-1.1.0")
    return wheels


@pytest.fixture(scope="module")
def made_by_1_0(releases, tmp_path_factory) -> tuple[Path, str]:
    """A project made by `uvx --from <1.0.0 wheel> mlops-portfolio new --defaults`."""
    work = tmp_path_factory.mktemp("uvx")
    env = uv_env(**git_env(work / "home"), UV_TOOL_DIR=str(work / "tools"))
    project = work / "proj"
    uvx = Path(uv_bin()).with_name("uvx")
    command = [uvx] if uvx.exists() else [uv_bin(), "tool", "run"]
    result = run(
        [
            *command,
            "--isolated",
            "--from",
            releases["1.0.0"],
            "mlops-portfolio",
            "new",
            "--defaults",
            "--no-push",
            "--set",
            "project_name=Fraud Radar",
            project,
        ],
        env=env,
    )
    return project, result.stdout + result.stderr


@pytest.mark.slow
def test_uvx_from_a_wheel_generates_a_project_in_a_fresh_environment(made_by_1_0):
    from generator import TEMPLATE_URL

    project, output = made_by_1_0
    assert "Created" in output
    assert "is ready. Next:" not in output  # copier's message is for plain copier users
    assert (project / "uv.lock").is_file() and (project / ".git").is_dir()
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (saved["_src_path"], saved["_commit"]) == (TEMPLATE_URL, "v1.0.0")
    assert not (project / "CHANGELOG.md").exists()  # 1.1.0's file


@pytest.mark.slow
def test_the_installed_newer_version_updates_a_project_offline(made_by_1_0, releases, tmp_path):
    from generator import TEMPLATE_URL

    project = tmp_path / "proj"
    shutil.copytree(made_by_1_0[0], project, symlinks=True)
    tools = tmp_path / "tools"
    env = uv_env(
        **git_env(tmp_path / "home"),
        UV_TOOL_DIR=str(tools),
        UV_TOOL_BIN_DIR=str(tools / "bin"),
    )
    run([uv_bin(), "tool", "install", "--quiet", releases["1.1.0"]], env=env)
    installed = tools / "bin" / "mlops-portfolio"
    assert run([installed, "--version"]).stdout.split() == ["mlops-portfolio", "1.1.0"]

    user_edit(project)
    offline = {
        **env,
        # git may use local files only (a clone of https://... is refused), and
        # any HTTP(S) request goes to a closed port.
        "GIT_ALLOW_PROTOCOL": "file",
        **{name: "http://127.0.0.1:9" for name in ["http_proxy", "https_proxy", "ALL_PROXY"]},
    }
    result = run([installed, "update", project], env=offline)
    assert "from template version v1.0.0 to v1.1.0" in result.stdout
    assert_merged(project, "v1.1.0")
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert saved["_src_path"] == TEMPLATE_URL  # still the repository, for plain copier users

    # The recorded repository itself is out of reach: without the installed
    # releases the same update cannot run.
    unreachable = run(["git", "ls-remote", TEMPLATE_URL], env=offline, check=False)
    assert unreachable.returncode != 0

    # Back to the older mlops-portfolio: it cannot update a project made by a
    # newer one, and says what to do.
    commit_all(project, "Update to 1.1.0")
    run([uv_bin(), "tool", "install", "--quiet", "--force", releases["1.0.0"]], env=env)
    older = run([installed, "update", project], env=offline, check=False)
    assert older.returncode == 2
    assert "made by mlops-portfolio v1.1.0, which the installed mlops-portfolio 1.0.0" in (
        older.stderr
    )
    assert "uv tool upgrade mlops-portfolio" in older.stderr


# ---------------------------------------------------------------- plain copier users


@pytest.mark.slow
def test_plain_copier_says_what_to_run_after_copy_and_after_update(tmp_path):
    """copier.yml's _message_after_copy and _message_after_update, as `copier` prints them."""
    copier = Path(sys.executable).with_name("copier")
    env = {**os.environ, **git_env(tmp_path / "home")}
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    project = tmp_path / "my project"
    copied = run([copier, "copy", "--defaults", repo, project], env=env)
    assert "cd '" + str(project) + "'" in copied.stderr  # quoted for the shell
    for step in ["make lock", "make setup", "make train", "make test", "make serve", "git init"]:
        assert step in copied.stderr, step
    commit_all(project, "Initial commit")

    release_b(repo, "v1.1.0")
    updated = run([copier, "update", "--defaults"], cwd=project, env=env)
    assert "your own edits are kept" in updated.stderr
    assert "git diff" in updated.stderr and "make lock" in updated.stderr
    assert "(template B)" in (project / "params.yaml").read_text()
