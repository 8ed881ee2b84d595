"""What the user sees around the questions: the summary, the file tree, the next steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape

from generator.questions import Questionnaire


def shown_answer(questionnaire: Questionnaire, key: str, value: Any) -> str:
    """An answer as the user chose it: the choice's label, not only its code."""
    question = questionnaire.question(key)
    for label, choice in question.choices.items():
        if choice == value and str(label) != str(value):
            return f"{label} ({value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and "profile" in value:  # data_spec: the table above says it all
        return (
            f"{value['task']}: {value['target']['name']} from {len(value['features'])} "
            f"features, {value['profile']['rows']:,} rows (the profile above)"
        )
    return str(value)


def summary_table(questionnaire: Questionnaire, answers: dict[str, Any]):
    """A rich table of every answer, grouped by section.

    Answers are Text, never markup: a project called "[bold] Lab" shows as typed.
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Your answers", title_justify="left", show_lines=False)
    table.add_column("Section", style="bold cyan", no_wrap=True)
    table.add_column("Question", no_wrap=True)
    table.add_column("Answer", style="green", overflow="fold")
    last = None
    for question in questionnaire.questions:
        if question.key not in answers:
            continue  # a follow-up that did not apply
        section = question.section if question.section != last else ""
        last = question.section
        table.add_row(
            Text(section),
            Text(question.title),
            Text(shown_answer(questionnaire, question.key, answers[question.key])),
        )
    return table


def profile_table(spec: dict[str, Any]):
    """The CSV's profile: each column's role, type and share missing, and why one was excluded."""
    from rich.table import Table

    profile = spec["profile"]
    task = spec["task"]
    if task == "regression":
        shape = "regression (predicts a number)"
    else:
        shape = f"{task} classification, {len(spec['target']['classes'])} classes"
    title = (
        f"{profile['file']}: {profile['rows']:,} rows, {profile['columns']} columns; "
        f"target {spec['target']['name']!r}: {shape}"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("Column", overflow="fold")
    table.add_column("Role", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Missing", justify="right", no_wrap=True)
    table.add_column("Range, categories or reason", overflow="fold")
    features = {feature["name"]: feature for feature in spec["features"]}
    for column in profile["columns_table"]:
        name, role = column["name"], column["role"]
        if role == "excluded":
            detail, style = column["reason"], "dim"
        elif role == "target":
            detail, style = _distribution(profile["target_distribution"], task), "bold"
        else:
            detail, style = _values(features[name]), ""
        table.add_row(
            escape(name),
            role,
            column["type"],
            f"{column['missing']:.1%}",
            escape(detail),
            style=style,
        )
    for note in profile["notes"]:
        table.caption = (table.caption + "\n" if table.caption else "") + escape(note)
    return table


def _values(feature: dict[str, Any]) -> str:
    if "categories" in feature:
        shown = ", ".join(feature["categories"][:8])
        more = len(feature["categories"]) - 8
        return shown + (f", ... ({more} more)" if more > 0 else "")
    low, high = feature["range"]
    return f"{low} to {high}"


def _distribution(distribution: dict[str, Any], task: str) -> str:
    if task == "regression":
        return ", ".join(f"{key} {value}" for key, value in distribution.items())
    return ", ".join(f"{label}: {rows:,}" for label, rows in distribution.items())


def file_tree(project: Path, *, label: str | None = None):
    """A rich tree of the files in `project` (without .git)."""
    from rich.text import Text
    from rich.tree import Tree

    def add(branch, folder: Path) -> None:
        entries = sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower()))
        for entry in entries:
            if entry.name == ".git":
                continue
            # File names are text, not markup (data/[raw].csv of your own CSV).
            if entry.is_dir():
                add(branch.add(Text(f"{entry.name}/", style="bold blue")), entry)
            else:
                branch.add(Text(entry.name))

    tree = Tree(Text(f"{label or project.name}/", style="bold"))
    add(tree, project)
    return tree


def count_files(project: Path) -> int:
    return sum(1 for p in project.rglob("*") if p.is_file() and ".git" not in p.parts)
