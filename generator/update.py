"""`mlops-portfolio update [PATH]`: merge a newer template version into a project.

copier does a three-way merge: it renders the template version the project
was made from (the answers file's `_commit`) and the new one with the same
answers, and applies their difference to the project, so the user's own
edits stay. Where both changed the same lines, the file gets conflict
markers to resolve, as in any git merge.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from generator.answers import ANSWERS_FILE, read_answers_file, record_source
from generator.errors import EXIT_INTERRUPTED, EXIT_OK, AnswerError, fail
from generator.lock import relock


def git(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def problems_before_update(project: Path) -> list[str]:
    """Why `project` cannot be updated as it is; empty when it can."""
    answers = project / ANSWERS_FILE
    if not project.is_dir():
        return [f"{project} is not a directory"]
    if not answers.is_file():
        return [f"{project} is not a project made by mlops-portfolio (it has no {ANSWERS_FILE})"]
    inside = git(project, "rev-parse", "--show-toplevel")
    if inside.returncode != 0:
        return [
            f"{project} is not a git repository; update merges with git. Run there: "
            "git init && git add -A && git commit -m 'Before update'"
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
        raise RuntimeError(result.stderr.strip() or result.stdout.strip())


def run_update(args) -> int:
    import warnings

    from rich.console import Console

    console = Console(stderr=True)
    out = Console()
    project = Path(args.path).absolute()
    problems = problems_before_update(project)
    if problems:
        return fail(console, problems)
    try:
        before = read_answers_file(project / ANSWERS_FILE, ANSWERS_FILE)
    except AnswerError as error:
        return fail(console, error.problems)
    if not before.get("_commit"):
        return fail(
            console,
            [
                f"{ANSWERS_FILE} does not record the template version the "
                "project was made from (_commit); it cannot be merged"
            ],
        )
    template = args.template
    if template and Path(template).expanduser().exists():
        template = str(Path(template).expanduser().resolve())
    if template and template != before.get("_src_path"):
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
        commit_new_source(project, template, before)
        out.print(f"Recorded {template} as the template source (one commit).")
    source = template or before.get("_src_path")
    if not source:
        return fail(
            console,
            [
                f"{ANSWERS_FILE} does not say where the template is (_src_path); "
                "pass --template URL-OR-PATH"
            ],
        )

    from copier import run_update as copier_update
    from copier.errors import CopierError

    try:
        with out.status(f"Merging the newest template from {source}..."), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier_update(
                str(project),
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict="inline",
                vcs_ref=args.to,
                skip_answered=True,
                unsafe=False,
            )
    except CopierError as error:
        return fail(console, [f"update failed: {error}"])
    except Exception as error:  # git or plumbum errors: explain them, no traceback
        detail = str(getattr(error, "stderr", "") or error).strip().splitlines()
        return fail(
            console,
            [
                f"update failed: cannot read the template at {source} "
                f"({detail[-1] if detail else type(error).__name__}); offline or moved? "
                "Pass --template with a clone of the template repository"
            ],
        )
    except KeyboardInterrupt:
        console.print(
            "Interrupted; undo any partial change with: git reset --hard && git clean -fd"
        )
        return EXIT_INTERRUPTED

    after = read_answers_file(project / ANSWERS_FILE, ANSWERS_FILE)
    changed = git(project, "status", "--porcelain").stdout.splitlines()
    old, new = before.get("_commit"), after.get("_commit")
    if not changed or old == new:
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
    out.print(
        f"[bold green]Updated[/] from template version {old} to {new}; "
        f"{len(changed)} files changed, your own edits kept."
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
        f"  git add -A && git commit -m 'Update to mlops-portfolio template {new}'\n"
        "To undo instead: git reset --hard && git clean -fd",
        highlight=False,
    )
    return EXIT_OK
