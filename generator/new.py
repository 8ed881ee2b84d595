"""`mlops-portfolio new DEST`: ask, check, render, then make the first commit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.questions import (
    AnswerError,
    Questionnaire,
    load_answers_file,
    parse_assignments,
)
from generator.render import check_destination, render, template_root

EXIT_BAD_INPUT = 2


def fail(console, problems: list[str]) -> int:
    for line in problems:
        console.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
    return EXIT_BAD_INPUT


def git_first_commit(dest: Path, answers: dict[str, Any]) -> bool:
    """git init and commit everything, as the author given in the answers."""
    if shutil.which("git") is None:
        return False
    author = [
        "-c", f"user.name={answers['author_name']}",
        "-c", f"user.email={answers['author_email']}",
    ]
    steps = [
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", *author, "commit", "--quiet", "--no-verify",
         "-m", f"Initial commit: {answers['project_name']} from mlops-portfolio"],
    ]
    for step in steps:
        subprocess.run(step, cwd=dest, check=True, capture_output=True)
    return True


def run_new(args) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    out = Console()
    questionnaire = Questionnaire(template_root() / "copier.yml")

    # Refuse a bad DEST before asking anything; never touch what is there.
    reason = check_destination(args.dest)
    if reason:
        return fail(console, [f"DEST: {reason}"])

    try:
        given: dict[str, Any] = {}
        if args.answers:
            given.update(load_answers_file(args.answers))
        given.update(parse_assignments(args.assign))
        interactive = not args.defaults and sys.stdin.isatty()
        if not interactive and not (args.defaults or args.answers or args.assign):
            return fail(console, [
                "no terminal to ask questions in: use --defaults, --answers FILE or --set"
            ])
        if not interactive:
            # Scripts and CI: what was not given takes its default.
            answers = questionnaire.resolve(given)
        else:
            from generator.prompts import Cancelled, asker

            try:
                answers = questionnaire.resolve(given, ask=asker(questionnaire))
            except Cancelled:
                console.print("Cancelled; nothing was written.")
                return 130
    except AnswerError as error:
        return fail(console, error.problems)

    try:
        with console.status("Writing your project..."):
            dest = render(answers, args.dest)
    except KeyboardInterrupt:
        console.print("Interrupted; nothing was written.")
        return 130

    committed = False if args.no_git else git_first_commit(dest, answers)
    out.print(f"[bold green]Created[/] {dest}" + (" (git repository, first commit made)"
                                                  if committed else ""))
    out.print("Next steps:")
    out.print(f"  cd {args.dest}")
    out.print("  make setup     # create .venv and install the project")
    out.print("  make train     # train, evaluate and save the model")
    out.print("  make test      # run the tests")
    out.print("  make serve     # serve predictions on http://127.0.0.1:8080")
    return 0
