"""Load the data set that dataset.yaml describes, and check it against that file.

Everything here works offline. Where the rows come from is the spec's
`loader`:

- `csv`: a file in the project's `data/` folder, committed with the code;
- `sklearn`: a data set bundled with scikit-learn (no download needed).

Either way, every run on every machine trains on exactly the same rows.

The *schema* (which columns exist, their types and allowed values) is the
contract between training and serving: training refuses data that breaks it,
the API rejects requests that break it, and monitoring compares live requests
with it. It is written once, in dataset.yaml, and read here through `SPEC`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import sklearn.datasets

from ..spec import SPEC

# Relative to the project root, like params.yaml: run commands from there.
DATA_DIR = Path("data")


class DataValidationError(ValueError):
    """The data does not match the schema; the message names the column."""


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file of training data, turning unreadable files into clear errors."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            f"{path} is empty: expected a header line with the columns "
            f"{', '.join(SPEC.feature_names + [SPEC.target.name])}"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as problem:
        raise DataValidationError(f"{path} is not a readable CSV file: {problem}") from None


def load_from_sklearn(function: str, options: dict | None = None) -> pd.DataFrame:
    """Call one of scikit-learn's bundled data sets and give it our column names.

    scikit-learn names columns its own way ("mean radius", "s1") and calls
    the target "target"; dataset.yaml gives each feature's original name as
    its `source`. A target `recode` turns the loader's codes into ours (e.g.
    so that 1 means the case the model must catch).
    """
    bunch = getattr(sklearn.datasets, function)(as_frame=True, **(options or {}))
    renames = {feature.source: feature.name for feature in SPEC.features if feature.source}
    frame = bunch.frame.rename(columns=renames)
    target = frame.pop("target")
    if SPEC.target.recode:
        target = target.replace(SPEC.target.recode)
    frame[SPEC.target.name] = target
    return frame


def load_raw() -> pd.DataFrame:
    """Return the full built-in data set: one row per example, features plus target."""
    loader = SPEC.loader
    if loader["kind"] == "csv":
        return read_csv(DATA_DIR / loader["file"])
    if loader["kind"] == "sklearn":
        return load_from_sklearn(loader["function"], loader.get("options"))
    raise DataValidationError(f"dataset.yaml: unknown loader kind {loader['kind']!r}")


def write_csv(path: str | Path, seed: int = 42) -> Path:
    """Write the built-in data set to a CSV file (to inspect, edit or version it).

    `seed` is unused (the built-in data is fixed); it is kept so that every
    command passes the same settings.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    load_raw().to_csv(path, index=False)
    return path


def _first_bad(values: pd.Series, bad: pd.Series) -> str:
    """Describe the first offending value and its row (row 1 = the first data row)."""
    position = int(bad.to_numpy().argmax())
    return f"{values.iloc[position]!r} in row {position + 1}"


def check_columns(frame: pd.DataFrame, expected: list[str]) -> None:
    """Every expected column is there and has no missing value."""
    missing = [column for column in expected if column not in frame.columns]
    if missing:
        raise DataValidationError(f"missing column(s): {', '.join(missing)}")
    for column in expected:
        empty = frame[column].isna()
        if empty.any():
            row = int(empty.to_numpy().argmax()) + 1
            raise DataValidationError(
                f"column '{column}' has {int(empty.sum())} missing value(s), the first in row {row}"
            )


def check_numeric(frame: pd.DataFrame, column: str, whole: bool = False) -> None:
    """The column holds numbers (and only whole numbers when `whole`)."""
    values = frame[column]
    if pd.api.types.is_bool_dtype(values):
        raise DataValidationError(f"column '{column}' must be numeric, found true/false")
    if not pd.api.types.is_numeric_dtype(values):
        bad = pd.to_numeric(values, errors="coerce").isna()
        raise DataValidationError(
            f"column '{column}' must be numeric, found {_first_bad(values, bad)}"
        )
    if whole:
        bad = values != values.round()
        if bad.any():
            raise DataValidationError(
                f"column '{column}' must hold whole numbers, found {_first_bad(values, bad)}"
            )


def check_range(frame: pd.DataFrame, column: str, low, high) -> None:
    """The column's values lie within the plausible range [low, high] (None = open).

    A value outside it is a data error (a negative tenure, a 2 in a yes/no
    column), not an unusual example, so training refuses it.
    """
    values = frame[column]
    bad = pd.Series(False, index=values.index)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    if bad.any():
        allowed = f"{'-inf' if low is None else low} to {'inf' if high is None else high}"
        raise DataValidationError(
            f"column '{column}' must be between {allowed}, found {_first_bad(values, bad)}"
        )


def check_allowed(frame: pd.DataFrame, column: str, allowed: list) -> None:
    """Every value of the column is one of `allowed` (categories or class codes)."""
    bad = ~frame[column].isin(allowed)
    if bad.any():
        raise DataValidationError(
            f"column '{column}' must be one of {allowed}, found {_first_bad(frame[column], bad)}"
        )


def validate(frame: pd.DataFrame, *, require_target: bool = True) -> pd.DataFrame:
    """Check columns, types, ranges and categories before anything trains on them.

    Failing early with a clear message ("column 'tenure_months' has 3 missing
    values") beats a cryptic error deep inside scikit-learn. Each check names
    the column, and the first bad value with its row, so the fix is obvious.
    The rules come from dataset.yaml: each feature's type, range and categories.
    """
    if frame.empty:
        raise DataValidationError("the data has no rows")
    target = SPEC.target
    check_columns(frame, SPEC.feature_names + ([target.name] if require_target else []))
    for feature in SPEC.features:
        if feature.is_numeric:
            check_numeric(frame, feature.name, whole=feature.type == "integer")
    if require_target and SPEC.task == "regression":
        check_numeric(frame, target.name)
    for feature in SPEC.features:
        if feature.is_numeric and (feature.low is not None or feature.high is not None):
            check_range(frame, feature.name, feature.low, feature.high)
        if not feature.is_numeric:
            check_allowed(frame, feature.name, list(feature.categories))
    if require_target and target.classes:
        check_allowed(frame, target.name, list(target.classes))
    return frame


def load_data(seed: int = 42, path: str | Path | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Load (the built-in data, or a CSV file at `path`), validate, and split into X and y.

    `seed` is unused (the built-in data is fixed); the split's seed is in params.yaml.
    """
    frame = read_csv(path) if path else load_raw()
    frame = validate(frame)
    return frame[SPEC.feature_names], frame[SPEC.target.name]


def feature_schema(X: pd.DataFrame) -> dict[str, dict]:
    """Describe each feature as seen in training: type, range or categories.

    Saved next to the model, it lets the API validate requests without
    importing the training data.
    """
    schema: dict[str, dict] = {}
    for feature in SPEC.features:
        if feature.is_numeric:
            values = X[feature.name]
            schema[feature.name] = {
                "type": feature.type,
                "min": float(values.min()),
                "max": float(values.max()),
            }
        else:
            schema[feature.name] = {"type": "category", "categories": list(feature.categories)}
    return schema


def fingerprint(X: pd.DataFrame, y: pd.Series) -> str:
    """A short hash of the training data, saved with the model to trace it."""
    rows = pd.util.hash_pandas_object(pd.concat([X, y], axis=1), index=False)
    return hashlib.sha256(rows.to_numpy().tobytes()).hexdigest()[:16]
