"""Where a project is rendered from: copier.yml and template/ of one template version.

`new` renders the template in this package (an installed wheel's
generator/_template, or a source checkout's working tree) or another copy of
it given with `--template URL-OR-PATH` and `--vcs-ref`. Finding that source
is one job; writing the project (render.py) is another, so each can change
without the other.

An installed wheel also carries the template's released versions as a git
bundle (generator/_template/releases.bundle, written by build_hook.py):
`update` reads the template repository TEMPLATE_URL from it, with no network.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def releases_bundle() -> Path | None:
    """The installed wheel's git bundle of the template's released versions, or None.

    It holds every release up to this package's own version (`v<version>`
    tags), so a project made by this or an older release can be updated to
    this one offline. A source checkout has its git history instead.
    """
    bundle = PACKAGE_DIR / "_template" / "releases.bundle"
    return bundle if bundle.is_file() else None


@contextlib.contextmanager
def template_url_read_from(bundle: Path) -> Iterator[None]:
    """While inside, every git command reads TEMPLATE_URL from `bundle` instead.

    git's `url.<base>.insteadOf` setting rewrites a URL before git uses it;
    given in the environment (GIT_CONFIG_COUNT/KEY/VALUE), it applies to the
    git commands copier runs and to nothing else. The project's answers file
    keeps TEMPLATE_URL, so plain `copier update` still works online. copier
    keeps clones of remote templates in a cache keyed by their URL: a
    temporary cache keeps the bundle's copy out of the user's.
    """
    from plumbum import local  # copier runs git through plumbum's environment

    count = int(local.env.get("GIT_CONFIG_COUNT", "0") or 0)  # keep the user's own
    rewrite = {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": f"url.{bundle}.insteadOf",
        f"GIT_CONFIG_VALUE_{count}": TEMPLATE_URL,
    }
    cache = os.environ.get("COPIER_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="mlops-portfolio-copier-cache-") as tmp:
        os.environ["COPIER_CACHE_DIR"] = tmp
        try:
            with local.env(**rewrite):
                yield
        finally:
            if cache is None:
                os.environ.pop("COPIER_CACHE_DIR", None)
            else:
                os.environ["COPIER_CACHE_DIR"] = cache


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

    listing = subprocess.run(
        ["git", "ls-remote", "--tags", src], capture_output=True, text=True, timeout=120, check=True
    ).stdout
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
            yield TemplateSource(
                root / "copier.yml", str(root), None, record=(TEMPLATE_URL, f"v{__version__}")
            )
            return
        # A source checkout: render its working tree as it is (uncommitted edits
        # too) from a plain copy, which is faster than letting copier clone it.
        commit = subprocess.run(
            ["git", "describe", "--tags", "--always"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        with tempfile.TemporaryDirectory(prefix="mlops-portfolio-template-") as tmp:
            shutil.copy2(root / "copier.yml", Path(tmp) / "copier.yml")
            shutil.copytree(
                root / "template",
                Path(tmp) / "template",
                ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"),
            )
            yield TemplateSource(
                Path(tmp) / "copier.yml", tmp, None, record=(str(root), commit.stdout.strip())
            )
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
        subprocess.run(
            ["git", "clone", "--quiet", "--no-checkout", src, f"{tmp}/repo"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        shown = subprocess.run(
            ["git", "show", f"{ref}:copier.yml"],
            cwd=f"{tmp}/repo",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if shown.returncode != 0:
            raise FileNotFoundError(f"--template {spec}: no copier.yml at {ref}")
        copier_yml = Path(tmp) / "copier.yml"
        copier_yml.write_text(shown.stdout, encoding="utf-8")
        yield TemplateSource(copier_yml, src, ref)
