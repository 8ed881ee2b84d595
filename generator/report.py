"""What the user sees around the questions: the summary, the file tree, the next steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.questions import Questionnaire


def shown_answer(questionnaire: Questionnaire, key: str, value: Any) -> str:
    """An answer as the user chose it: the choice's label, not only its code."""
    question = questionnaire.question(key)
    for label, choice in question.choices.items():
        if choice == value and str(label) != str(value):
            return f"{label} ({value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def summary_table(questionnaire: Questionnaire, answers: dict[str, Any]):
    """A rich table of every answer, grouped by section."""
    from rich.table import Table

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
            section,
            question.title,
            shown_answer(questionnaire, question.key, answers[question.key]),
        )
    return table


def file_tree(project: Path, *, label: str | None = None):
    """A rich tree of the files in `project` (without .git)."""
    from rich.tree import Tree

    def add(branch, folder: Path) -> None:
        entries = sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower()))
        for entry in entries:
            if entry.name == ".git":
                continue
            if entry.is_dir():
                add(branch.add(f"[bold blue]{entry.name}/[/]"), entry)
            else:
                branch.add(entry.name)

    tree = Tree(f"[bold]{label or project.name}/[/]")
    add(tree, project)
    return tree


def count_files(project: Path) -> int:
    return sum(1 for p in project.rglob("*") if p.is_file() and ".git" not in p.parts)
