"""`mlops-portfolio update [PATH]`: merge a newer template version into a project.

copier does a three-way merge: it renders the template version the project
was made from (the answers file's `_commit`) and the new one with the same
answers, and applies their difference to the project, so the user's own
edits stay. Where both changed the same lines, the file gets conflict
markers to resolve, as in any git merge.

A project made by an installed mlops-portfolio records the template
repository TEMPLATE_URL. The installed package answers for that URL from
the git bundle of released versions it carries, so such a project updates
to the installed version with no network: upgrading mlops-portfolio
(`uv tool upgrade mlops-portfolio`) and running `update` is the whole story.
`--template` reads another copy of the template instead.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path
from typing import Any

from generator import TEMPLATE_URL, __version__
from generator.answers import ANSWERS_FILE, read_answers_file, read_project_answers, record_source
from generator.errors import EXIT_INTERRUPTED, EXIT_OK, AnswerError, fail
from generator.interrupts import Interrupts
from generator.lock import relock
from generator.template_source import releases_bundle, template_url_read_from


def git(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def problems_before_update(project: Path) -> list[str]:
    """Why `project` cannot be updated as it is; empty when it can."""
    answers = project / ANSWERS_FILE
    if not project.is_dir():
        return [f"{project} is not a directory"]
    if not answers.exists():  # a broken one (a directory, say) is read and explained later
        return [f"{project} is not a project made by mlops-portfolio (it has no {ANSWERS_FILE})"]
    inside = git(project, "rev-parse", "--show-toplevel")
    if inside.returncode != 0:
        return [
            f"{project} is not a git repository; update merges with git. Run there: "
            "git init && git add -A && git commit -m 'Before update'"
        ]
    if git(project, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return [
            f"{project} has no git commit yet; update merges with git. Run there: "
            "git add -A && git commit -m 'Before update'"
        ]
    dirty = git(project, "status", "--porcelain").stdout.splitlines()
    if dirty:
        listed = ", ".join(line[3:] for line in dirty[:5]) + (", ..." if len(dirty) > 5 else "")
        return [
            f"{project} has uncommitted changes ({listed}); commit or stash them first "
            "(git add -A && git commit -m 'My changes'), so the update can be reviewed "
            "and undone"
        ]
    return []


def commit_new_source(project: Path, template: str, answers: dict[str, Any]) -> None:
    """Make `--template` the recorded template source, in a commit of its own.

    The commit is made as the author named in the project's `answers`.
    """
    record_source(project, template)  # the recorded version (_commit) stays
    git(project, "add", ANSWERS_FILE)
    result = git(
        project,
        "-c",
        f"user.name={answers.get('author_name', 'mlops-portfolio')}",
        "-c",
        f"user.email={answers.get('author_email', 'mlops-portfolio@localhost')}",
        "commit",
        "--quiet",
        "--no-verify",
        "--no-gpg-sign",
        "-m",
        f"Record the mlops-portfolio template source: {template}",
    )
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip()
        raise SourceNotRecorded(f"cannot commit the new template source in {project}: {detail}")


class SourceNotRecorded(RuntimeError):
    """git refused the commit that records `--template` (a hook, a broken repository)."""


def run_update(args) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    out = Console()
    project = Path(args.path).absolute()
    answers_file = Path(args.path) / ANSWERS_FILE  # as the user wrote it, in messages
    problems = problems_before_update(project)
    if problems:
        return fail(console, problems)
    try:
        before = read_project_answers(Path(args.path))
    except AnswerError as error:
        return fail(console, error.problems)
    try:
        changes = changed_answers(before, getattr(args, "assign", []))
    except AnswerError as error:
        return fail(console, error.problems)
    if not before.get("_commit"):
        return fail(
            console,
            [
                f"{answers_file}: does not record the template version the "
                "project was made from (_commit); it cannot be merged"
            ],
        )
    template = args.template
    if template and Path(template).expanduser().exists():
        template = str(Path(template).expanduser().resolve())
    source = template or before.get("_src_path")
    if not source:
        return fail(
            console,
            [
                f"{answers_file}: does not say where the template is (_src_path); "
                "pass --template URL-OR-PATH"
            ],
        )
    record = bool(template) and template != before.get("_src_path")
    if record:
        reachable = subprocess.run(
            ["git", "ls-remote", "--tags", template],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if reachable.returncode != 0:
            detail = (reachable.stderr.strip().splitlines() or ["not a git repository"])[-1]
            return fail(
                console,
                [
                    f"--template {template}: cannot read the template there "
                    f"({detail}); nothing was changed"
                ],
            )

    # The template repository a wheel records: read from the installed bundle.
    bundle = releases_bundle() if not template and source == TEMPLATE_URL else None
    where = f"the releases in mlops-portfolio {__version__} (offline)" if bundle else source
    if bundle and before["_commit"] not in released_versions(bundle):
        return fail(
            console,
            [
                f"{project} was made by mlops-portfolio {before['_commit']}, which the "
                f"installed mlops-portfolio {__version__} does not know (a newer release?): "
                "upgrade it first (uv tool upgrade mlops-portfolio, or pipx upgrade "
                "mlops-portfolio), or pass --template with the template's repository; "
                "nothing was changed"
            ],
        )

    # From here on the project changes: a failure or a signal puts it back
    # exactly as it was (HEAD, and the clean tree checked above).
    start = Snapshot.take(project)
    with Interrupts() as interrupts:
        try:
            if record:
                commit_new_source(project, template, before)
            with out.status(f"Merging the newest template from {where}..."):
                merge(project, args.to, bundle, data=changes)
            interrupts.check()
            interrupts.armed = False  # merged: a signal from now on changes nothing
        except BaseException as error:
            interrupts.armed = False  # first, and not a call: nothing may cut the undo short
            start.restore()
            if isinstance(error, KeyboardInterrupt) or interrupts.received is not None:
                console.print("Interrupted; nothing was changed.")
                return EXIT_INTERRUPTED
            if not isinstance(error, Exception):
                raise
            return fail(
                console,
                [
                    f"{why_it_failed(error, where, args.to, answers_file, before)}; "
                    "nothing was changed"
                ],
            )
    if record:
        out.print(f"Recorded {template} as the template source (one commit).")
    try:
        return report(project, before, out, changes)
    except KeyboardInterrupt:
        console.print(
            "Interrupted; the update is in your files: review it with `git diff`, "
            "or undo it with: git reset --hard && git clean -fd"
        )
        return EXIT_INTERRUPTED


def changed_answers(before: dict[str, Any], assign: list[str]) -> dict[str, Any]:
    """`--set KEY=VALUE`: the answers to change, checked together with the recorded ones.

    The combination must meet copier.yml's rules (a new cloud needs a region of
    that cloud, say), as `new --set` would; AnswerError says which rule breaks.
    """
    if not assign:
        return {}
    from generator.answers import recorded_questionnaire
    from generator.questions import parse_assignments

    given = parse_assignments(assign)
    questionnaire, recorded = recorded_questionnaire(before)
    unknown = [key for key in given if key not in questionnaire.keys]
    if unknown:
        raise AnswerError([f"--set {key}: no such question in copier.yml" for key in unknown])
    resolved = questionnaire.resolve({**recorded, **given})
    return {key: resolved[key] for key in given if key in resolved}


def as_written(value: Any) -> str:
    """An answer as one types it after --set (true, not Python's True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def released_versions(bundle: Path) -> set[str]:
    """The release tags (`v<version>`) in the installed package's bundle."""
    heads = subprocess.run(
        ["git", "bundle", "list-heads", str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    return {line.split("refs/tags/", 1)[1] for line in heads.splitlines() if "refs/tags/" in line}


class Snapshot:
    """The project's HEAD and its untracked files, to put it back after a failed update."""

    def __init__(self, project: Path, head: str, untracked: set[str]):
        self.project, self.head, self.untracked = project, head, untracked

    @classmethod
    def take(cls, project: Path) -> Snapshot:
        head = git(project, "rev-parse", "--verify", "HEAD").stdout.strip()
        return cls(project, head, untracked_files(project))

    def restore(self) -> None:
        """Back to HEAD, without the files the update added; the user's files stay."""
        git(self.project, "reset", "--quiet", "--hard", self.head)
        added = sorted(untracked_files(self.project) - self.untracked)
        if added:
            git(self.project, "clean", "--quiet", "-f", "--", *added)


def untracked_files(project: Path) -> set[str]:
    """Untracked files that are not ignored, relative to `project`."""
    listed = git(project, "ls-files", "--others", "--exclude-standard", "-z")
    return set(filter(None, listed.stdout.split("\0")))


def merge(
    project: Path,
    to: str | None,
    bundle: Path | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """copier's three-way merge of the template version `to` (default: newest) into `project`.

    With `bundle`, git reads the template repository TEMPLATE_URL from it.
    `data`: answers that change (`grow` changes the stage); the others stay.
    """
    import warnings

    from copier import run_update as copier_update

    offline = template_url_read_from(bundle) if bundle else contextlib.nullcontext()
    with offline, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier_update(
            str(project),
            data=data or {},
            defaults=True,
            overwrite=True,
            quiet=True,
            conflict="inline",
            vcs_ref=to,
            skip_answered=True,
            unsafe=False,
        )


# copier's words for an answer its copier.yml refuses, and for a missing version.
_REFUSED_ANSWER = re.compile(r"^(?:Invalid choice for|Validation error for question) '([^']+)': ")
_UNKNOWN_VERSION = re.compile(r"^Unknown revision: '([^']+)'")


def why_it_failed(
    error: Exception, source: str, to: str | None, answers_file: Path, before: dict[str, Any]
) -> str:
    """One line for the user: what made copier's update fail, blamed on what is wrong."""
    from copier.errors import CopierError

    text = str(error).strip()
    if isinstance(error, SourceNotRecorded):
        return text
    unknown = _UNKNOWN_VERSION.match(text)
    refused = _REFUSED_ANSWER.match(text)
    if refused:
        # The template version the project records has other rules than this
        # mlops-portfolio: the answer is still the answers file's to fix.
        rule = text[refused.end() :]
        return f"{answers_file}: {refused.group(1)}: {rule} (the template at {source} refuses it)"
    if unknown and unknown.group(1) == to:
        return f"--to {to}: the template at {source} has no such version (git tag or commit)"
    if unknown and unknown.group(1) == before.get("_commit"):
        return (
            f"the template at {source} does not have version {unknown.group(1)}, the one "
            f"this project was made from (_commit in {answers_file}): use a clone of the "
            "template's own repository"
        )
    if isinstance(error, CopierError):
        return f"update failed: {text}"
    detail = str(getattr(error, "stderr", "") or error).strip().splitlines()
    return (
        f"update failed: cannot read the template at {source} "
        f"({detail[-1] if detail else type(error).__name__}); offline or moved? "
        "Pass --template with a clone of the template repository"
    )


def report(project: Path, before: dict[str, Any], out, changes: dict[str, Any]) -> int:
    """What the update changed, the conflicts to resolve, and uv.lock brought in line."""
    from rich.markup import escape

    after = read_answers_file(project / ANSWERS_FILE, ANSWERS_FILE)
    changed = git(project, "status", "--porcelain").stdout.splitlines()
    old, new = before.get("_commit"), after.get("_commit")
    if not changed or (old == new and not changes):
        out.print(f"Already up to date: template version {old}.")
        return EXIT_OK
    conflicted = [
        line[3:]
        for line in changed
        if line[3:]
        and (project / line[3:]).is_file()
        and "<<<<<<< before updating"
        in (project / line[3:]).read_text(encoding="utf-8", errors="replace")
    ]
    what = f"from template version {old} to {new}" if old != new else f"at version {new}"
    if changes:
        what += " with " + ", ".join(f"{key}={as_written(value)}" for key, value in changes.items())
    out.print(
        f"[bold green]Updated[/] {escape(what)}; {len(changed)} files changed, your own edits kept."
    )
    for line in changed:
        out.print(f"  {line}", highlight=False)
    if conflicted:
        out.print(f"[yellow]Resolve the conflict markers in:[/] {', '.join(conflicted)}")
    if "pyproject.toml" in conflicted:
        out.print("Then run `make lock`: uv.lock must follow pyproject.toml.")
    elif any(line[3:] == "pyproject.toml" for line in changed):
        try:
            relock(project)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = (getattr(error, "stderr", "") or str(error)).strip()
            out.print(f"[yellow]uv.lock is not updated yet[/] ({detail}); run `make lock`.")
        else:
            out.print("  uv.lock updated to follow pyproject.toml (uv lock)", highlight=False)
    out.print(
        "Review with `git diff`, run `make test`, then commit:\n"
        f"  git add -A && git commit -m 'Update: {what}'\n"
        "To undo instead: git reset --hard && git clean -fd",
        highlight=False,
    )
    return EXIT_OK
