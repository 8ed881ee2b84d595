"""The answers file: `.copier-answers.yml` in a project, or a YAML file given to `--answers`.

A generated project keeps the answers it was made with, plus copier's
bookkeeping: `_src_path` (where the template is) and `_commit` (which
version of it). `roadmap` and `doctor` read the answers, `update` merges from
the bookkeeping, `new --answers` reuses someone's answers. Reading and
writing that file happens only here, so its format is known in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.errors import AnswerError

ANSWERS_FILE = ".copier-answers.yml"

# Copier writes this header first; the bookkeeping keys follow it.
_HEADER_END = "NEVER EDIT MANUALLY\n"
_BOOKKEEPING = ("_src_path:", "_commit:")


def read_answers_file(path: Path, name: str | None = None) -> dict[str, Any]:
    """Every key of a YAML answers file, copier's `_` bookkeeping keys included.

    Raises AnswerError (`name: why`, `name` defaulting to the path) when the
    file cannot be read, is not YAML or is not a mapping; an empty file is {}.
    """
    import yaml

    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AnswerError([f"{name}: cannot be read ({error.strerror})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise AnswerError([f"{name}: is not valid YAML{where}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswerError([f"{name}: must be a mapping of question: answer"])
    return {str(k): v for k, v in data.items()}


def without_bookkeeping(data: dict[str, Any]) -> dict[str, Any]:
    """Only the answers: copier's own keys (_src_path, _commit) are not answers."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def load_answers_file(path: Path) -> dict[str, Any]:
    """The answers in a file given to `new --answers`: a teacher's file or a .copier-answers.yml."""
    return without_bookkeeping(read_answers_file(path, f"--answers {path}"))


def recorded_answers(project: Path) -> dict[str, Any]:
    """The answers `project` was generated with; {} when it has no readable answers file.

    For commands that only take hints from a project (roadmap, doctor): a
    missing or broken file means "not a project", not an error.
    """
    path = project / ANSWERS_FILE
    if not path.is_file():
        return {}
    try:
        return without_bookkeeping(read_answers_file(path))
    except AnswerError:
        return {}


def record_source(project: Path, src_path: str, commit: str | None = None) -> None:
    """Record in `project`'s answers file where the template is and which version was used.

    `update` merges from exactly these two keys. `new` records them when
    copier rendered a copy that cannot be updated from (the installed wheel
    records the template repository's URL and its release tag `v<version>`,
    a source checkout records the checkout and its commit). `update
    --template` records a new location only: with `commit` None the recorded
    version is kept as it is.
    """
    path = project / ANSWERS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if commit is None:
        kept = next((line for line in lines if line.startswith("_commit:")), None)
        commit_line = [kept if kept.endswith("\n") else kept + "\n"] if kept else []
    else:
        commit_line = [f"_commit: {commit}\n"]
    lines = [line for line in lines if not line.startswith(_BOOKKEEPING)]
    at = next((i + 1 for i, line in enumerate(lines) if line.endswith(_HEADER_END)), 0)
    lines[at:at] = [*commit_line, f"_src_path: {src_path}\n"]
    path.write_text("".join(lines), encoding="utf-8")
