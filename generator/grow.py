"""`mlops-portfolio grow [PATH]`: add the roadmap's next stage to a project started small.

The stage is an answer like any other (copier.yml: `stage`), so growing is an
update with that one answer changed: copier renders the project the answers
file describes and the one with the next stage, and merges their difference
into the project three ways, so the learner's own edits stay. The template
version stays the one the project was made from: growing adds a stage and
nothing else (`update` brings newer template versions).

It refuses a repository with uncommitted changes, shows what was added, prints
the stage's exercises, and commits nothing: the learner reviews and commits.
"""

from __future__ import annotations

from pathlib import Path

from generator import TEMPLATE_URL
from generator.answers import ANSWERS_FILE, read_project_answers
from generator.errors import EXIT_INTERRUPTED, EXIT_OK, AnswerError, fail
from generator.interrupts import Interrupts
from generator.template_source import releases_bundle
from generator.update import (
    Snapshot,
    changed_answers,
    git,
    merge,
    problems_before_update,
    untracked_files,
)

LAST_STAGE = "all"
# The exercises of the stage `grow` reaches (generator/exercises.py groups the
# last stage's as "extras").
EXERCISE_STAGE = {LAST_STAGE: "extras"}


def next_stage(current: str, stages: list[str]) -> str | None:
    """The stage after `current` in copier.yml's order; None at the last one."""
    position = stages.index(current)
    return stages[position + 1] if position + 1 < len(stages) else None


def run_grow(args) -> int:
    from rich.console import Console

    from generator.questions import Questionnaire, parse_assignments
    from generator.template_source import template_root

    console = Console(stderr=True)
    out = Console()
    project = Path(args.path).absolute()
    problems = problems_before_update(project)
    if problems:
        return fail(console, problems)
    try:
        before = read_project_answers(Path(args.path))
        extra = parse_assignments(args.assign)
    except AnswerError as error:
        return fail(console, error.problems)
    if not before:
        return fail(
            console, [f"{args.path}: not a project made by mlops-portfolio (no {ANSWERS_FILE})"]
        )
    stage_question = Questionnaire(template_root() / "copier.yml").question("stage")
    stages = list(stage_question.choices.values())
    labels = {value: label for label, value in stage_question.choices.items()}
    current = before.get("stage", LAST_STAGE)  # made before stages existed: the whole project
    following = next_stage(current, stages)
    if following is None:
        out.print("This project has every stage already: nothing to grow.")
        return EXIT_OK
    if extra and following != LAST_STAGE:
        return fail(
            console,
            [f"--set: the next stage is {following}; the extras are chosen at the last stage"],
        )
    try:
        # The new stage and the extras meet copier.yml's rules with the recorded answers.
        changes = changed_answers(before, [f"stage={following}", *args.assign])
    except AnswerError as error:
        return fail(console, error.problems)

    # A wheel-made project records TEMPLATE_URL: its version is in the installed bundle.
    bundle = releases_bundle() if before.get("_src_path") == TEMPLATE_URL else None
    start = Snapshot.take(project)
    with Interrupts() as interrupts:
        try:
            with out.status(f"Adding stage {labels[following]}..."):
                merge(project, before["_commit"], bundle, data=changes)
                relock_if_needed(project)
            interrupts.check()
            interrupts.armed = False
        except BaseException as error:
            interrupts.armed = False
            start.restore()
            if isinstance(error, KeyboardInterrupt) or interrupts.received is not None:
                console.print("Interrupted; nothing was changed.")
                return EXIT_INTERRUPTED
            if not isinstance(error, Exception):
                raise
            return fail(console, [f"grow failed: {str(error).strip()}; nothing was changed"])
    show_growth(project, following, labels[following], out)
    return EXIT_OK


def relock_if_needed(project: Path) -> None:
    """The stage added libraries: uv.lock follows pyproject.toml, resolved as `new` resolves."""
    from generator.lock import lock

    if git(project, "status", "--porcelain", "--", "pyproject.toml").stdout.strip():
        lock(project)


def show_growth(project: Path, stage: str, label: str, out) -> None:
    """What the stage added and changed, and the exercises to do next."""
    from rich.markup import escape

    from generator.exercises import EXERCISES

    added = sorted(untracked_files(project))
    changed = git(project, "diff", "--name-only").stdout.split()
    conflicted = [name for name in changed if "<<<<<<< before updating" in read(project / name)]
    out.print(
        f"[bold green]Grew[/] to stage {escape(label)}: {len(added)} files added, "
        f"{len(changed)} changed, your own edits kept."
    )
    for name in added:
        out.print(f"  added    {name}", markup=False, highlight=False)
    for name in changed:
        out.print(f"  changed  {name}", markup=False, highlight=False)
    if conflicted:
        out.print(f"[yellow]Resolve the conflict markers in:[/] {escape(', '.join(conflicted))}")
    exercises = [e for e in EXERCISES if e.stage == EXERCISE_STAGE.get(stage, stage)]
    if exercises:
        out.print("\n[bold]This stage's exercises[/] (`mlops-portfolio check` checks them):")
        for exercise in exercises:
            out.print(f"  - {escape(exercise.task)}")
    out.print(
        "\nRead the new files and docs/roadmap.md's stage, run `make test`, then commit:\n"
        f"  git add -A && git commit -m 'Grow to stage {stage}'\n"
        "To undo instead: git reset --hard && git clean -fd",
        highlight=False,
        markup=False,
    )


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
