"""`mlops-portfolio class`: a teacher makes a class's repositories, then reports on them.

`class new ROSTER.csv DIR` makes one project per student in DIR/<github user>,
each all or nothing, exactly as `new` makes one: the same questions, rules
and template, the student's name and e-mail as the first commit's author.
A row that breaks a rule is refused with the reason; the others are made.

`class report DIR...` looks at each student's local clone and writes a
Markdown and an HTML table: exercises passed (`check`), tests green, CI
workflow, deploy workflow, monitoring run, a rubric score. A student's code
only ever runs in a subprocess with a time limit, never in this process.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, AnswerError, fail

# Roster columns (case and spaces do not matter) -> the question they answer.
# Any question of copier.yml may be a column too, by its key.
COLUMNS = {
    "name": "author_name",
    "email": "author_email",
    "e-mail": "author_email",
    "github": "github_username",
    "github user": "github_username",
    "use case": "use_case",
    "data": "data_file",
    "data file": "data_file",
    "target": "target_column",
    "cloud": "cloud_provider",
}
REQUIRED = ("author_name", "author_email", "github_username")
MAX_ROSTER_BYTES = 1_000_000


@dataclass
class Student:
    row: int  # the line in the roster file
    given: dict[str, str]
    result: str = ""  # "made", or why not
    dest: Path | None = None


# -- class new ---------------------------------------------------------------------------
def read_roster(path: Path, questions: list[str]) -> list[Student]:
    """The roster's students; AnswerError when the file as a whole is unusable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise AnswerError([f"{path}: cannot be read: {error.strerror}"]) from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise AnswerError([f"{path}: is over {MAX_ROSTER_BYTES} bytes; is it the roster?"])
    try:
        text = raw.decode("utf-8-sig")  # spreadsheets save UTF-8 with a byte-order mark
    except UnicodeDecodeError:
        raise AnswerError([f"{path}: is not UTF-8 text; save it as CSV UTF-8"]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise AnswerError(
            [f"{path}: is empty; its first line names the columns: name,email,github"]
        )
    # A spreadsheet set to a language that writes 0,5 for a half saves with `;`.
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    keys = []
    problems = []
    for column in header:
        name = " ".join(column.strip().lower().replace("_", " ").split())
        key = COLUMNS.get(name) or (column.strip() if column.strip() in questions else None)
        if key is None:
            problems.append(
                f"{path}: column {column.strip()!r} is not a roster column "
                f"({', '.join(sorted(COLUMNS))}, or a question's key)"
            )
        elif key in keys:
            problems.append(f"{path}: two columns give {key}")
        keys.append(key)
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        problems.append(f"{path}: needs the columns name, email and github (missing: {missing})")
    if problems:
        raise AnswerError(problems)
    students = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # a blank line
        row = reader.line_num
        if len(values) != len(keys):
            students.append(Student(row, {}, f"has {len(values)} values for {len(keys)} columns"))
            continue
        given = {k: v.strip() for k, v in zip(keys, values, strict=True) if v.strip()}
        students.append(Student(row, given))
    if not students:
        raise AnswerError([f"{path}: lists no students below its header"])
    return students


def make_class(args) -> int:
    from rich.console import Console

    from generator.own_data import OwnData
    from generator.questions import Questionnaire, parse_assignments
    from generator.template_source import template_source

    console = Console(stderr=True)
    out = Console()
    roster = Path(args.roster)
    classroom = Path(os.path.normpath(args.dir))
    try:
        common = parse_assignments(args.assign)
        with template_source(None, None) as source:
            questionnaire = Questionnaire(source.copier_yml, hooks=OwnData())
            students = read_roster(roster, list(questionnaire.keys))
            check_duplicates(students)
            made = 0
            with out.status("Making the class's projects...") as status:
                for student in students:
                    if student.result:
                        continue
                    status.update(f"Row {student.row}: {student.given.get('author_name', '')}")
                    make_one(student, common, roster.parent, classroom, questionnaire, source)
                    made += student.result == "made"
    except AnswerError as error:
        return fail(console, error.problems)
    except KeyboardInterrupt:
        console.print(
            "Interrupted; the projects listed as made are complete, the one in progress "
            "was not written.",
            markup=False,
        )
        return EXIT_INTERRUPTED
    out.print(class_table(students))
    refused = [s for s in students if s.result != "made"]
    out.print(f"Made {made} of {len(students)} projects in {classroom}", markup=False)
    if refused:
        return fail(
            console,
            [f"row {s.row} ({s.given.get('author_name', '?')}): {s.result}" for s in refused],
        )
    return EXIT_OK


def check_duplicates(students: list[Student]) -> None:
    """Two rows for one GitHub user would want the same folder: refuse the later ones."""
    first: dict[str, int] = {}
    for student in students:
        user = student.given.get("github_username", "").lower()
        if student.result or not user:
            continue
        if user in first:
            student.result = f"github user {user} is already on row {first[user]}"
        else:
            first[user] = student.row


def make_one(student, common, roster_dir, classroom, questionnaire, source) -> None:
    """Render one student's project into classroom/<github user>, all or nothing."""
    from generator.lock import lock
    from generator.new import data_files
    from generator.publish import git_first_commit
    from generator.render import check_destination, render

    given = {**common, **student.given}
    missing = [key for key in REQUIRED if key not in given]
    if missing:
        student.result = f"no {', '.join(missing)}"
        return
    if "data_file" in given:
        given["use_case"] = "own_csv"
        given["data_file"] = str(roster_dir / given["data_file"])  # as written in the roster
    try:
        answers = questionnaire.resolve(given)
    except AnswerError as error:
        student.result = "; ".join(error.problems)
        return
    dest = classroom / answers["github_username"]
    reason = check_destination(dest)
    if reason:
        student.result = reason
        return

    def finish(project: Path) -> None:
        lock(project)
        git_first_commit(project, answers)

    try:
        render(answers, dest, source=source, extra_files=data_files(answers), finish=finish)
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode() if isinstance(error.stderr, bytes) else error.stderr
        student.result = f"{' '.join(map(str, error.cmd[:2]))} failed: {(stderr or '').strip()}"
        return
    except OSError as error:
        student.result = f"cannot write {dest}: {error}"
        return
    student.result, student.dest = "made", dest


def class_table(students: list[Student]):
    from rich.table import Table

    table = Table(title="Class", title_justify="left")
    for column in ("Row", "Student", "GitHub", "Project"):
        table.add_column(column, overflow="fold")
    for s in students:
        where = str(s.dest) if s.dest else "[red]refused[/] (below)"
        table.add_row(
            str(s.row),
            escape(s.given.get("author_name", "")),
            escape(s.given.get("github_username", "")),
            where if s.dest is None else escape(where),
        )
    return table


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


# -- class report ------------------------------------------------------------------------
@dataclass
class Report:
    folder: Path
    student: str = ""
    github: str = ""
    stage: str = ""
    exercises: str = "-"
    tests: str = "-"
    ci: bool = False
    deploy: bool = False
    monitoring: bool = False
    notes_words: int = 0
    problems: list[str] = field(default_factory=list)
    passed: int = 0
    total: int = 0

    @property
    def score(self) -> int:
        """The rubric (see RUBRIC): a starting point for grading, not a grade."""
        exercises = round(4 * self.passed / self.total) if self.total else 0
        notes = 2 if self.notes_words >= 150 else 1 if self.notes_words >= 40 else 0
        return (
            exercises
            + (2 if self.tests == "green" else 0)
            + self.ci
            + self.deploy
            + self.monitoring
            + notes
        )


RUBRIC = (
    "Score out of 11: exercises passed (0-4, in proportion), tests green (2), CI workflow "
    "(1), deploy workflow (1), drift monitoring run (1: reports/drift/summary.json), own "
    "write-up in docs/my-notes.md (1 from 40 words, 2 from 150). A starting point for "
    "grading, not a grade."
)


def projects_in(folders: list[Path]) -> list[Path]:
    """Each folder that is a project, and the projects directly inside one that is not."""
    found = []
    for folder in folders:
        if (folder / ".copier-answers.yml").is_file():
            found.append(folder)
        elif folder.is_dir():
            found.extend(
                sorted(p for p in folder.iterdir() if (p / ".copier-answers.yml").is_file())
            )
    return found


def run_in_subprocess(cmd: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    """(exit code or None on timeout, output); the whole process group is stopped after."""
    import signal

    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, ""
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything the tests left running


def report_on(folder: Path, timeout: float, run_tests: bool) -> Report:
    from generator.answers import read_project_answers

    report = Report(folder)
    try:
        answers = read_project_answers(folder)
    except AnswerError as error:
        report.problems.extend(error.problems)
        answers = {}
    report.student = str(answers.get("author_name", ""))
    report.github = str(answers.get("github_username", ""))
    report.stage = str(answers.get("stage", "all" if answers else ""))
    code, output = run_in_subprocess(
        [sys.executable, "-m", "generator", "check", "--json", str(folder)], Path.cwd(), timeout
    )
    try:
        checked = json.loads(output) if code in (0, 1) else None
    except ValueError:
        checked = None
    if checked:
        report.passed, report.total = checked["passed"], checked["total"]
        report.exercises = f"{report.passed}/{report.total}"
    else:
        report.problems.append("check: " + (output.strip().splitlines() or ["timed out"])[-1])
    if run_tests:
        report.tests = test_outcome(folder, timeout)
    workflows = folder / ".github" / "workflows"
    report.ci = (workflows / "ci.yml").is_file()
    report.deploy = (workflows / "deploy.yml").is_file()
    report.monitoring = (folder / "reports" / "drift" / "summary.json").is_file()
    notes = folder / "docs" / "my-notes.md"
    report.notes_words = own_words(folder, notes)
    return report


def test_outcome(folder: Path, timeout: float) -> str:
    """green, red, timed out or not set up: the student's tests, run by their own Python."""
    folder = folder.resolve()
    python = folder / ".venv" / "bin" / "python"
    if not python.exists():
        code, _ = run_in_subprocess(["make", "setup"], folder, timeout)
        if code != 0 or not python.exists():
            return "not set up (make setup failed)"
    code, _ = run_in_subprocess([str(python), "-m", "pytest", "-q", "-x"], folder, timeout)
    if code is None:
        return f"timed out after {timeout:g} s"
    return "green" if code == 0 else "red"


def own_words(folder: Path, notes: Path) -> int:
    """Words in docs/my-notes.md beyond those the first commit had."""
    import re

    try:
        now = notes.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    first = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    before = ""
    if first:
        shown = subprocess.run(
            ["git", "show", f"{first[-1]}:docs/my-notes.md"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
        before = shown.stdout if shown.returncode == 0 else ""
    return max(0, len(re.findall(r"\w+", now)) - len(re.findall(r"\w+", before)))


HEAD = [
    "Student",
    "GitHub",
    "Stage",
    "Exercises",
    "Tests",
    "CI",
    "Deploy",
    "Monitoring",
    "Notes",
    "Score",
    "Problems",
]


def cells(r: Report) -> list[str]:
    """One student's row of the report, in HEAD's order."""
    return [
        r.student or r.folder.name,
        r.github,
        r.stage,
        r.exercises,
        r.tests,
        yes(r.ci),
        yes(r.deploy),
        yes(r.monitoring),
        f"{r.notes_words} words",
        f"{r.score}/11",
        "; ".join(r.problems),
    ]


def markdown(reports: list[Report]) -> str:
    def cell(text: Any) -> str:
        return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Class report",
        "",
        RUBRIC,
        "",
        "| " + " | ".join(HEAD) + " |",
        "|" + "---|" * len(HEAD),
    ]
    lines += ["| " + " | ".join(cell(v) for v in cells(r)) + " |" for r in reports]
    return "\n".join(lines) + "\n"


def html_page(reports: list[Report]) -> str:
    rows = [
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in cells(r)) + "</tr>" for r in reports
    ]
    header = "".join(f"<th>{html.escape(h)}</th>" for h in HEAD)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Class report</title><style>body{font-family:sans-serif}table{border-collapse:"
        "collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head>"
        f"<body><h1>Class report</h1><p>{html.escape(RUBRIC)}</p><table><thead><tr>{header}"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )


def yes(value: bool) -> str:
    return "yes" if value else "no"


def report_class(args) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    folders = [Path(f) for f in args.dirs]
    missing = [f"{f}: no such folder" for f in folders if not f.is_dir()]
    if missing:
        return fail(console, missing)
    projects = projects_in(folders)
    if not projects:
        return fail(console, ["no project made by mlops-portfolio in " + ", ".join(args.dirs)])
    reports = []
    with Console().status("Checking...") as status:
        for project in projects:
            status.update(f"Checking {project}")
            reports.append(report_on(project, args.timeout, run_tests=not args.no_tests))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text(markdown(reports), encoding="utf-8")
    out.with_suffix(".html").write_text(html_page(reports), encoding="utf-8")
    print(markdown(reports))
    print(f"Wrote {out.with_suffix('.md')} and {out.with_suffix('.html')}")
    return EXIT_OK


def run_class(args) -> int:
    if args.class_command == "new":
        from generator.interrupts import Interrupts

        # SIGTERM, SIGHUP, SIGQUIT stop it as Ctrl-C does: the project in
        # progress is cleaned up, those made stay complete.
        with Interrupts():
            try:
                return make_class(args)
            except Exception as error:
                if not Interrupts.interrupted(error):
                    raise
                print("Interrupted; the project in progress was not written.", file=sys.stderr)
                return EXIT_INTERRUPTED
    if args.class_command == "report":
        return report_class(args)
    return EXIT_BAD_INPUT
