"""The option space of copier.yml and the combinations of answers the harness renders.

Every question with `choices` or `type: bool` is an option; new questions in
copier.yml join the matrix without any change here. Two selections:

- `pairwise`: every value of every option meets every value of every other
  option in at least one project (all pairs, so every use_case x
  cloud_provider too). A small deterministic greedy generator (AETG-style)
  builds it: the same copier.yml always gives the same projects, in the
  same order, so a CI failure names a project that reproduces by hand.
- `full`: the cartesian product.

`stage` is the one option not crossed with the others: a stage only leaves
files and blocks of the whole project out, and the whole project's code is
what the pairs cover. Each earlier stage is one project of its own (`staged`),
its other options rotated so the small projects meet several use cases and
clouds.

Follow-up questions (`when:` in copier.yml) are honoured: a combination is
normalised through the same `Questionnaire.resolve` that `mlops-portfolio new`
uses, so an option that is not asked drops out, and a pair that no valid
project can hold is not demanded.

Text follow-ups without choices get one fixed answer (`GIVEN`): `use_case=own_csv`
asks for a CSV file and its target, so own-data projects are made from the Palmer
penguins file (missing values, three string classes) of the `palmerpenguins`
data package, profiled by the same hooks as `mlops-portfolio new` (own_data.OwnData).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import AnswerError
from generator.own_data import OwnData
from generator.questions import Questionnaire

REPO = Path(__file__).resolve().parent.parent
NOT_ASKED = None  # value of an option whose `when:` is false for a combination
STAGE = "stage"  # not crossed with the other options: see `OptionSpace.staged`
OWN_DATA_TARGET = "species"


def own_data_file() -> Path:
    """penguins.csv of the palmerpenguins data package (the `test` extra), found without
    importing the package."""
    import importlib.util

    spec = importlib.util.find_spec("palmerpenguins")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the option matrix makes use_case=own_csv projects from the palmerpenguins "
            "data package: pip install -e '.[test]'"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "penguins.csv"


def given_answers() -> dict[str, Any]:
    """The fixed answers of text follow-ups that have no choices (see GIVEN in the docstring)."""
    return {"data_file": str(own_data_file()), "target_column": OWN_DATA_TARGET}


@dataclass(frozen=True)
class Option:
    key: str
    values: tuple[Any, ...]


class _CachedQuestionnaire(Questionnaire):
    """Compiles each Jinja string of copier.yml once: the full product resolves thousands."""

    def __init__(self, copier_yml: Path):
        super().__init__(copier_yml, hooks=OwnData())
        self._compiled: dict[str, Any] = {}

    def render(self, value: Any, context: dict[str, Any]) -> Any:
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            if value not in self._compiled:
                self._compiled[value] = self._env.from_string(value)
            return self._compiled[value].render(**context)
        return value


class OptionSpace:
    """The choice and bool questions of a copier.yml, in file order."""

    def __init__(self, copier_yml: Path = REPO / "copier.yml"):
        self.questionnaire = _CachedQuestionnaire(copier_yml)
        # Fixed answers for the text follow-ups this copier.yml has (none are options).
        known = set(self.questionnaire.keys)
        given = given_answers() if "data_file" in known else {}
        self.given = {k: v for k, v in given.items() if k in known}
        self.options: list[Option] = []
        self.stages: tuple[Any, ...] = ()
        for question in self.questionnaire.questions:
            if question.key == STAGE:
                self.stages = tuple(question.choices.values())
                continue
            if question.choices:
                values = tuple(question.choices.values())
            elif question.type == "bool":
                values = (False, True)
            else:
                continue
            self.options.append(Option(question.key, values))

    @property
    def keys(self) -> list[str]:
        return [o.key for o in self.options]

    def size(self) -> int:
        """Number of combinations in the full product (before `when:` pruning)."""
        total = 1
        for option in self.options:
            total *= len(option.values)
        return total

    def normalise(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """The answers a project really gets (options not asked become NOT_ASKED).

        None when copier.yml's validators refuse the combination.
        """
        try:
            answers = self.questionnaire.resolve({**self.given, **row})
        except AnswerError:
            return None
        return {key: answers.get(key, NOT_ASKED) for key in self.keys}

    def answers(self, row: dict[str, Any]) -> dict[str, Any]:
        """Every answer a project of `row` gets, the fixed text follow-ups included."""
        asked = {k: v for k, v in row.items() if v is not NOT_ASKED}
        return self.questionnaire.resolve({**self.given, **asked})

    def set_options(self, row: dict[str, Any]) -> list[str]:
        """`--set` arguments for `row`, plus the fixed text follow-ups its answers ask."""
        answers = self.answers(row)
        extra = {k: v for k, v in self.given.items() if k in answers}
        return as_set_options(row) + as_set_options(extra)

    def full(self) -> Iterator[dict[str, Any]]:
        """Every combination, each valid one once (after `when:` pruning)."""
        seen: set[tuple] = set()
        for values in itertools.product(*(o.values for o in self.options)):
            row = self.normalise(dict(zip(self.keys, values, strict=True)))
            if row is None:
                continue
            signature = tuple(row.values())
            if signature not in seen:
                seen.add(signature)
                yield row

    def staged(self) -> list[dict[str, Any]]:
        """One project per stage before the last (the last is the whole project, paired above).

        The n-th stage takes each option's n-th value (cycling), so the small
        projects meet several use cases, clouds and licences.
        """
        rows = []
        for n, stage in enumerate(self.stages[:-1]):
            pick = {o.key: o.values[n % len(o.values)] for o in self.options}
            row = self.normalise({**pick, STAGE: stage})
            if row is not None:
                rows.append({STAGE: stage, **row})
        return rows

    def pairwise(self) -> list[dict[str, Any]]:
        """A small set of combinations covering every feasible pair of option values."""
        options = self.options
        uncovered = {
            ((i, a), (j, b))
            for i, j in itertools.combinations(range(len(options)), 2)
            for a in range(len(options[i].values))
            for b in range(len(options[j].values))
        }
        rows: list[dict[str, Any]] = []
        while uncovered:
            seed = min(uncovered)
            row = self._greedy_row(seed, uncovered)
            covered = self._pairs(row) & uncovered
            if seed not in covered:
                row = self._row_holding(seed)
                covered = self._pairs(row) & uncovered if row else set()
                if not covered:  # no valid project has this pair (a `when:` rules it out)
                    uncovered.discard(seed)
                    continue
            uncovered -= covered
            rows.append(row)
        return rows

    # -- internals ------------------------------------------------------
    def _index(self, row: dict[str, Any] | None) -> dict[int, int]:
        """Option index -> value index for the options asked in `row`."""
        if row is None:
            return {}
        return {
            i: option.values.index(row[option.key])
            for i, option in enumerate(self.options)
            if row[option.key] is not NOT_ASKED
        }

    def _pairs(self, row: dict[str, Any] | None) -> set:
        picked = sorted(self._index(row).items())
        return set(itertools.combinations(picked, 2))

    def _greedy_row(self, seed, uncovered) -> dict[str, Any] | None:
        """Start from one uncovered pair; give each other option the value covering most."""
        (i, a), (j, b) = seed
        chosen = {i: a, j: b}
        for k, option in enumerate(self.options):
            if k in chosen:
                continue

            def gain(v, k=k):
                return sum(
                    ((min(k, m), v if k < m else w), (max(k, m), w if k < m else v)) in uncovered
                    for m, w in chosen.items()
                )

            # max() keeps the first best value: ties go to copier.yml's order.
            chosen[k] = max(range(len(option.values)), key=gain)
        return self._row(chosen)

    def _row(self, chosen: dict[int, int]) -> dict[str, Any] | None:
        raw = {o.key: o.values[chosen[k]] for k, o in enumerate(self.options)}
        return self.normalise(raw)

    def _row_holding(self, seed) -> dict[str, Any] | None:
        """The first valid combination that really asks both options of `seed`."""
        (i, a), (j, b) = seed
        others = [k for k in range(len(self.options)) if k not in (i, j)]
        for values in itertools.product(*(range(len(self.options[k].values)) for k in others)):
            row = self._row({i: a, j: b, **dict(zip(others, values, strict=True))})
            if seed in self._pairs(row):
                return row
        return None


def as_set_options(row: dict[str, Any]) -> list[str]:
    """`--set key=value` arguments for `mlops-portfolio new` (options not asked are left out)."""
    args = []
    for key, value in row.items():
        if value is NOT_ASKED:
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        args += ["--set", f"{key}={text}"]
    return args


def row_id(row: dict[str, Any]) -> str:
    """A short readable name for a combination, e.g. `churn-aws-MIT-3.12-k8s=y`."""
    parts = []
    for key, value in row.items():
        if value is NOT_ASKED:
            continue
        if isinstance(value, bool):
            parts.append(f"{key}={'y' if value else 'n'}")
        else:
            parts.append(str(value))
    return "-".join(parts)
