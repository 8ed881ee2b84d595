"""Load the data set that dataset.yaml describes, and check it against that file.

Everything here works offline. Where the rows come from is the spec's
`loader`:

- `csv`: a file in the project's `data/` folder, committed with the code,
  read with the spec's `loader.options` (its separator and encoding);
- `sklearn`: a data set bundled with scikit-learn (no download needed).

Either way, every run on every machine trains on exactly the same rows.
Every row then takes the same three steps:

1. read: the rows as the loader gives them (`read_csv`, `load_raw`);
2. prepare: drop the rows whose target is missing (counted, so training can
   report them) and turn the class labels of a CSV file into class codes
   (`prepare`, with `target.recode` of dataset.yaml);
3. validate: check every column against dataset.yaml (`validate`).

The *schema* (which columns exist, their types and allowed values) is the
contract between training and serving: training refuses data that breaks it,
the API rejects requests that break it, and monitoring compares live requests
with it. It is written once, in dataset.yaml, and read here through `SPEC`.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sklearn.datasets

from ..spec import SPEC, label_text

# Relative to the project root, like params.yaml: run commands from there.
DATA_DIR = Path("data")
# The `loader.options` that writing a CSV file understands too (reading takes them all).
WRITE_OPTIONS = ("sep", "encoding", "decimal", "quotechar")


class DataValidationError(ValueError):
    """The data does not match the schema; the message names the column."""


@dataclass(frozen=True)
class TrainingData:
    """The rows training learns from, and what had to be left out to get them."""

    X: pd.DataFrame  # one column per feature, in dataset.yaml's order
    y: pd.Series  # the target: class codes, or numbers for regression
    dropped_rows: int = 0  # rows whose target was missing: nothing to learn from


def csv_options() -> dict[str, Any]:
    """How the data's CSV files are written: the csv loader's `options` (sep, encoding)."""
    if SPEC.loader["kind"] != "csv":
        return {}  # CSV files exported from a scikit-learn data set use pandas' defaults
    return dict(SPEC.loader.get("options") or {})


def labels_in_files() -> bool:
    """True when the data's CSV files hold class labels that `target.recode` turns into codes.

    That is the csv loader's case: your own file writes "Adelie" or "yes". A
    scikit-learn data set is recoded as it loads, so its CSV exports (`make
    data`) already hold the class codes.
    """
    return SPEC.loader["kind"] == "csv" and bool(SPEC.target.recode)


def text_columns() -> dict[str, type]:
    """Columns read as text, exactly as the file writes them.

    Left to itself, pandas guesses: "01234" becomes the number 1234 and "yes"
    may stay text while "True" becomes a boolean. Categories, and class
    labels that `target.recode` translates, must keep the file's spelling.
    """
    names = list(SPEC.categorical_features)
    if labels_in_files():
        names.append(SPEC.target.name)
    return dict.fromkeys(names, str)


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file of the data, turning unreadable files into clear errors.

    Only the columns dataset.yaml uses are read: a wide file loads faster and
    takes less memory. A column it needs but the file lacks is named by
    `validate`.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    used = {*SPEC.feature_names, SPEC.target.name}
    try:
        return pd.read_csv(
            path, dtype=text_columns(), usecols=lambda column: column in used, **csv_options()
        )
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            f"{path} is empty: expected a header line with the columns "
            f"{', '.join(SPEC.feature_names + [SPEC.target.name])}"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as problem:
        raise DataValidationError(f"{path} is not a readable CSV file: {problem}") from None


def save_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write `frame` as a CSV file in the data's own format, so `read_csv` reads it back."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {key: value for key, value in csv_options().items() if key in WRITE_OPTIONS}
    frame.to_csv(path, index=False, **options)
    return path


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
    frame[SPEC.target.name] = to_codes(target) if SPEC.target.recode else target
    return frame


def load_raw() -> pd.DataFrame:
    """Return the full built-in data set as its source writes it: features plus target."""
    loader = SPEC.loader
    if loader["kind"] == "csv":
        return read_csv(DATA_DIR / loader["file"])
    if loader["kind"] == "sklearn":
        return load_from_sklearn(loader["function"], loader.get("options"))
    raise DataValidationError(f"dataset.yaml: unknown loader kind {loader['kind']!r}")


def write_csv(path: str | Path, seed: int = 42) -> Path:
    """Write the built-in data set to a CSV file (to inspect, edit or version it).

    The file holds the rows as `load_raw` gives them, in the data's own
    format; `make train DATA=...` prepares and checks them like the built-in
    data. `seed` is unused (the built-in data is fixed); it is kept so that
    every command passes the same settings.
    """
    return save_csv(load_raw(), path)


def class_code(value: Any) -> int | None:
    """The class code `target.recode` gives a value of the file, or None.

    The value is looked up as written ("Adelie", "01") and, failing that, as
    the number or yes/no it spells ("1.0" and "01" as "1", "true" as "True"),
    so the file's spelling and the spec's YAML meet.
    """
    recode = SPEC.target.recode
    text = label_text(value)
    spellings = [text]
    with contextlib.suppress(ValueError):  # a text that is not a number has no number spelling
        spellings.append(label_text(float(text)))
    if text.lower() in ("true", "false"):
        spellings.append(text.capitalize())
    return next((recode[spelling] for spelling in spellings if spelling in recode), None)


def to_codes(values: pd.Series) -> pd.Series:
    """Turn the target's values into class codes with `target.recode` of dataset.yaml.

    Each distinct value is looked up once (a million rows hold only a few
    labels). A value the recode does not know is kept as it is, so `validate`
    can name it.
    """
    table = {}
    for value in values.unique():
        code = class_code(value)
        table[value] = value if code is None else code
    return values.map(table)


def prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop the rows whose target is missing, recode class labels; return (rows, dropped).

    A row without a target has no answer to learn from, so it cannot train
    or test the model. Dropping it is safe, but it must not happen silently:
    the number dropped is returned, and training prints it and saves it in
    the model's metadata and model card. The rows keep their original
    numbers, so a later error still points at the right row of the file.
    """
    target = SPEC.target.name
    if target not in frame.columns:
        raise DataValidationError(f"missing column(s): {target}")
    has_target = frame[target].notna()
    dropped = int((~has_target).sum())
    if dropped and not has_target.any():
        raise DataValidationError(f"column '{target}' is empty in every row: nothing to learn")
    if dropped:
        frame = frame[has_target]
    if labels_in_files():
        frame = frame.assign(**{target: to_codes(frame[target])})
    elif SPEC.task != "regression" and is_whole_floats(frame[target]):
        # A gap in a column of class codes makes pandas read 0, 1, 2 as 0.0, 1.0, 2.0.
        frame = frame.assign(**{target: frame[target].astype("int64")})
    return frame, dropped


def is_whole_floats(values: pd.Series) -> bool:
    """True for floats that are all whole numbers, such as 1.0 and 2.0."""
    return pd.api.types.is_float_dtype(values) and bool((values == values.round()).all())


def _first_row(bad: pd.Series) -> int:
    """The row number of the first True in `bad` (row 1 = the first data row of the file).

    The frame's own row labels count from 0 and survive dropped rows, so
    they, not the position, say where to look in the file.
    """
    position = int(bad.to_numpy().argmax())
    label = bad.index[position]
    return int(label) + 1 if pd.api.types.is_integer(label) else position + 1


def _first_bad(values: pd.Series, bad: pd.Series) -> str:
    """Describe the first offending value and its row, e.g. "'abc' in row 12"."""
    position = int(bad.to_numpy().argmax())
    value = values.iloc[position]
    value = value.item() if hasattr(value, "item") else value  # np.float64(2.5) -> 2.5
    return f"{value!r} in row {_first_row(bad)}"


def present(frame: pd.DataFrame, column: str) -> pd.Series:
    """The values of a column to check: all of them, or only the filled-in ones
    of an optional feature (its missing values are allowed, and filled in later
    by the model pipeline)."""
    values = frame[column]
    return values.dropna() if column in SPEC.optional_features else values


def check_columns(frame: pd.DataFrame, expected: list[str]) -> None:
    """Every expected column is there, and has no missing value unless it is optional."""
    missing = [column for column in expected if column not in frame.columns]
    if missing:
        raise DataValidationError(f"missing column(s): {', '.join(missing)}")
    for column in expected:
        if column in SPEC.optional_features:
            continue
        empty = frame[column].isna()
        if empty.any():
            raise DataValidationError(
                f"column '{column}' has {int(empty.sum())} missing value(s), "
                f"the first in row {_first_row(empty)}"
            )


def check_numeric(values: pd.Series, whole: bool = False) -> None:
    """The values are numbers (and only whole numbers when `whole`)."""
    column = values.name
    if pd.api.types.is_bool_dtype(values):
        raise DataValidationError(f"column '{column}' must be numeric, found true/false")
    if not pd.api.types.is_numeric_dtype(values):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna()
        if bad.any():
            raise DataValidationError(
                f"column '{column}' must be numeric, found {_first_bad(values, bad)}"
            )
        values = numbers
    if whole:
        bad = values != values.round()
        if bad.any():
            raise DataValidationError(
                f"column '{column}' must hold whole numbers, found {_first_bad(values, bad)}"
            )


def check_range(values: pd.Series, low, high) -> None:
    """The values lie within the plausible range [low, high] (None = open).

    A value outside it is a data error (a negative tenure, a 2 in a yes/no
    column), not an unusual example, so training refuses it.
    """
    bad = pd.Series(False, index=values.index)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    if bad.any():
        allowed = f"{'-inf' if low is None else low} to {'inf' if high is None else high}"
        raise DataValidationError(
            f"column '{values.name}' must be between {allowed}, found {_first_bad(values, bad)}"
        )


def check_allowed(values: pd.Series, allowed: list, shown: list | None = None) -> None:
    """Every value is one of `allowed` (categories or class codes).

    `shown` is what the message lists instead, e.g. the class labels of the
    file when `allowed` holds the codes they are recoded to.
    """
    bad = ~values.isin(allowed)
    if bad.any():
        raise DataValidationError(
            f"column '{values.name}' must be one of {shown or allowed}, "
            f"found {_first_bad(values, bad)}"
        )


def check_target(frame: pd.DataFrame) -> None:
    """The target is a number (regression) or one of the classes (classification)."""
    target = SPEC.target
    if SPEC.task == "regression":
        check_numeric(frame[target.name])
    else:
        # A label the recode does not know is still text here; name the labels it knows.
        labels = list(target.recode) if labels_in_files() else None
        check_allowed(frame[target.name], list(target.classes), labels)


def validate(frame: pd.DataFrame, *, require_target: bool = True) -> pd.DataFrame:
    """Check columns, types, ranges and categories before anything trains on them.

    Failing early with a clear message ("column 'tenure_months' has 3 missing
    values") beats a cryptic error deep inside scikit-learn. Each check names
    the column, and the first bad value with its row, so the fix is obvious.
    The rules come from dataset.yaml: each feature's type, range and
    categories, and which features are optional (may have missing values).
    """
    if frame.empty:
        raise DataValidationError("the data has no rows")
    check_columns(frame, SPEC.feature_names + ([SPEC.target.name] if require_target else []))
    for feature in SPEC.features:
        if feature.is_numeric:
            check_numeric(present(frame, feature.name), whole=feature.type == "integer")
    if require_target:
        check_target(frame)
    for feature in SPEC.features:
        values = present(frame, feature.name)
        if feature.is_numeric and (feature.low is not None or feature.high is not None):
            check_range(pd.to_numeric(values), feature.low, feature.high)
        if not feature.is_numeric:
            check_allowed(values, list(feature.categories))
    return frame


def load_training_data(path: str | Path | None = None) -> TrainingData:
    """Load (the built-in data, or a CSV file at `path`), prepare, validate, split into X and y."""
    frame = read_csv(path) if path else load_raw()
    frame, dropped = prepare(frame)
    frame = validate(frame)
    # Fresh row numbers 0, 1, 2...: the old ones had gaps where rows were dropped.
    X = frame[SPEC.feature_names].reset_index(drop=True)
    y = frame[SPEC.target.name].reset_index(drop=True)
    return TrainingData(X=X, y=y, dropped_rows=dropped)


def load_data(seed: int = 42, path: str | Path | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The features X and the target y of `load_training_data`.

    `seed` is unused (the built-in data is fixed); the split's seed is in params.yaml.
    """
    loaded = load_training_data(path)
    return loaded.X, loaded.y


def feature_schema(X: pd.DataFrame) -> dict[str, dict]:
    """Describe each feature as seen in training: type, range or categories.

    Saved next to the model, it lets the API validate requests without
    importing the training data. An optional feature is marked
    `"optional": true`: the API then accepts a record without it.
    """
    schema: dict[str, dict] = {}
    for feature in SPEC.features:
        if feature.is_numeric:
            values = X[feature.name]
            rule = {"type": feature.type, "min": float(values.min()), "max": float(values.max())}
        else:
            rule = {"type": "category", "categories": list(feature.categories)}
        if feature.optional:
            rule["optional"] = True
        schema[feature.name] = rule
    return schema


def fingerprint(X: pd.DataFrame, y: pd.Series) -> str:
    """A short hash of the training data, saved with the model to trace it."""
    rows = pd.util.hash_pandas_object(pd.concat([X, y], axis=1), index=False)
    return hashlib.sha256(rows.to_numpy().tobytes()).hexdigest()[:16]
