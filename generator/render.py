"""Write a rendered project into DEST, all or nothing.

The project is rendered into a temporary directory beside DEST, finished
there (git init and the first commit) and moved into place with one rename,
so an error, Ctrl-C or SIGTERM leaves either the whole project or nothing.
Where the template comes from is template_source.py's job.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.answers import record_source
from generator.template_source import TemplateSource


def check_destination(dest: Path) -> str | None:
    """Why DEST cannot be written, or None. DEST itself is never touched."""
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a directory"
    if dest.is_dir() and any(dest.iterdir()):
        return f"{dest} exists and is not empty; choose a new directory"
    probe = dest.absolute().parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        return f"cannot create {dest}: {probe} is a file"
    # Try it for real: permission bits say nothing for root or read-only mounts.
    try:
        Path(tempfile.mkdtemp(prefix=".mlops-portfolio-probe-", dir=probe)).rmdir()
    except OSError as error:
        return f"cannot create {dest}: {probe} is not writable ({error.strerror})"
    return None


@contextlib.contextmanager
def _interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM (e.g. a closed terminal) cleans up like Ctrl-C does."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _uninterruptible() -> Iterator[None]:
    """Let cleanup finish even if Ctrl-C is pressed again."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _stable_draft_commit(source: TemplateSource) -> Iterator[None]:
    """Date copier's draft commit of a dirty local checkout like its parent commit.

    Given a local git checkout at HEAD (`--template DIR`), copier commits its
    uncommitted edits in a scratch clone and records that commit's id as
    `_commit`. Dated "now", the id would change on every run; dated like HEAD,
    the same edits give the same id, so the same answers render a
    byte-identical project.
    """
    path = Path(source.src)
    if source.vcs_ref != "HEAD" or not (path / ".git").exists():
        yield
        return
    from plumbum import local  # copier runs git through plumbum's environment

    date = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "HEAD"], cwd=path, capture_output=True, text=True
    ).stdout.strip()
    if not date:
        yield
        return
    with local.env(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date):
        yield


def render(
    answers: dict[str, Any],
    dest: Path,
    *,
    source: TemplateSource,
    extra_files: dict[str, Path] | None = None,
    finish: Callable[[Path], Any] | None = None,
    step: Callable[[str], Any] = lambda name: None,
) -> Path:
    """Render the template at `source` with `answers` into `dest`, all or nothing.

    The project is rendered into a temporary directory beside `dest` (same
    filesystem), `extra_files` ({path in the project: file}) are copied in (the
    user's own CSV), `finish(project)` runs there (git init and the first commit),
    and only then is it moved into place with one rename. An error, Ctrl-C or
    SIGTERM at any moment before that rename leaves no `dest` behind, and no
    parent directory this call created.
    """
    import warnings

    from copier import run_copy  # heavy import: only when rendering

    dest = dest.absolute()
    created_parents = [p for p in reversed(dest.parents) if not p.exists()]
    staging = None
    try:
        with _interrupts_as_keyboard_interrupt():
            dest.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
            out = staging / dest.name
            step("Rendering the template")
            with warnings.catch_warnings(), _stable_draft_commit(source):
                # Rendering a checkout's uncommitted edits (--template) is what we want here.
                warnings.filterwarnings("ignore", message="Dirty template changes")
                run_copy(
                    source.src,
                    str(out),
                    data=answers,
                    defaults=True,
                    quiet=True,
                    overwrite=True,
                    vcs_ref=source.vcs_ref,
                    cleanup_on_error=False,
                )
            if source.record:
                record_source(out, *source.record)
            for relative, original in (extra_files or {}).items():
                step(f"Copying {original.name}")
                (out / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, out / relative)
            if finish is not None:
                finish(out)
            step("Moving it into place")
            if dest.is_dir():
                dest.rmdir()  # empty (checked before); rename needs the name free
            os.rename(out, dest)
    except BaseException:
        with _uninterruptible():
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            for parent in reversed(created_parents):
                with contextlib.suppress(OSError):
                    parent.rmdir()
        raise
    with _uninterruptible():
        shutil.rmtree(staging, ignore_errors=True)
    return dest
