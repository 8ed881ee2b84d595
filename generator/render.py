"""Write a rendered project into DEST, all or nothing.

The project is rendered into a temporary directory beside DEST (inside DEST
when it is an existing empty directory), finished there (git init and the
first commit) and moved into place at the end, so an error, Ctrl-C, SIGTERM,
SIGHUP or SIGQUIT leaves either the whole project or nothing.
Where the template comes from is template_source.py's job.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.answers import record_source
from generator.interrupts import Interrupts
from generator.template_source import TemplateSource

# The temporary directory's name: short, so that a DEST name as long as the
# filesystem allows (255 bytes) still fits (the project is staged under it as
# <staging>/<DEST's name>).
STAGING_PREFIX = ".mlops-new-"


def check_destination(dest: Path) -> str | None:
    """Why DEST cannot be written, or None. DEST itself is never touched.

    Missing parent directories are fine: they are made, as `mkdir -p` does.
    """
    try:
        return _destination_problem(dest, absolute(dest))
    except OSError as error:  # a symbolic link loop, say
        return f"cannot use {dest} ({error.strerror})"


def _destination_problem(dest: Path, path: Path) -> str | None:
    existing = path
    while not _lexists(existing):
        existing = existing.parent
    # Before anything else looks at `path`: the system refuses a name too long.
    too_long = _name_too_long(path, existing)
    if too_long:
        return f"cannot create {dest}: {too_long}"
    if path.is_symlink() and not path.exists():
        return f"{dest} is a symbolic link to {os.readlink(path)}, which does not exist"
    if path.exists() and not path.is_dir():
        return f"{dest} exists and is not a directory"
    if path.is_dir():
        try:
            if any(path.iterdir()):
                return f"{dest} exists and is not empty; choose a new directory"
        except OSError as error:
            return f"cannot read {dest} ({error.strerror})"
        probe = path  # an empty directory is filled in place: write inside it
    else:
        probe = existing
        if not probe.is_dir():
            return f"cannot create {dest}: {probe} is a file"
    # Try it for real: permission bits say nothing for root or read-only mounts.
    # The name is known before it is made, so an interrupt at any moment
    # still removes it (`finally`).
    trial = probe / f".mlops-portfolio-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        trial.mkdir()
    except OSError as error:
        return f"cannot create {dest}: {probe} is not writable ({error.strerror})"
    finally:
        with contextlib.suppress(OSError):
            trial.rmdir()
    return None


def _lexists(path: Path) -> bool:
    """Whether `path` exists (a dangling symbolic link too); False for a name too long."""
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def absolute(dest: Path) -> Path:
    """DEST as an absolute path, `..` read as a shell's `cd` reads it: `a/../b` is `b`.

    So `new a/../b` makes `b` and never an `a/` that nobody asked for. A
    symbolic link DEST stays a link (its target is filled).
    """
    return Path(os.path.abspath(dest))


def _name_too_long(path: Path, existing: Path) -> str | None:
    """Which name in `path` below `existing` (a directory or file that exists) is too long."""
    if existing == path:
        return None
    try:
        limit = os.pathconf(existing if existing.is_dir() else existing.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or no answer
        return None
    for part in path.relative_to(existing).parts:
        size = len(os.fsencode(part))
        if size > limit:
            return f"the name {part[:20]}... is {size} bytes; this filesystem allows {limit}"
    return None


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

    The project is rendered into a temporary directory (same filesystem as
    `dest`), `extra_files` ({path in the project: file}) are copied in (the
    user's own CSV), `finish(project)` runs there (git init and the first
    commit), and only then is it moved into place: with one rename to a new
    `dest`, or entry by entry into an existing empty `dest`, which is filled,
    not replaced (its mode, owner and group stay; a mount point or a symbolic
    link to a directory works). An error, Ctrl-C, SIGTERM, SIGHUP or SIGQUIT
    at any moment before that leaves no `dest` content behind, no temporary
    directory and no parent directory this call created; a second signal
    cannot cut that cleanup short.
    """
    import warnings

    dest = absolute(dest)
    in_place = dest.is_dir()  # existing and empty (checked before)
    created_parents = [p for p in reversed(dest.parents) if not p.exists()]
    staging = None
    with Interrupts() as interrupts:
        try:
            from copier import run_copy  # heavy import: only when rendering

            dest.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=dest if in_place else dest.parent)
            )
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
            interrupts.check()
            with interrupts.held():
                if in_place:
                    _fill(dest, out, staging)
                else:
                    os.rename(out, dest)
                interrupts.armed = False  # done: a signal from now on changes nothing
        except BaseException as error:
            interrupts.armed = False  # first, and not a call: nothing may cut the cleanup short
            _remove(staging, created_parents)
            if interrupts.received is not None and not isinstance(error, KeyboardInterrupt):
                # Still an interrupt: a child process (git, uv) died of the same
                # signal first, or a library wrapped the KeyboardInterrupt.
                raise KeyboardInterrupt from error
            raise
        shutil.rmtree(staging, ignore_errors=True)  # empty by now
    return dest


def _fill(dest: Path, staged: Path, staging: Path) -> None:
    """Move the staged project's entries into the existing empty `dest`: all of them, or none.

    Another program may have written into `dest` since it was checked: then
    nothing is moved (a file of theirs is never replaced).
    """
    others = [p.name for p in dest.iterdir() if p != staging]
    if others:
        raise FileExistsError(
            errno.EEXIST, f"{dest} is not empty any more ({', '.join(sorted(others)[:3])})"
        )
    moved: list[tuple[Path, Path]] = []
    try:
        for entry in sorted(staged.iterdir()):
            os.rename(entry, dest / entry.name)
            moved.append((entry, dest / entry.name))
    except BaseException:
        for entry, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(target, entry)
        raise


def _remove(staging: Path | None, created_parents: list[Path]) -> None:
    """Remove the temporary directory and the parents `render` made, so nothing is left."""
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    for parent in reversed(created_parents):
        with contextlib.suppress(OSError):
            parent.rmdir()
