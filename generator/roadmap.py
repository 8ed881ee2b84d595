"""`mlops-portfolio roadmap`: print the learning roadmap, or a project's progress on it.

The content is `template/_data/roadmap.yml`, the same file a generated
project's `docs/roadmap.md` is rendered from. That file is Jinja, so it is
rendered here with the answers of the project in the current directory when
there is one (its `.copier-answers.yml`), else with copier.yml's defaults.

`--progress` does not need the data file: it reads the ticked boxes of a
generated project's `docs/roadmap.md`, which is what the learner edits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.errors import EXIT_OK, AnswerError, fail

ROADMAP_DATA = Path("template") / "_data" / "roadmap.yml"
ROADMAP_DOC = Path("docs") / "roadmap.md"

# Patterns as strings, compiled (and cached) by `re` on first use.
_CHECKBOX = r"^\s*[-*+]\s+\[( |x|X)\]\s+(.*\S)\s*$"
_HEADING = r"^##\s+(.*\S)\s*$"
_CODE = r"`([^`]+)`"
_LINK = r"\[([^\]]+)\]\([^)]+\)"


# -- the roadmap's data --------------------------------------------------------
def answers_for(cloud: str | None, project: Path | None = None) -> dict[str, Any]:
    """Complete answers: the project's (if any), then `cloud`, the rest defaults.

    Raises AnswerError when the project's answers file is broken.
    """
    from generator.answers import _AsRecorded, read_project_answers, without_bookkeeping
    from generator.errors import AnswerError
    from generator.questions import Questionnaire
    from generator.template_source import template_root

    recorded = read_project_answers(project) if project is not None else {}
    # A project's own-data profile (data_spec) is taken as recorded, as
    # read_project_answers checks it: its CSV file may be gone.
    hooks = _AsRecorded(recorded) if recorded else None
    questionnaire = Questionnaire(template_root() / "copier.yml", hooks=hooks)
    given = without_bookkeeping(recorded)
    given = {k: v for k, v in given.items() if k in questionnaire.keys}
    if cloud is not None:
        given["cloud_provider"] = cloud
    try:
        return questionnaire.resolve(given)
    except AnswerError:
        # Another cloud than the project's (--cloud): its region, say, does not
        # fit that cloud. The roadmap of that cloud, with the defaults.
        return questionnaire.resolve({"cloud_provider": cloud} if cloud else {})


def load_roadmap(answers: dict[str, Any]) -> dict[str, Any]:
    """The roadmap data rendered with `answers`, exactly as the template sees it."""
    import yaml
    from jinja2 import FileSystemLoader

    from generator.questions import template_environment
    from generator.template_source import template_root

    text = (template_root() / ROADMAP_DATA).read_text(encoding="utf-8")
    environment = template_environment()
    # Its `{% from 'template/_data/...' import ... %}` lines are found from the
    # template's root, as copier finds them.
    environment.loader = FileSystemLoader(template_root())
    rendered = environment.from_string(text).render(**answers)
    return yaml.safe_load(rendered)


def stage_part(stage: dict[str, Any], cloud: str) -> dict[str, Any]:
    """The cloud-specific part of a stage (the stage itself when it has none)."""
    return stage["by_cloud"][cloud] if "by_cloud" in stage else stage


# -- progress --------------------------------------------------------------------
class StageProgress:
    """The ticked (`done`) and open (`todo`) boxes of one stage."""

    def __init__(self, title: str):
        self.title = title
        self.done: list[str] = []
        self.todo: list[str] = []

    @property
    def total(self) -> int:
        return len(self.done) + len(self.todo)


def read_progress(text: str) -> list[StageProgress]:
    """Checkboxes per `## ` section of a roadmap; sections without boxes are skipped."""
    stages: list[StageProgress] = []
    current: StageProgress | None = None
    for line in text.splitlines():
        heading = re.match(_HEADING, line)
        if heading:
            current = StageProgress(heading.group(1))
            stages.append(current)
            continue
        box = re.match(_CHECKBOX, line)
        if box and current is not None:
            (current.todo if box.group(1) == " " else current.done).append(box.group(2))
    return [stage for stage in stages if stage.total]


def next_step(stages: list[StageProgress]) -> tuple[StageProgress, str] | None:
    """The first unticked box of the first unfinished stage: the road is in order."""
    for stage in stages:
        if stage.todo:
            return stage, stage.todo[0]
    return None


def find_roadmap(path: Path) -> Path:
    """`path` itself when it is a file, else its docs/roadmap.md."""
    return path if path.is_file() else path / ROADMAP_DOC


# -- printing ----------------------------------------------------------------------
def _inline(text: str) -> str:
    """Markdown inline code and links to rich markup (the text is escaped first)."""
    from rich.markup import escape

    text = re.sub(_LINK, r"\1", text)
    parts = re.split(_CODE, text)
    return "".join(
        f"[bold cyan]{escape(part)}[/]" if i % 2 else escape(part) for i, part in enumerate(parts)
    )


def print_roadmap(roadmap: dict[str, Any], cloud: str, console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    console.print(
        Panel.fit(
            f"[bold]{escape(roadmap['title'])}[/] for [bold]{cloud}[/]\n"
            f"{escape(roadmap['source'])}",
            border_style="cyan",
        )
    )
    article = roadmap["article"]
    console.print(
        f"[bold]The market, as the article tells it[/] "
        f'("{escape(article["title"])}", {escape(article["where"])}; {escape(article["date"])}):'
    )
    for claim in roadmap["market_context"]:
        console.print(f"  [italic]{escape(claim.strip())}[/]")
    console.print(f"[dim]{escape(roadmap['market_note'])}[/]\n")

    for stage in roadmap["stages"]:
        part = stage_part(stage, cloud)
        title = stage["title"] + (f": {part['name']}" if "by_cloud" in stage else "")
        weeks = stage["weeks"]
        console.rule(f"[bold]{escape(title)}[/]  [dim](about {weeks} week{'s' * (weeks != 1)})[/]")
        console.print(f"[bold]Goal:[/] {_inline(stage['goal'])}")
        console.print(f"[bold]Why it matters:[/] {_inline(stage['why'])}")
        console.print("[bold]Checklist:[/]")
        for skill in part["skills"]:
            console.print(f"  ☐ {_inline(skill)}")
        console.print("[bold]Hands-on, in your repository:[/]")
        for exercise in part["exercises"]:
            console.print(f"  ☐ {_inline(exercise)}")
        if "certifications" in part:
            table = Table(
                title=f"Certification path (checked on {roadmap['checked_on']})",
                title_justify="left",
                show_lines=False,
            )
            for column in ("Exam", "Code", "Level"):
                table.add_column(column)
            table.add_column("Official page", overflow="fold")
            for cert in part["certifications"]:
                table.add_row(
                    escape(cert["name"]),
                    escape(cert["code"]),
                    escape(cert["level"]),
                    escape(cert.get("url", part.get("certification_url", ""))),
                )
            console.print(table)
            console.print(f"  {_inline(part['certification_path'])}")
            console.print(f"  [yellow]{_inline(part['certification_note'])}[/]")
            if "certification_url" in part:
                console.print(f"  Verify on: {escape(part['certification_url'])}")
        console.print("[bold]Resources[/] (free official material first, then courses):")
        for resource in sorted(part["resources"], key=lambda r: r["kind"] != "official"):
            kind = (
                ""
                if resource["kind"] == "official"
                else (" [dim](course, free)[/]" if resource["free"] else " [dim](course, paid)[/]")
            )
            console.print(f"  • {escape(resource['title'])}{kind}\n    {escape(resource['url'])}")
        console.print()


def print_progress(stages: list[StageProgress], source: Path, console) -> None:
    from rich.markup import escape
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    table = Table(title=f"Roadmap progress: {escape(str(source))}", title_justify="left")
    table.add_column("Stage")
    table.add_column("Done", justify="right")
    table.add_column("", min_width=20)
    for stage in stages:
        table.add_row(
            escape(stage.title),
            f"{len(stage.done)}/{stage.total}",
            ProgressBar(total=stage.total, completed=len(stage.done), width=20),
        )
    done = sum(len(s.done) for s in stages)
    total = sum(s.total for s in stages)
    table.add_section()
    table.add_row(
        "[bold]Total[/]",
        f"[bold]{done}/{total}[/]",
        ProgressBar(total=total, completed=done, width=20),
    )
    console.print(table)
    step = next_step(stages)
    if step is None:
        console.print(
            "[bold green]Every box is ticked.[/] Keep the repository green and "
            "go and apply for jobs."
        )
    else:
        stage, item = step
        console.print(f"[bold]Next step[/] ({escape(stage.title)}):\n  ☐ {_inline(item)}")


def print_checked_work(project: Path, console) -> None:
    """What `check` proves, beside the boxes the learner ticked: exercises passed, and stage."""
    from rich.markup import escape

    from generator.exercises import Project, check

    try:
        outcomes = check(Project(project))
    except AnswerError as error:
        console.print(f"Exercises: not checked ({escape(error.problems[0])})")
        return
    counted = [o for o in outcomes if o.status != "not in this project"]
    passed = sum(o.status == "passed" for o in counted)
    console.print(
        f"[bold]Exercises passed[/] (checked in your files, not ticked): {passed}/{len(counted)}"
        " - `mlops-portfolio check` says what each one still needs."
    )
    stage = Project(project).answers.get("stage", "all")
    if stage != "all":
        console.print(
            f"The repository is at stage [bold]{escape(stage)}[/]: `mlops-portfolio grow` adds "
            "the next one."
        )


# -- the command -------------------------------------------------------------------
def run_roadmap(args) -> int:
    from rich.console import Console

    console = Console()
    if args.progress is not None:
        if args.progress.is_dir():
            # A project's other commands refuse its broken answers file; so does this one.
            from generator.answers import read_project_answers

            try:
                read_project_answers(args.progress)
            except AnswerError as error:
                return fail(Console(stderr=True), error.problems)
        source = find_roadmap(args.progress)
        if not source.is_file():
            return fail(
                Console(stderr=True),
                [
                    f"{source} not found: give the folder of a project made by mlops-portfolio, "
                    "or its docs/roadmap.md"
                ],
            )
        try:
            stages = read_progress(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or "it is not UTF-8 text"
            return fail(Console(stderr=True), [f"{source}: cannot be read ({why})"])
        if not stages:
            return fail(Console(stderr=True), [f"{source} has no checkboxes (- [ ] ...)"])
        print_progress(stages, source, console)
        if args.progress.is_dir():
            print_checked_work(args.progress, console)
        return EXIT_OK
    try:
        answers = answers_for(args.cloud, Path("."))
    except AnswerError as error:
        return fail(Console(stderr=True), error.problems)
    print_roadmap(load_roadmap(answers), answers["cloud_provider"], console)
    return EXIT_OK
