"""Build step (hatchling): pack the template's released versions into the package.

`mlops-portfolio update` merges the template version a project was made from
with a newer one (copier's three-way merge), so it needs both versions as
git history, not only the one copy of the template a wheel carries. This
hook writes that history into the package as one file, a git bundle
(`git bundle`: a whole repository in a file that `git clone` reads like a
remote), at generator/_template/releases.bundle:

- every release tag `v<version>` of this repository older than the version
  being built, as a commit holding only copier.yml and template/ as they were
  at that tag;
- on top, the template being packaged, tagged `v<this version>`: exactly what
  this wheel renders, so a project it makes can always be updated by it.

An installed mlops-portfolio then updates a project it made with no network
(generator/template_source.py: `releases_bundle`). Building from an sdist
(no .git there) reuses the bundle the sdist was built with.

Run by hatchling only (pyproject.toml, [tool.hatch.build.targets.*.hooks.custom]);
it is not part of the installed package.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from packaging.version import InvalidVersion, Version

BUNDLE = "generator/_template/releases.bundle"
# The author of the bundle's commits; fixed, so the same tags give the same commits.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "mlops-portfolio release",
    "GIT_AUTHOR_EMAIL": "release@mlops-portfolio.invalid",
    "GIT_COMMITTER_NAME": "mlops-portfolio release",
    "GIT_COMMITTER_EMAIL": "release@mlops-portfolio.invalid",
}


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return  # an editable install renders the checkout itself, which has its history
        root = Path(self.root)
        if not (root / ".git").exists():
            if (root / BUNDLE).is_file():
                return  # an unpacked sdist: its bundle is packaged as part of generator/
            raise RuntimeError(
                f"{root} is neither a git checkout nor an sdist with {BUNDLE}: "
                "the template's released versions cannot be packaged"
            )
        self._work = Path(tempfile.mkdtemp(prefix="mlops-portfolio-bundle-"))
        bundle = self._work / "releases.bundle"
        write_bundle(root, self.metadata.version, bundle, self._work / "repo")
        build_data["force_include"][str(bundle)] = BUNDLE

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def git(cwd: Path, *args: str, env: dict | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, check=True, timeout=300
    ).stdout


def released_tags(root: Path, below: str) -> list[str]:
    """The tags `v<version>` of the repository at `root` older than `below`, oldest first."""
    found = []
    for tag in git(root, "tag", "--list", "v*").decode().split():
        try:
            release = Version(tag[1:])
        except InvalidVersion:
            continue
        if release < Version(below):
            found.append((release, tag))
    return [tag for _, tag in sorted(found)]


def write_bundle(root: Path, version: str, bundle: Path, repo: Path) -> None:
    """Write `bundle`: each older release's template, then the working tree's as v`version`."""
    repo.mkdir(parents=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    for tag in released_tags(root, version):
        clear(repo)
        archive = git(root, "archive", "--format=tar", tag, "copier.yml", "template")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # Our own repository's files; "data" refuses links out of `repo` where supported.
            options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(repo, **options)
        date = git(root, "log", "-1", "--format=%cI", tag).decode().strip()
        commit_and_tag(repo, tag, date)
    clear(repo)
    shutil.copy2(root / "copier.yml", repo / "copier.yml")
    shutil.copytree(
        root / "template", repo / "template", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    # The date of the last commit (or SOURCE_DATE_EPOCH, the reproducible-builds
    # convention): the same sources give the same bundle.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = f"@{epoch}" if epoch else git(root, "log", "-1", "--format=%cI").decode().strip()
    commit_and_tag(repo, f"v{version}", date)
    git(repo, "bundle", "create", str(bundle), "--quiet", "main", "--tags")


def clear(repo: Path) -> None:
    """Remove every file of the work tree but .git, before the next version is laid down."""
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def commit_and_tag(repo: Path, tag: str, date: str) -> None:
    env = {**os.environ, **_IDENTITY, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(repo, "add", "--all")
    git(
        repo,
        "commit",
        "--quiet",
        "--no-gpg-sign",
        "--allow-empty",
        "-m",
        f"Template {tag}",
        env=env,
    )
    git(repo, "tag", tag, env=env)
