"""The questions about the user's own CSV file, checked and answered in Python.

copier.yml asks `data_file` and `target_column` when `use_case` is `own_csv`;
Jinja cannot open a file, so the Questionnaire calls these hooks: the file is
checked as it is typed (exists, readable, parses), the target is picked from
its columns, and `data_spec` is computed by profiling the file. The file is
read once and the profile made once, however often a prompt re-checks them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.errors import AnswerError

# Columns x rows up to which the target's choices show the task each would
# give: for bigger files that would take seconds, so only names are shown.
HINT_CELLS = 2_000_000


class OwnData:
    """Hooks for Questionnaire: `check`, `choices` and `compute`, keyed by question."""

    computed = ("data_spec",)
    # Compared with the file's own text, so taken exactly as given: a column
    # may be named " age" (Questionnaire.convert strips other text answers).
    exact = ("target_column",)

    def __init__(self) -> None:
        self._files: dict[tuple, Any] = {}
        self._profiles: dict[tuple, dict[str, Any]] = {}

    # -- reading, once ---------------------------------------------------
    def _key(self, path: Path) -> tuple:
        stat = path.stat()
        return (str(path.absolute()), stat.st_size, stat.st_mtime_ns)

    def csv_file(self, answers: dict[str, Any]):
        """The parsed data file of `answers` (cached); AnswerError if unusable."""
        from generator import profile

        path = Path(answers["data_file"]).expanduser()
        profile.check_path(path)  # cheap, and needed before stat()
        key = self._key(path)
        if key not in self._files:
            self._files[key] = profile.read(path)
        return self._files[key]

    def spec(self, answers: dict[str, Any]) -> dict[str, Any]:
        from generator import profile

        csv_file = self.csv_file(answers)
        key = (*self._key(csv_file.path), answers["target_column"])
        if key not in self._profiles:
            self._profiles[key] = profile.profile(csv_file, answers["target_column"])
        return self._profiles[key]

    # -- the hooks ---------------------------------------------------------
    def check(self, key: str, value: Any, answers: dict[str, Any]) -> str | None:
        """The rule `value` breaks, beyond copier.yml's validator, or None."""
        try:
            if key == "data_file":
                self.csv_file({**answers, "data_file": value})
            elif key == "target_column" and "data_file" in answers:
                self.spec({**answers, "target_column": value})
        except AnswerError as error:
            return "; ".join(problem.split(": ", 1)[-1] for problem in error.problems)
        return None

    def choices(self, key: str, answers: dict[str, Any]) -> dict[str, Any] | None:
        """The target's choices: the file's columns, with the task each would give."""
        if key != "target_column" or "data_file" not in answers:
            return None
        from generator import profile

        csv_file = self.csv_file(answers)
        cells = len(csv_file.frame) * len(csv_file.columns)
        if cells > HINT_CELLS:
            return {name: name for name in csv_file.columns}
        return {f"{name} ({profile.task_hint(csv_file, name)})": name for name in csv_file.columns}

    def compute(self, key: str, answers: dict[str, Any]) -> Any:
        """`data_spec`: the profile of the data file with the chosen target."""
        return self.spec(answers)
