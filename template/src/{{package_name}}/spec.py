"""The data set's description, read from `dataset.yaml` next to this file.

`dataset.yaml` is the one place that says what the data is: the target and
the task, every feature's type, unit, meaning and plausible range, example
records, and the effects we expect a good model to have learned. Training
validates data against it, the API builds its request schema, examples and
form from it, and the tests and monitoring take their sample values from it.
Change the data set by changing that file, not the code.

The same format describes a bundled data set and your own CSV file (made by
`mlops-portfolio new --data`): a feature may be `optional` (it has missing
values, which the model pipeline fills in), the target's `recode` maps the
labels written in the file to class codes, and `profile` keeps what the
generator measured in the file (read by the data card, docs/data.md).

This module only reads YAML (no pandas, no scikit-learn), so the service can
import it without loading any training code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_FILE = Path(__file__).with_name("dataset.yaml")
TASKS = ("binary", "multiclass", "regression")
FEATURE_TYPES = ("integer", "number", "category")
LOADER_KINDS = ("csv", "sklearn")


class SpecError(ValueError):
    """dataset.yaml is missing something or contradicts itself."""


@dataclass(frozen=True)
class Feature:
    """One input column of the model."""

    name: str
    type: str  # "integer", "number" or "category"
    description: str = ""
    unit: str = ""
    low: float | None = None  # plausible range; None = open on that side
    high: float | None = None
    categories: tuple[str, ...] = ()
    source: str = ""  # the column's name in the loader's output, when it differs
    optional: bool = False  # may be missing: the pipeline fills it in (imputes it)
    missing: float = 0.0  # share of missing values in the data file (for the docs)

    @property
    def is_numeric(self) -> bool:
        return self.type != "category"


@dataclass(frozen=True)
class Target:
    """The column the model predicts."""

    name: str
    description: str = ""
    classes: dict[int, str] = field(default_factory=dict)  # code -> label; empty for regression
    # The loader's value, as text (see `label_text`) -> our class code, e.g.
    # {"Adelie": 0} for a file that writes the labels, or {"0": 1, "1": 0}.
    recode: dict[str, int] = field(default_factory=dict)
    unit: str = ""


@dataclass(frozen=True)
class Effect:
    """A behaviour we expect: changing one feature moves the prediction one way."""

    feature: str
    start: Any  # "from" in dataset.yaml
    end: Any  # "to" in dataset.yaml
    expect: str  # "increase" or "decrease"
    towards: str = ""  # multiclass: the class whose probability moves
    because: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    """Everything the project knows about its data set."""

    title: str
    task: str
    source: str
    loader: dict[str, Any]
    target: Target
    features: tuple[Feature, ...]
    examples: tuple[dict[str, Any], ...]
    effects: tuple[Effect, ...] = ()
    intended_use: str = ""
    limitations: tuple[str, ...] = ()
    monitoring_shift: str = ""  # the numeric feature docs and tests shift to show drift
    # What the generator measured in your CSV file (rows, columns, missing
    # values, excluded columns): a plain dict, empty for a bundled data set.
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return [feature.name for feature in self.features]

    @property
    def numeric_features(self) -> list[str]:
        return [feature.name for feature in self.features if feature.is_numeric]

    @property
    def categorical_features(self) -> list[str]:
        return [feature.name for feature in self.features if not feature.is_numeric]

    @property
    def optional_features(self) -> list[str]:
        return [feature.name for feature in self.features if feature.optional]

    @property
    def ignored_columns(self) -> list[str]:
        """Columns of your CSV file that the profile excluded (an ID, a constant, ...).

        They are not inputs of the model, but the API accepts and ignores them,
        so a row of the file can be sent as it is. Empty for a bundled data set.
        """
        columns = self.profile.get("columns_table", [])
        return [column["name"] for column in columns if column["role"] == "excluded"]

    def feature(self, name: str) -> Feature:
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(name)


def label_text(value: Any) -> str:
    """The text a value is known by in `target.recode`: "Adelie", "1", "True".

    YAML reads `1:` as a number and `Adelie:` as text; the data may hold 1.0
    where the file says 1. Turning both sides into text, with whole numbers
    written without ".0", lets them meet.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _feature(raw: dict[str, Any]) -> Feature:
    # str(): a column may be called `2019` or `yes`, which YAML reads as a number or a boolean.
    name = str(raw.get("name"))
    if raw.get("type") not in FEATURE_TYPES:
        raise SpecError(f"feature {name!r}: type must be one of {FEATURE_TYPES}")
    low, high = raw.get("range") or (None, None)
    categories = tuple(str(value) for value in raw.get("categories") or ())
    if raw["type"] == "category" and not categories:
        raise SpecError(f"feature {name!r}: a category needs its `categories`")
    return Feature(
        name=name,
        type=raw["type"],
        description=raw.get("description") or "",
        unit=raw.get("unit") or "",
        low=low,
        high=high,
        categories=categories,
        source=raw.get("source") or "",
        optional=bool(raw.get("optional", False)),
        missing=float(raw.get("missing") or 0.0),
    )


def _effect(raw: dict[str, Any]) -> Effect:
    return Effect(
        feature=str(raw["feature"]),
        start=raw["from"],
        end=raw["to"],
        expect=raw["expect"],
        towards=raw.get("towards", ""),
        because=raw.get("because", ""),
    )


def parse_spec(raw: dict[str, Any]) -> DatasetSpec:
    """Build a DatasetSpec from the parsed YAML, checking what code relies on."""
    if raw.get("task") not in TASKS:
        raise SpecError(f"task must be one of {TASKS}, got {raw.get('task')!r}")
    target = raw["target"]
    classes = target.get("classes") or {}
    recode = target.get("recode") or {}
    spec = DatasetSpec(
        title=raw["title"],
        task=raw["task"],
        source=raw["source"],
        loader=dict(raw["loader"]),
        target=Target(
            name=str(target["name"]),
            description=target.get("description") or "",
            classes={int(code): str(label) for code, label in classes.items()},
            recode={label_text(old): int(new) for old, new in recode.items()},
            unit=target.get("unit") or "",
        ),
        features=tuple(_feature(feature) for feature in raw["features"]),
        # Keys as text, like the feature names (a column called `2019` stays "2019").
        examples=tuple(
            {str(name): value for name, value in example.items()} for example in raw["examples"]
        ),
        effects=tuple(_effect(effect) for effect in raw.get("effects") or ()),
        intended_use=raw.get("intended_use") or "",
        limitations=tuple(raw.get("limitations") or ()),
        monitoring_shift=(raw.get("monitoring") or {}).get("shift") or "",
        profile=dict(raw.get("profile") or {}),
    )
    check_consistency(spec)
    return spec


def check_consistency(spec: DatasetSpec) -> None:
    """Refuse a spec whose parts contradict each other, naming the part."""
    if spec.loader.get("kind") not in LOADER_KINDS:
        raise SpecError(f"loader.kind must be one of {LOADER_KINDS}")
    if len(set(spec.feature_names)) != len(spec.feature_names):
        raise SpecError("feature names must be unique")
    if (spec.task == "regression") == bool(spec.target.classes):
        raise SpecError("target.classes are needed for classification, and only there")
    if spec.task == "binary" and sorted(spec.target.classes) != [0, 1]:
        raise SpecError("a binary target has the classes 0 and 1 (1 = the positive class)")
    for label, code in spec.target.recode.items():
        if code not in spec.target.classes:
            raise SpecError(f"target.recode maps {label!r} to {code}, which is not a class code")
    for example in spec.examples:
        if sorted(example) != sorted(spec.feature_names):
            raise SpecError(f"example {example} must give exactly the features")
        empty = [name for name in spec.feature_names if example[name] is None]
        required = [name for name in empty if not spec.feature(name).optional]
        if required:
            raise SpecError(f"example {example} leaves the required feature {required[0]!r} empty")
    for effect in spec.effects:
        if effect.feature not in spec.feature_names:
            raise SpecError(f"effect on {effect.feature!r}: no such feature")
        if effect.expect not in ("increase", "decrease"):
            raise SpecError(f"effect on {effect.feature!r}: expect must be increase or decrease")
        if spec.task == "multiclass" and effect.towards not in spec.target.classes.values():
            raise SpecError(f"effect on {effect.feature!r}: towards must be a class label")
    if spec.monitoring_shift and spec.monitoring_shift not in spec.numeric_features:
        raise SpecError(f"monitoring.shift {spec.monitoring_shift!r} must be a numeric feature")


@cache
def load_spec(path: str | Path = SPEC_FILE) -> DatasetSpec:
    """Read and check dataset.yaml (once per process)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise SpecError(f"cannot read {path}: {problem}") from None
    try:
        return parse_spec(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        if isinstance(problem, SpecError):
            raise SpecError(f"{path}: {problem}") from None
        raise SpecError(f"{path}: missing or malformed entry ({problem})") from None


SPEC = load_spec()
