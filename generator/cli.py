"""The `mlops-portfolio` command line.

Every command's options are defined here. Kept light on purpose: argparse
only at import time, so `--help` starts fast; each command's module (and
copier, rich, questionary, PyYAML) is imported when that command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator import __version__
from generator.errors import EXIT_INTERRUPTED, EXIT_OK


class CommandParser(argparse.ArgumentParser):
    """A command's parser whose choice options take their choices from copier.yml.

    copier.yml is the only place a question's choices are written, but
    reading it needs PyYAML, too slow to import for `mlops-portfolio --help`.
    A command's parser parses only when that command is given, so the choices
    are filled in then: before its own `--help`, usage or "invalid choice"
    error is shown.
    """

    def add_choice_option(self, flag: str, question: str, **kwargs) -> None:
        """Add `flag`, whose choices are the values of copier.yml's `question`."""
        action = self.add_argument(flag, **kwargs)
        action.question = question  # read by parse_known_args

    def parse_known_args(self, args=None, namespace=None):
        for action in self._actions:
            question = getattr(action, "question", None)
            if question and action.choices is None:
                from generator.questions import choice_values

                action.choices = choice_values(question)
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        """The help, with an epilog made only now if it reads copier.yml (`epilog_from`)."""
        make_epilog = getattr(self, "epilog_from", None)
        if make_epilog is not None:
            self.epilog = make_epilog()
        return super().format_help()


# Help text as written: the examples' columns stay lined up.
_HELP_FORMAT = {"formatter_class": argparse.RawDescriptionHelpFormatter}


def build_parser() -> argparse.ArgumentParser:
    from generator.help_text import EXAMPLES

    parser = argparse.ArgumentParser(
        prog="mlops-portfolio",
        description="Generate a working MLOps portfolio repository and its learning roadmap.",
        epilog=EXAMPLES,
        **_HELP_FORMAT,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)

    new = commands.add_parser(
        "new",
        help="generate a new project in DEST",
        description="Generate a new MLOps project in DEST (a new or empty directory).",
        **_HELP_FORMAT,
    )
    new.epilog_from = new_epilog
    new.add_argument("dest", metavar="DEST", type=Path, help="directory to create")
    new.add_argument(
        "--defaults",
        action="store_true",
        help="answer every question with its default, without prompting",
    )
    new.add_argument(
        "--answers",
        metavar="FILE",
        type=Path,
        help="YAML file of answers (e.g. a .copier-answers.yml a teacher shares)",
    )
    from generator.completion import set_completions

    new.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="assign",
        help="set one answer; repeatable; wins over --answers (the keys are listed below)",
    ).completer = set_completions  # what TAB offers after --set
    new.add_argument(
        "--data",
        metavar="FILE.csv",
        help="make the project from your own CSV file (= --set use_case=own_csv "
        "--set data_file=FILE.csv); at most 50 MB",
    )
    new.add_argument(
        "--target",
        metavar="COLUMN",
        help="with --data: the column to predict (= --set target_column=COLUMN)",
    )
    new.add_argument(
        "--no-git", action="store_true", help="do not run git init and make the first commit"
    )
    add_roadmap_parser(commands)
    push = new.add_mutually_exclusive_group()
    push.add_argument(
        "--push",
        dest="push",
        action="store_true",
        default=None,
        help="create the GitHub repository with gh and push, without asking",
    )
    push.add_argument(
        "--no-push",
        dest="push",
        action="store_false",
        help="do not push; print nothing about pushing",
    )
    new.add_argument(
        "--template",
        metavar="URL-OR-PATH",
        help="render another copy of the template (a git URL or a directory) "
        "instead of the one in this package",
    )
    new.add_argument(
        "--vcs-ref",
        metavar="REF",
        help="with --template: the git tag or commit to use (default: newest tag)",
    )

    update = commands.add_parser(
        "update",
        help="merge a newer template version into a generated project",
        description="Bring a newer template version into a project made by mlops-portfolio, "
        "or change an answer (--set). A three-way merge keeps your own edits; review the "
        "result with git diff.",
    )
    update.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        default=".",
        help="the generated project (default: the current directory)",
    )
    update.add_argument(
        "--template",
        metavar="URL-OR-PATH",
        help="where the template's git repository is, if not where the "
        "answers file says (recorded for next time)",
    )
    update.add_argument(
        "--to",
        metavar="REF",
        help="the template version (git tag or commit) to update to (default: the newest tag)",
    )
    update.add_argument(
        "--set",
        dest="assign",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change an answer, e.g. include_jenkins=true: the merge brings what it adds",
    ).completer = set_completions

    doctor = commands.add_parser(
        "doctor",
        help="check that git, Python, make, docker, gh and your cloud's CLI are installed",
        description="Check the tools a generated project uses and say how to install "
        "what is missing, on Linux, macOS and Windows.",
    )
    doctor.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        default=".",
        help="a generated project, to check its cloud's CLI (default: .)",
    )
    doctor.add_choice_option(
        "--cloud",
        question="cloud_provider",
        help="the cloud whose CLI to check (default: the project's)",
    )
    add_grow_parser(commands)
    add_completion_parser(commands)
    add_present_parser(commands)
    add_check_parser(commands)
    add_class_parser(commands)
    return parser


def new_epilog() -> str:
    """`new --help`'s examples and every `--set` key with its choices, from copier.yml."""
    from generator.help_text import NEW_EXAMPLES, set_keys

    return f"{set_keys()}\n{NEW_EXAMPLES}"


def add_completion_parser(commands) -> None:
    from generator.completion import INSTALL, SHELLS

    installing = "\n".join(f"  {shell}: {INSTALL[shell]}" for shell in SHELLS)
    parser = commands.add_parser(
        "completion",
        help="print the TAB-completion script for bash, zsh or fish",
        description="Print the script that makes TAB complete mlops-portfolio's commands,\n"
        "options and answers (new --set <TAB>) in your shell.",
        epilog=f"install it once (a new shell then has it):\n{installing}",
        **_HELP_FORMAT,
    )
    parser.add_argument("shell", metavar="SHELL", choices=SHELLS, help=", ".join(SHELLS))


def add_roadmap_parser(commands) -> None:
    parser = commands.add_parser(
        "roadmap",
        help="print the learning roadmap, or your progress on it",
        description="Print the MLOps learning roadmap for a cloud provider, or, with "
        "--progress, count the ticked boxes in a generated project's docs/roadmap.md.",
    )
    parser.add_choice_option(
        "--cloud",
        question="cloud_provider",
        help="the cloud's roadmap (default: the project's in this directory, else aws)",
    )
    parser.add_argument(
        "--progress",
        metavar="PATH",
        nargs="?",
        const=Path("."),
        type=Path,
        help="show progress per stage for the project at PATH (default: .) or a roadmap.md file",
    )


def add_grow_parser(commands) -> None:
    parser = commands.add_parser(
        "grow",
        help="add the roadmap's next stage to a project started small (new --set stage=...)",
        description="Add the next roadmap stage's files to the project at PATH with a three-way "
        "merge that keeps your own edits. Commit your work first; grow commits nothing.",
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="?", default=".", help="the project (default: .)"
    )
    parser.add_argument(
        "--set",
        dest="assign",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="at the last stage: the extras, e.g. experiment_tracking=mlflow (default: none)",
    )


def add_present_parser(commands) -> None:
    parser = commands.add_parser(
        "present",
        help="print resume bullets and interview answers with your model's real metrics",
        description="Print private interview notes for the trained project at PATH: resume "
        "bullets and model answers, filled with its test-set metrics. They are printed, never "
        "written into the repository: rewrite them in your own words.",
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        default=".",
        help="the generated project, after make train (default: the current directory)",
    )


def add_check_parser(commands) -> None:
    parser = commands.add_parser(
        "check",
        help="check which roadmap exercises your project's work passes",
        description="Check the roadmap's exercises in the project at PATH: each compares your "
        "work with the project's first commit and says what is missing. Exit code 1 while an "
        "exercise is open.",
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="?", default=".", help="the project (default: .)"
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def add_class_parser(commands) -> None:
    parser = commands.add_parser(
        "class",
        help="for teachers: make a repository per student, then report on their work",
        description="Make one project per student from a roster, or report on the students' "
        "local clones.",
    )
    actions = parser.add_subparsers(dest="class_command", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="make one project per row of ROSTER.csv in DIR/<github user>",
        description="Make one project per student, each all or nothing, as `new --defaults` "
        "would with the row's answers. ROSTER.csv's columns: name, email, github, and "
        "optionally use case, data (a CSV file, relative to the roster) with target, cloud, "
        "or any question's key. A row that breaks a rule is refused with the reason "
        "(exit code 2); the others are made.",
    )
    new.add_argument("roster", metavar="ROSTER.csv", help="the class list")
    new.add_argument("dir", metavar="DIR", help="where the projects go (one folder each)")
    new.add_argument(
        "--set",
        dest="assign",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an answer for every student (a row's own column wins), e.g. cloud_provider=gcp",
    )
    report = actions.add_parser(
        "report",
        help="check each student's clone; write a Markdown and an HTML table",
        description="For each project (a DIR, or the projects directly inside it): exercises "
        "passed, tests green, CI and deploy workflows, monitoring run, a rubric score. The "
        "students' code runs only in subprocesses, each stopped after --timeout seconds.",
    )
    report.add_argument(
        "dirs", metavar="DIR", nargs="+", help="a student's clone, or a class folder"
    )
    report.add_argument(
        "--out", default="class-report", help="file name without suffix (default: class-report)"
    )
    report.add_argument(
        "--timeout", type=float, default=600, help="seconds per student's command (default: 600)"
    )
    report.add_argument(
        "--no-tests", action="store_true", help="do not run the students' tests (faster)"
    )


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:
        # Ctrl-C before a command could handle it (while its libraries load):
        # one line, no traceback. Each command says itself what an interrupt
        # left; here nothing has been written yet.
        print("Interrupted; nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:
        # A shell asks what TAB may complete (the script `completion` prints):
        # answer and exit, before anything runs.
        from generator.completion import complete

        complete(parser)
    args = parser.parse_args(argv)
    if args.command == "new":
        from generator.new import run_new

        return run_new(args)
    if args.command == "roadmap":
        from generator.roadmap import run_roadmap

        return run_roadmap(args)
    if args.command == "update":
        from generator.update import run_update

        return run_update(args)
    if args.command == "grow":
        from generator.grow import run_grow

        return run_grow(args)
    if args.command == "doctor":
        from generator.doctor import run_doctor

        return run_doctor(args)
    if args.command == "present":
        from generator.present import run_present

        return run_present(args)
    if args.command == "class":
        from generator.classroom import run_class

        return run_class(args)
    if args.command == "check":
        from generator.exercises import run_check

        return run_check(args)
    if args.command == "completion":
        from generator.completion import run_completion

        return run_completion(args)
    parser.print_help()
    return EXIT_OK
