"""`mlops-portfolio new DEST`: ask, check, confirm, write all or nothing, then push."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.answers import load_answers_file
from generator.errors import EXIT_INTERRUPTED, EXIT_OK, AnswerError, fail
from generator.interrupts import Interrupts
from generator.own_data import OwnData
from generator.questions import Questionnaire, git_identity, parse_assignments
from generator.render import check_destination, render
from generator.template_source import template_source


def collect_answers(args, questionnaire: Questionnaire, out, interactive: bool) -> dict | None:
    """Answers from --answers/--set, and from the user at a terminal; None if they cancel."""
    given: dict[str, Any] = {}
    if args.answers:
        given.update(load_answers_file(args.answers))
    if args.data is not None:
        given.update(use_case="own_csv", data_file=args.data)
    if args.target is not None:
        given["target_column"] = args.target
    given.update(parse_assignments(args.assign))
    if "target_column" in given and given.get("use_case") != "own_csv":
        # Else the target would be dropped without a word (the question does not apply).
        raise AnswerError(
            ["target_column: needs your own data: --data FILE.csv (or --set use_case=own_csv)"]
        )
    if not interactive:
        # Scripts and CI: what was not given takes its default.
        return questionnaire.resolve(given)

    from generator.prompts import Cancelled, asker, confirm
    from generator.report import summary_table

    ask = None
    try:
        while True:
            ask = asker(questionnaire, out, previous=ask)
            answers = questionnaire.resolve(given, ask=ask)
            show_profile(answers, out)
            out.print(summary_table(questionnaire, answers))
            if confirm(f"Create the project in {args.dest} with these answers?"):
                return answers
            out.print(
                "Then let's go through the questions again; your answers are the defaults now."
            )
            ask.answers.update(answers)  # also those from --answers/--set
            given = {}
    except Cancelled:
        return None


def data_title(args) -> dict[str, str]:
    """The default project name for `--data FILE`.

    "seattle-weather.csv" gives "Seattle Weather Predictor".
    """
    if args.data is None:
        return {}
    from generator.profile import title_of

    return {"_data_title": f"{title_of(Path(args.data)).title()} Predictor"}


def show_profile(answers: dict[str, Any], out) -> None:
    """Show what was inferred from the user's CSV, before anything is written."""
    if answers.get("data_spec"):
        from generator.report import profile_table

        out.print(profile_table(answers["data_spec"]))


def data_files(answers: dict[str, Any]) -> dict[str, Path]:
    """The user's CSV, copied unchanged into the project's data/ folder."""
    spec = answers.get("data_spec")
    if not spec:
        return {}
    return {f"data/{spec['loader']['file']}": Path(answers["data_file"]).expanduser()}


def offer_push(args, dest: Path, answers: dict[str, Any], out, interactive: bool) -> None:
    """Push with gh when it is logged in and wanted; otherwise print how to push."""
    from rich.markup import escape

    from generator.publish import (
        enable_pages,
        gh_create_command,
        gh_status,
        push_commands,
        push_with_gh,
    )

    if args.push is False:
        return
    problem = gh_status()
    if problem is None:
        wanted = args.push
        if wanted is None and interactive:
            from generator.prompts import Cancelled, confirm

            shown = " ".join(gh_create_command(answers)[:4]) + " --public ..."
            try:
                wanted = confirm(f"Create the public GitHub repository and push now? ({shown})")
            except Cancelled:
                wanted = False
        if wanted:
            with out.status("Creating the GitHub repository and pushing..."):
                result = push_with_gh(dest, answers)
            if result.returncode == 0:
                url = result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""
                out.print(f"[bold green]Pushed[/] to GitHub {url}".rstrip())
                if answers.get("docs_site"):
                    # The Docs workflow publishes to Pages: on now, its first run is green.
                    problem = enable_pages(answers)
                    if problem is None:
                        out.print("[green]✓[/] Turned on GitHub Pages for the docs site")
                    else:
                        out.print(
                            f"[yellow]Could not turn on GitHub Pages:[/] {escape(problem)}; "
                            "turn it on in Settings > Pages > Source: GitHub Actions.",
                            highlight=False,
                        )
                return
            failure = escape(result.stderr.strip())
            out.print(f"[yellow]gh repo create failed:[/] {failure}", highlight=False)
    elif args.push:
        out.print(f"[yellow]Cannot push for you:[/] {escape(str(problem))}.")
    out.print()
    out.print("[bold]Put it on GitHub:[/]")
    out.print(
        f"  1. Create an empty repository named [bold]{answers['project_slug']}[/] "
        "at https://github.com/new\n"
        f"     (owner {answers['github_username']}; add no README, licence or "
        ".gitignore: your project has them).",
        highlight=False,
        soft_wrap=True,
    )
    out.print("  2. Push your first commit:", highlight=False)
    for command in push_commands(str(args.dest), answers):
        out.print(f"     {command}", markup=False, highlight=False, soft_wrap=True)


def run_new(args) -> int:
    # `a/../b` is `b`, as a shell's `cd` reads it: no `a/` is made on the way.
    args.dest = Path(os.path.normpath(args.dest))
    # A closed terminal (SIGHUP), SIGTERM or SIGQUIT stops `new` as Ctrl-C
    # does: what was started is cleaned up, with one line, exit code 130.
    with Interrupts():
        try:
            return ask_and_write(args)
        except Exception as error:
            if not Interrupts.interrupted(error):
                raise
            print("Interrupted; nothing was written.", file=sys.stderr)
            return EXIT_INTERRUPTED


def ask_and_write(args) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    out = Console()

    # Refuse a bad DEST before asking anything; never touch what is there.
    reason = check_destination(args.dest)
    dest_problems = [f"DEST: {reason}"] if reason else []
    interactive = not args.defaults and sys.stdin.isatty()
    if dest_problems and interactive:
        return fail(console, dest_problems)
    if not interactive and not (args.defaults or args.answers or args.assign):
        return fail(
            console,
            [
                *dest_problems,
                "no terminal to ask questions in: use --defaults, --answers FILE or --set",
            ],
        )
    try:
        with template_source(args.template, args.vcs_ref) as source:
            questionnaire = Questionnaire(
                source.copier_yml, environment=git_identity() | data_title(args), hooks=OwnData()
            )
            try:
                answers = collect_answers(args, questionnaire, out, interactive)
            except AnswerError as error:
                return fail(console, dest_problems + error.problems)
            if dest_problems:  # reported with the answers' problems, all at once
                return fail(console, dest_problems)
            if answers is None:
                console.print("Cancelled; nothing was written.")
                return EXIT_INTERRUPTED
            if not interactive:
                from generator.report import summary_table

                show_profile(answers, out)
                out.print(summary_table(questionnaire, answers))
            return write(args, source, answers, out, console, interactive)
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        return fail(console, [f"{error}{(': ' + detail.strip()) if detail else ''}"])
    except KeyboardInterrupt:
        console.print("Interrupted; nothing was written.")
        return EXIT_INTERRUPTED


def write(args, source, answers, out, console, interactive: bool) -> int:
    from generator.lock import lock
    from generator.publish import git_first_commit

    # A DEST made meanwhile (e.g. by another program) is still never touched.
    reason = check_destination(args.dest)
    if reason:
        return fail(console, [f"DEST: {reason}"])

    def finish(project: Path) -> None:
        out.print("  [green]✓[/] Rendered the template")
        lock(project)
        out.print("  [green]✓[/] Pinned every library's version in uv.lock")
        if args.no_git:
            return
        if shutil.which("git") is None:
            out.print(
                "  [yellow]![/] git is not installed, so there is no git repository yet "
                "(see: mlops-portfolio doctor)"
            )
            return
        git_first_commit(project, answers)
        out.print("  [green]✓[/] Made the first git commit (branch main)")

    try:
        with out.status("Writing your project...") as status:
            dest = render(
                answers,
                args.dest,
                source=source,
                extra_files=data_files(answers),
                finish=finish,
                step=lambda name: status.update(f"{name}..."),
            )
    except KeyboardInterrupt:
        console.print("Interrupted; nothing was written.")
        return EXIT_INTERRUPTED
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode() if isinstance(error.stderr, bytes) else error.stderr
        return fail(
            console,
            [f"{' '.join(error.cmd[:2])} failed; nothing was written: {(stderr or '').strip()}"],
        )
    except OSError as error:
        return fail(console, [f"cannot write {args.dest}; nothing was written: {error}"])
    try:
        return show_result(args, dest, answers, out, interactive)
    except BaseException as error:  # the project is written: say so, not "nothing was written"
        if not Interrupts.interrupted(error):
            raise
        console.print(f"Interrupted; the project in {args.dest} is complete.", markup=False)
        return EXIT_INTERRUPTED


def show_result(args, dest: Path, answers: dict[str, Any], out, interactive: bool) -> int:
    """The tree of created files, the next steps, and the offer to push."""
    from rich.markup import escape

    from generator.report import count_files, file_tree

    committed = (dest / ".git").is_dir()
    out.print(file_tree(dest, label=str(args.dest)))
    out.print(
        f"[bold green]Created[/] {count_files(dest)} files in {escape(str(dest))}"
        + (" (a git repository with its first commit)" if committed else "")
    )
    out.print()
    out.print("[bold]Next steps:[/]")
    out.print(f"  cd {shlex.quote(str(args.dest))}", markup=False, highlight=False)
    out.print("  make setup     # create .venv and install the project", highlight=False)
    out.print("  make train     # train, evaluate and save the model", highlight=False)
    out.print("  make test      # run the tests", highlight=False)
    from generator.questions import choice_values

    stages = choice_values("stage")
    if stages.index(answers.get("stage", stages[-1])) >= stages.index("api"):
        out.print("  make serve     # serve predictions on http://127.0.0.1:8080", highlight=False)
    else:
        out.print("  mlops-portfolio grow   # later: add the next stage", highlight=False)
    if not committed:
        out.print(
            "  git init -b main && git add -A && git commit -m 'Initial commit'  "
            "# then push to GitHub",
            highlight=False,
        )
    else:
        offer_push(args, dest, answers, out, interactive)
    return EXIT_OK
