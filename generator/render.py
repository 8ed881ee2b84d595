"""Render the copier template into a new directory, all or nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


def template_root() -> Path:
    """The directory holding copier.yml and template/.

    An installed wheel carries them in generator/_template; a source checkout
    has them at the repository root.
    """
    packaged = PACKAGE_DIR / "_template"
    if (packaged / "copier.yml").is_file():
        return packaged
    return PACKAGE_DIR.parent


def check_destination(dest: Path) -> str | None:
    """Why DEST cannot be written, or None. Nothing is touched either way."""
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a directory"
    if dest.is_dir() and any(dest.iterdir()):
        return f"{dest} exists and is not empty; choose a new directory"
    parent = dest.parent if dest.parent != Path("") else Path(".")
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"cannot create {dest}: {probe} is not writable"
    return None


@contextmanager
def _stable_draft_commit(src: Path):
    """Date copier's draft commit of a dirty source checkout like its parent commit.

    copier commits uncommitted template edits in a scratch clone and writes
    that commit's id as `_commit` in .copier-answers.yml. Dated "now", the id
    would change on every run; dated like HEAD, the same edits give the same
    id, so the same answers always render a byte-identical project.
    """
    if not (src / ".git").exists():
        yield
        return
    from plumbum import local  # copier runs git through plumbum's environment

    date = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "HEAD"], cwd=src, capture_output=True, text=True
    ).stdout.strip()
    if not date:
        yield
        return
    with local.env(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date):
        yield


def render(answers: dict[str, Any], dest: Path, *, src: Path | None = None) -> Path:
    """Render the template with `answers` into `dest`.

    The project is rendered into a temporary directory beside `dest` (same
    filesystem) and moved into place with one rename, so an error or Ctrl-C
    at any moment leaves no half-written project behind.
    """
    import warnings

    from copier import run_copy  # heavy import: only when rendering

    src = src or template_root()
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        out = staging / dest.name
        with warnings.catch_warnings(), _stable_draft_commit(src):
            # Rendering a source checkout's uncommitted edits is what we want here.
            warnings.filterwarnings("ignore", message="Dirty template changes")
            run_copy(
                str(src),
                str(out),
                data=answers,
                defaults=True,
                quiet=True,
                overwrite=True,
                # A source checkout is a git repo: render its working tree as is.
                vcs_ref="HEAD" if (src / ".git").exists() else None,
            )
        if dest.is_dir():
            dest.rmdir()  # empty (checked before); rename needs the name free
        os.rename(out, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
