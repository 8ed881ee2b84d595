"""Render the copier template into a new directory, all or nothing."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import TEMPLATE_URL, __version__

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


@dataclass
class TemplateSource:
    """Where a project is rendered from.

    `copier_yml` is the questions file of exactly the version that will be
    rendered; `src` and `vcs_ref` are what copier is given. copier records
    them in the answers file as `_src_path` and `_commit`, which `update`
    needs; `record` replaces them when `src` is a copy that cannot be
    updated from.
    """

    copier_yml: Path
    src: str
    vcs_ref: str | None
    record: tuple[str, str] | None = None  # (_src_path, _commit)


def is_git_source(spec: str) -> bool:
    path = Path(spec).expanduser()
    if path.exists():
        return (path / ".git").exists()
    return bool(re.match(r"^(https?://|ssh://|git@|git\+|gh:|gl:|file://)", spec))


def latest_tag(src: str) -> str | None:
    """The highest PEP 440 version tag of a git template (copier's own rule), or None."""
    from packaging.version import InvalidVersion, Version

    listing = subprocess.run(["git", "ls-remote", "--tags", src], capture_output=True,
                             text=True, timeout=120, check=True).stdout
    versions = []
    for line in listing.splitlines():
        tag = line.split("refs/tags/", 1)[-1].removesuffix("^{}")
        with contextlib.suppress(InvalidVersion):
            versions.append((Version(tag), tag))
    return max(versions)[1] if versions else None


@contextlib.contextmanager
def template_source(spec: str | None = None, ref: str | None = None) -> Iterator[TemplateSource]:
    """Resolve `--template SPEC --vcs-ref REF` (default: the template in this package)."""
    if spec is None:
        root = template_root()
        if not (root / ".git").exists():
            # The installed wheel: one template version, no git history.
            yield TemplateSource(root / "copier.yml", str(root), None,
                                 record=(TEMPLATE_URL, f"v{__version__}"))
            return
        # A source checkout: render its working tree as it is (uncommitted edits
        # too) from a plain copy, which is faster than letting copier clone it.
        commit = subprocess.run(["git", "describe", "--tags", "--always"], cwd=root,
                                capture_output=True, text=True, timeout=60, check=True)
        with tempfile.TemporaryDirectory(prefix="mlops-portfolio-template-") as tmp:
            shutil.copy2(root / "copier.yml", Path(tmp) / "copier.yml")
            shutil.copytree(root / "template", Path(tmp) / "template",
                            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
            yield TemplateSource(Path(tmp) / "copier.yml", tmp, None,
                                 record=(str(root), commit.stdout.strip()))
        return
    if not is_git_source(spec):
        root = Path(spec).expanduser().resolve()
        if not (root / "copier.yml").is_file():
            raise FileNotFoundError(f"--template {spec}: no copier.yml there")
        yield TemplateSource(root / "copier.yml", str(root), None)
        return
    src = str(Path(spec).expanduser().resolve()) if Path(spec).expanduser().exists() else spec
    ref = ref or latest_tag(src) or "HEAD"
    with tempfile.TemporaryDirectory(prefix="mlops-portfolio-template-") as tmp:
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", src, f"{tmp}/repo"],
                       capture_output=True, text=True, timeout=300, check=True)
        shown = subprocess.run(["git", "show", f"{ref}:copier.yml"], cwd=f"{tmp}/repo",
                               capture_output=True, text=True, timeout=60, check=False)
        if shown.returncode != 0:
            raise FileNotFoundError(f"--template {spec}: no copier.yml at {ref}")
        copier_yml = Path(tmp) / "copier.yml"
        copier_yml.write_text(shown.stdout, encoding="utf-8")
        yield TemplateSource(copier_yml, src, ref)


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


def record_source(project: Path, src: str, commit: str) -> None:
    """Write the template's updatable location into the project's answers file.

    A project made by the installed wheel records the template repository's
    URL and the release tag `v<version>` (the same template, with history);
    one made from a source checkout records the checkout and its commit.
    """
    answers = project / ".copier-answers.yml"
    text = answers.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^_src_path:.*\n", "", text)
    text = re.sub(r"(?m)^_commit:.*\n", "", text)
    header, sep, body = text.rpartition("NEVER EDIT MANUALLY\n")
    text = f"{header}{sep}_commit: {commit}\n_src_path: {src}\n{body}"
    answers.write_text(text, encoding="utf-8")


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

    date = subprocess.run(["git", "log", "-1", "--format=%cI", "HEAD"], cwd=path,
                          capture_output=True, text=True).stdout.strip()
    if not date:
        yield
        return
    with local.env(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date):
        yield


def render(
    answers: dict[str, Any],
    dest: Path,
    *,
    source: TemplateSource | None = None,
    finish: Callable[[Path], Any] | None = None,
    step: Callable[[str], Any] = lambda name: None,
) -> Path:
    """Render the template with `answers` into `dest`, all or nothing.

    The project is rendered into a temporary directory beside `dest` (same
    filesystem), `finish(project)` runs there (git init and the first commit),
    and only then is it moved into place with one rename. An error, Ctrl-C or
    SIGTERM at any moment before that rename leaves no `dest` behind, and no
    parent directory this call created.
    """
    import warnings

    from copier import run_copy  # heavy import: only when rendering

    if source is None:
        with template_source() as default:
            return render(answers, dest, source=default, finish=finish, step=step)
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
                run_copy(source.src, str(out), data=answers, defaults=True, quiet=True,
                         overwrite=True, vcs_ref=source.vcs_ref, cleanup_on_error=False)
            if source.record:
                record_source(out, *source.record)
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
