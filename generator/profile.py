"""Profile a user's CSV file into a dataset spec (`new --data FILE.csv --target COLUMN`).

The spec has the format of template/_data/datasets/*.yml: every column's role
(feature, target, or excluded with the reason), type, range or categories and
share missing; the task inferred from the target; example rows; and a
`profile` block the project's data card (docs/data.md) is written from.

pandas is imported on first use only, so `mlops-portfolio --help` stays fast.
The file is read once; everything else works on the parsed frame.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import AnswerError

if TYPE_CHECKING:
    import pandas as pd

# GitHub warns about files over 50 MB and refuses them over 100 MB; bigger
# data belongs in DVC (or git LFS), not in the repository itself.
MAX_BYTES = 50 * 1024 * 1024
MIN_ROWS = 50  # rows with a target: fewer leave about 10 rows to test on
MAX_CATEGORIES = 50  # distinct values a text column may have to be a category
MAX_CLASSES = 50  # distinct labels a text target may have
MIN_CLASS_ROWS = 10  # a class needs this many rows to appear in every split
ALMOST_ALL_MISSING = 0.9  # a column missing in 90% of the rows is excluded
MAX_INTEGER_CLASSES = 10  # a whole-number target with at most 10 values is a class label
SAMPLE_BYTES = 64 * 1024
EXAMPLE_ROWS = 100_000
HEAD_ROWS = 1_000  # rows read first to find the text columns
SEPARATORS = (",", ";", "\t", "|")
DATE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
# Two-valued labels whose positive side is obvious; otherwise the rarer class is 1.
POSITIVE = {"1", "true", "yes", "y", "positive", "pos"}
TABLE_KEYS = ("name", "role", "type", "missing", "reason")  # the data card's columns


@dataclass
class CsvFile:
    """A parsed CSV file and how it is written (what `loader.options` records)."""

    path: Path
    frame: pd.DataFrame
    sep: str
    encoding: str
    bytes: int
    flag_text: dict[str, pd.Series]  # true/false columns as written ("TRUE", "yes")

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def _problem(message: str) -> AnswerError:
    return AnswerError([f"data_file: {message}"])


def _shorten(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def check_path(path: Path) -> None:
    """Refuse what is not a readable file of at most MAX_BYTES, before parsing it."""
    if not path.exists():
        raise _problem(f"{path}: no such file")
    if path.is_dir():
        raise _problem(f"{path} is a directory, not a CSV file")
    if not path.is_file():
        raise _problem(f"{path} is not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise _problem(f"{path} is empty")
    if size > MAX_BYTES:
        raise _problem(
            f"{path} is {size / 1024**2:.1f} MB, over the {MAX_BYTES // 1024**2} MB limit for "
            "data committed to git; track a file this big with DVC (https://dvc.org: "
            "`dvc add data/FILE`, then `dvc push` to a remote) and give "
            "mlops-portfolio a sample of at most 50 MB"
        )
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        raise _problem(f"cannot read {path}: {error.strerror}") from None


def sniff(path: Path) -> tuple[str, str]:
    """Guess the encoding and the separator from the start of the file."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Windows "Unicode text"; the BOM gives the byte order
    elif head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8" starts with a byte-order mark
    else:
        encoding = "utf-8"
    if b"\x00" in head and encoding != "utf-16":
        raise _problem(
            f"{path} is a binary file, not a CSV text file (a spreadsheet? "
            "save it as CSV first: File > Save As > CSV)"
        )
    text = head.decode(encoding, errors="replace")
    if encoding == "utf-8":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not only a character cut by the sample's end
                raise _problem(
                    f"{path} is not UTF-8 text (byte {error.start + 1}); save it as "
                    "'CSV UTF-8' (Excel) or UTF-8 (any editor) and try again"
                ) from None
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) > 1 and len(text) >= SAMPLE_BYTES // 2:
        lines = lines[:-1]  # the last line of a cut sample may be incomplete
    return encoding, _separator(lines)


def _separator(lines: list[str]) -> str:
    """The separator that splits the first lines into the same, largest number of fields."""
    best, best_score = ",", (False, 1)
    for sep in SEPARATORS:
        widths = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)]
        if not widths:
            continue
        score = (len(set(widths)) == 1, widths[0])
        if widths[0] > 1 and score > best_score:
            best, best_score = sep, score
    return best


def read(path: str | Path) -> CsvFile:
    """Check, sniff and parse the file; raise AnswerError with a clear message if it fails."""
    import pandas as pd

    path = Path(path)
    check_path(path)
    encoding, sep = sniff(path)
    options: dict[str, Any] = {"sep": sep, "encoding": encoding}
    try:
        # Columns that hold text in the first rows are read as categories: each
        # distinct text is stored once and every later check (missing values,
        # distinct values, categories, the leak check) works on small integer
        # codes, which keeps profiling a big file close to the cost of reading it.
        head = pd.read_csv(path, nrows=HEAD_ROWS, **options)
        text = {c: "category" for c in head.columns if head[c].dtype.kind in "OSUT"}
        frame = pd.read_csv(path, low_memory=False, dtype=text, **options)
        # true/false columns are read again as text: as features, the project
        # reads them as categories spelled as in the file ("TRUE"), not booleans.
        flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
        flag_text = {}
        if flags:
            flag_text = dict(pd.read_csv(path, usecols=flags, dtype=str, **options).items())
    except pd.errors.EmptyDataError:
        raise _problem(f"{path} has no header line (no columns)") from None
    except pd.errors.ParserError as error:
        raise _problem(f"{path}: {_ragged_message(str(error))}") from None
    except UnicodeDecodeError as error:
        raise _problem(
            f"{path} is not {encoding} text ({error.reason} at byte {error.start + 1}); "
            "save it as 'CSV UTF-8' and try again"
        ) from None
    except ValueError as error:
        raise _problem(f"{path} cannot be read as CSV: {error}") from None
    csv_file = CsvFile(path, frame, sep, encoding, path.stat().st_size, flag_text)
    if len(frame.columns) < 2:
        raise _problem(
            f"{path} has only one column ({_shorten(csv_file.columns)}); a model needs the "
            "column to predict and at least one more (separators understood: comma, "
            "semicolon, tab, |)"
        )
    if frame.empty:
        raise _problem(f"{path} has a header but no data rows")
    short = _short_row(csv_file)
    if short:
        row, fields = short
        raise _problem(
            f"{path}: data row {row} has {fields} field(s), the header has "
            f"{len(frame.columns)} (a missing separator or an unquoted value?)"
        )
    return csv_file


def _ragged_message(error: str) -> str:
    """pandas: 'Expected 5 fields in line 7, saw 6' -> a message naming the data row."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if not found:
        return f"not a readable CSV file ({error.strip()})"
    expected, line, saw = (int(n) for n in found.groups())
    return (
        f"data row {line - 1} has {saw} fields, the header has {expected} "
        "(a separator inside a value that is not in quotes?)"
    )


def _short_row(csv_file: CsvFile) -> tuple[int, int] | None:
    """(data row, fields) of the first row with fewer fields than the header, or None.

    pandas fills a short row with missing values silently; a short row ends
    with an empty last column, so only files with one are scanned again.
    """
    if not csv_file.frame.iloc[:, -1].isna().any():
        return None
    width = len(csv_file.frame.columns)
    with csv_file.path.open(encoding=csv_file.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=csv_file.sep)
        next(reader, None)
        for number, row in enumerate(reader, start=1):
            if row and len(row) < width:
                return number, len(row)
    return None


# -- columns ------------------------------------------------------------------


def _whole(values: pd.Series) -> bool:
    import numpy as np

    finite = values[np.isfinite(values)]
    return bool((finite == finite.round()).all())


def _count_distinct(present: pd.Series) -> int:
    """How many different values a column without its missing values holds."""
    if present.dtype.kind in "iuf":
        # Numbers: sorting and counting the changes is several times quicker than
        # hashing when almost every value differs (amounts, measurements).
        ordered = present.to_numpy().copy()
        ordered.sort()
        return int((ordered[1:] != ordered[:-1]).sum()) + int(len(ordered) > 0)
    return int(present.nunique())


def _plain(value: Any) -> Any:
    """numpy and pandas scalars -> plain Python values (YAML and JSON need those)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _text_values(values: pd.Series) -> pd.Series:
    return values.dropna().astype(str)


def looks_like_dates(values: pd.Series) -> bool:
    """Most of a sample of the column's text looks like a date or a timestamp."""
    sample = _text_values(values.dropna().head(200))
    return len(sample) > 0 and sample.str.match(DATE).mean() >= 0.95


def labels(values: pd.Series) -> pd.Series:
    """A target column's values as class labels: the text the project's loader maps.

    The same rule as the generated project's training/data.py: whole numbers
    without ".0" (pandas reads 1 as 1.0 when a column has a gap), everything
    else as Python prints it. Missing values stay missing.
    """
    import pandas as pd

    def label(value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    if isinstance(values.dtype, pd.CategoricalDtype):
        return values  # text read as categories (see `read`): labels as written
    if pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
        return values  # already text (pandas' str dtype)
    # Each distinct value once: a column of a million rows has a handful of labels.
    mapping = {value: label(value) for value in values.dropna().unique()}
    return values.map(mapping).where(values.notna(), pd.NA)


def describe_column(csv_file: CsvFile, name: str) -> dict[str, Any]:
    """One column's role, type, share missing and (for features) range or categories."""
    import pandas as pd

    frame = csv_file.frame
    values = frame[name]
    rows = len(values)
    empty = values.isna()
    missing = float(empty.mean())
    present = values[~empty]
    distinct = _count_distinct(present)
    column: dict[str, Any] = {
        "name": name,
        "role": "feature",
        "missing": round(missing, 4),
        "distinct": distinct,  # for the checks below and the leak check; not in the card
    }
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if pd.api.types.is_bool_dtype(values):
        column["type"] = "boolean"
    elif numeric:
        column["type"] = "integer" if _whole(present.astype(float)) else "number"
    elif looks_like_dates(values):
        column["type"] = "date"
    else:
        column["type"] = "category" if distinct <= MAX_CATEGORIES else "text"

    def exclude(reason: str) -> dict[str, Any]:
        column.update(role="excluded", reason=reason)
        return column

    if missing >= ALMOST_ALL_MISSING:
        return exclude(f"almost all missing ({missing:.0%} of the rows are empty)")
    if distinct <= 1:
        shown = "" if present.empty else f" ({_plain(present.iloc[0])!r})"
        return exclude(f"constant: the same value{shown} in every row, nothing to learn from")
    if column["type"] == "date":
        return exclude(
            "a date or time: a model that learns calendar dates does not carry over to "
            "future dates; derive features from it (month, weekday) in the CSV to use it"
        )
    if column["type"] == "integer" and distinct == rows:
        ordered = present.astype("int64")
        steps = ordered.diff().dropna()
        if len(steps) and (steps == 1).all():
            return exclude("a row number (0, 1, 2, ... or 1, 2, 3, ...)")
        if values.dtype.kind in "iu":
            return exclude("identifier-like: a different whole number on every row")
    if column["type"] == "text" or (column["type"] == "category" and distinct == rows):
        text = _text_values(present.head(10_000))  # a sample tells free text from codes
        if text.str.len().mean() > 30 or text.str.contains(" ").mean() > 0.5:
            return exclude(f"free text ({distinct} different values): not a category")
        if distinct == rows:
            return exclude("identifier-like: a different value on every row")
        if column["type"] == "text":
            return exclude(
                f"{distinct} different values, too many for a category (at most "
                f"{MAX_CATEGORIES}); group them into fewer values in the CSV to use it"
            )
    if column["type"] == "boolean":
        column["type"] = "category"  # the project reads it as text: "True", "False"
        column["note"] = "true/false values, treated as a category"
    if column["type"] == "category":
        text = csv_file.flag_text.get(name, present)
        column["categories"] = sorted({str(value) for value in text.dropna().unique()})
    else:
        low, high = present.min(), present.max()
        column["range"] = [_plain(low), _plain(high)]
    return column


# -- the target ---------------------------------------------------------------


def describe_target(csv_file: CsvFile, name: str) -> dict[str, Any]:
    """The task, classes and distribution of the target column; AnswerError if unusable."""
    import pandas as pd

    if name not in csv_file.frame.columns:
        raise AnswerError(
            [
                f"target_column: {name!r} is not a column of {csv_file.path.name} "
                f"(columns: {_shorten(csv_file.columns)})"
            ]
        )
    raw = csv_file.frame[name]
    numeric = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
    present = raw.dropna().astype(float) if numeric else labels(raw).dropna()
    problems: list[str] = []
    if len(present) < MIN_ROWS:
        problems.append(
            f"target_column: {name!r} has {len(present)} rows with a value; at least "
            f"{MIN_ROWS} are needed to train and test a model"
        )
    if present.nunique() <= 1:
        shown = f" ({_plain(present.iloc[0])!r})" if len(present) else ""
        problems.append(
            f"target_column: {name!r} has the same value{shown} in every row: nothing to predict"
        )
    if problems:
        raise AnswerError(problems)
    numbers = present
    distinct = int(present.nunique())
    target: dict[str, Any] = {
        "name": name,
        "missing": int(raw.isna().sum()),
    }
    if numeric and (distinct > MAX_INTEGER_CLASSES or not _whole(numbers)):
        steps = numbers.sort_values().diff().dropna()
        if distinct == len(present) and _whole(numbers) and (steps == 1).all():
            raise AnswerError(
                [f"target_column: {name!r} counts the rows (a row number): nothing to predict"]
            )
        target.update(
            task="regression",
            range=[_plain(numbers.min()), _plain(numbers.max())],
            distribution={
                "min": _plain(numbers.min()),
                "max": _plain(numbers.max()),
                "mean": round(float(numbers.mean()), 4),
                "median": _plain(numbers.median()),
            },
        )
        return target
    if not numeric and distinct == len(present):
        raise AnswerError(
            [
                f"target_column: {name!r} has a different value on every row: an identifier, "
                "not something to predict"
            ]
        )
    if distinct > MAX_CLASSES:
        raise AnswerError(
            [
                f"target_column: {name!r} has {distinct} different text values; at most "
                f"{MAX_CLASSES} classes are supported (a number to predict must be written "
                "as numbers)"
            ]
        )
    target.update(_classes(name, labels(raw).dropna().value_counts()))
    return target


def _classes(name: str, counts: pd.Series) -> dict[str, Any]:
    """Codes for the labels (binary: 1 = the positive class); rare classes merged."""
    counts = {str(label): int(n) for label, n in counts.items() if n > 0}
    rare = sorted(label for label, n in counts.items() if n < MIN_CLASS_ROWS)
    note = ""
    if rare:
        merged = sum(counts[label] for label in rare)
        if len(rare) < 2 or merged < MIN_CLASS_ROWS or len(counts) - len(rare) < 1:
            shown = ", ".join(f"{label!r} ({counts[label]} rows)" for label in rare)
            raise AnswerError(
                [
                    f"target_column: {name!r}: class {shown} has too few rows to split into "
                    f"train, validation and test sets (at least {MIN_CLASS_ROWS} each); "
                    "remove or relabel those rows in the CSV"
                ]
            )
        other = "other" if "other" not in counts else "other classes"
        note = (
            f"{len(rare)} classes with fewer than {MIN_CLASS_ROWS} rows merged into "
            f"{other!r}: {', '.join(rare)}"
        )
    kept = {label: n for label, n in counts.items() if label not in rare}
    if len(kept) + bool(rare) == 2:
        labels = sorted(kept) + ([other] if rare else [])
        positives = [label for label in labels if label.lower() in POSITIVE]
        if len(positives) == 1:
            positive = positives[0]
        else:  # the rarer class: the case a model is usually asked to catch
            sizes = {**kept, **({other: merged} if rare else {})}
            positive = min(labels, key=lambda label: (sizes[label], label))
        labels = [label for label in labels if label != positive] + [positive]
        task = "binary"
    else:
        labels = sorted(kept, key=_label_order) + ([other] if rare else [])
        task = "multiclass"
    codes = {label: code for code, label in enumerate(labels)}
    recode = {label: codes[label] for label in sorted(kept, key=codes.get)}
    recode.update({label: codes[other] for label in rare})
    distribution = {label: kept[label] for label in labels if label in kept}
    if rare:
        distribution[other] = merged
    result = {
        "task": task,
        "classes": {code: label for label, code in codes.items()},
        "recode": recode,
        "distribution": distribution,
    }
    if note:
        result["note"] = note
    return result


def _label_order(label: str):
    """Numbers in numeric order (2 before 10), then text in alphabetical order."""
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)


# -- leaks and examples ------------------------------------------------------


def leaks(
    frame: pd.DataFrame, feature: str, distinct: int, target: pd.Series, classes: int, task: str
) -> bool:
    """The feature gives the target away: a relabelled copy, or (regression) |r| >= 0.999.

    Such a column is usually recorded after the fact (a "cancelled_on" date for
    churn) and is not known when a prediction is needed.
    """
    import pandas as pd

    values = frame[feature]
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            return False
        correlation = values.astype(float).corr(target.astype(float))
        return bool(pd.notna(correlation) and abs(correlation) >= 0.999)
    if distinct != classes:  # a relabelled copy has one value per class
        return False
    # Compared as integer codes (-1 = missing): each value of the feature goes
    # with one class and each class with one value when the number of distinct
    # (value, class) pairs equals both the number of values and of classes.
    x, _ = pd.factorize(values)
    y, _ = pd.factorize(target)
    both = (x >= 0) & (y >= 0)
    if both.sum() < MIN_ROWS:
        return False
    x, y = x[both], y[both]
    pairs = len(pd.unique(x * (int(y.max()) + 1) + y))
    return pairs == len(pd.unique(x)) == len(pd.unique(y))


def pick_examples(csv_file: CsvFile, features: list[dict], target: pd.Series, task: str):
    """Three real rows: one per class where possible, complete rows first.

    Picked from the first EXAMPLE_ROWS rows with a target: enough to find
    every common class, and quick on a file of millions of rows.
    """
    frame = csv_file.frame
    names = [f["name"] for f in features]
    usable = frame.loc[target.dropna().index[:EXAMPLE_ROWS], names]
    complete = usable.dropna()
    pool = complete if len(complete) >= 3 else usable
    if task == "regression":
        picks = [pool.index[0], pool.index[len(pool) // 2], pool.index[-1]]
    else:
        picks = []
        pool_target = target.loc[pool.index].astype(str)  # classes in alphabetical order
        for _, group in pool_target.groupby(pool_target, sort=True):
            picks.append(group.index[0])
        for index in pool.index:
            if len(picks) >= 3:
                break
            if index not in picks:
                picks.append(index)
        picks = picks[: max(3, min(len(picks), 5))]
    kinds = {f["name"]: f["type"] for f in features}
    examples = []
    for index in picks:
        row = {}
        for name in names:
            value = _plain(frame.at[index, name])
            if value is not None and kinds[name] == "category":
                text = csv_file.flag_text.get(name, frame[name])  # "TRUE" as written
                value = str(text.at[index])
            row[name] = value
        examples.append(row)
    return examples


# -- the spec -----------------------------------------------------------------


def title_of(path: Path) -> str:
    words = re.sub(r"[_\-.\s]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else "My data"


def data_file_name(path: Path) -> str:
    """The file's name inside the project: data/<name>, safe for make, docker and YAML."""
    # "météo" -> "meteo": accents dropped before anything else becomes "_".
    ascii_stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_stem.lower()).strip("_")[:50] or "data"
    if stem == "dataset":  # data/dataset.csv is what `make data` writes (and git ignores)
        stem = "my_dataset"
    suffix = path.suffix.lower() if path.suffix.lower() in (".csv", ".tsv", ".txt") else ".csv"
    return stem + suffix


def profile_csv(path: str | Path, target: str) -> dict[str, Any]:
    """Read the CSV and return its dataset spec; AnswerError lists every problem."""
    return profile(read(path), target)


def profile(csv_file: CsvFile, target_name: str) -> dict[str, Any]:
    """The dataset spec of a parsed CSV file with `target_name` as the target."""
    target = describe_target(csv_file, target_name)
    frame = csv_file.frame
    task = target["task"]
    raw_target = frame[target_name]
    if task == "regression":
        leak_target = _numeric(raw_target)
    else:
        leak_target = labels(raw_target).map(target["recode"])
    classes = len(target.get("classes", ()))
    columns, features, notes, distinct = [], [], [], {}
    for name in csv_file.columns:
        if name == target_name:
            columns.append(
                {
                    "name": name,
                    "role": "target",
                    "type": "number" if task == "regression" else "category",
                    "missing": round(target["missing"] / len(frame), 4),
                }
            )
            continue
        column = describe_column(csv_file, name)
        if column["role"] == "feature" and leaks(
            frame, name, column["distinct"], leak_target, classes, task
        ):
            column.update(
                role="excluded",
                reason=f"leaks the target: it gives {target_name!r} away (known only afterwards?)",
            )
        columns.append({k: column[k] for k in TABLE_KEYS if k in column})
        if column.get("note"):
            notes.append(f"{name}: {column['note']}")
        if column["role"] == "feature":
            features.append(_feature(column, csv_file.path.name))
            distinct[name] = column["distinct"]
    if not features:
        reasons = "; ".join(
            f"{c['name']}: {c['reason']}" for c in columns if c["role"] == "excluded"
        )
        raise AnswerError([f"data_file: no column is usable as a feature ({reasons})"])
    if target.get("note"):
        notes.append(f"{target_name}: {target['note']}")
    if target["missing"]:
        notes.append(f"{target_name}: {target['missing']} rows have no value; training drops them")
    return _spec(csv_file, target, features, columns, notes, distinct)


def _numeric(values: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(values, errors="coerce")


def _feature(column: dict[str, Any], file_name: str) -> dict[str, Any]:
    feature: dict[str, Any] = {"name": column["name"], "type": column["type"]}
    feature["description"] = f"Column {column['name']!r} of {file_name}."
    if "categories" in column:
        feature["categories"] = column["categories"]
    else:
        feature["range"] = column["range"]
    if column["missing"] > 0:
        feature["optional"] = True
        feature["missing"] = column["missing"]
    return feature


def _spec(csv_file: CsvFile, target, features, columns, notes, distinct) -> dict[str, Any]:
    frame, name = csv_file.frame, csv_file.path.name
    task = target["task"]
    rows, width = len(frame), len(frame.columns)
    file_name = data_file_name(csv_file.path)
    target_values = labels(frame[target["name"]])
    numeric = [f["name"] for f in features if f["type"] != "category"]
    required = [
        n for n in numeric if not next(f for f in features if f["name"] == n).get("optional")
    ]
    spec_target: dict[str, Any] = {"name": target["name"], "description": ""}
    if task == "regression":
        spec_target["range"] = target["range"]
        metric = "r2"
        rationale = (
            "R² is the share of the target's variance the model explains: always "
            "predicting the training mean scores about 0, and that trivial baseline is "
            "what the quality gate asks the model to beat, by at least 0.05. MAE and "
            "RMSE are in the target's own units."
        )
    else:
        spec_target["classes"] = target["classes"]
        spec_target["recode"] = target["recode"]
        metric = "balanced_accuracy"
        rationale = (
            "Balanced accuracy is the mean of the recall of each class: always predicting "
            "the most common class scores 1 / (number of classes) however imbalanced the "
            "data, and that trivial baseline is what the quality gate asks the model to "
            "beat, by at least 0.05."
        )
    distribution = target["distribution"]
    imbalanced = False
    if task != "regression":
        shares = [n / sum(distribution.values()) for n in distribution.values()]
        imbalanced = min(shares) < (0.2 if task == "binary" else 0.5 / len(shares))
    examples = pick_examples(csv_file, features, target_values, task)
    return {
        "title": title_of(csv_file.path),
        "problem": f"{target['name']}, predicted from {len(features)} columns of {name}",
        "task": task,
        "imbalanced": imbalanced,
        "source": f"{name}, the author's own data ({rows:,} rows, {width} columns)",
        "origin": "your own CSV file",
        "provenance": "supplied by the project's author",
        "loader": {
            "kind": "csv",
            "file": file_name,
            "options": {"sep": csv_file.sep, "encoding": csv_file.encoding},
        },
        "target": spec_target,
        "features": features,
        "examples": examples,
        "effects": [],
        "monitoring": {"shift": _shift(features, required, distinct)},
        "model": {
            "learning_rate": 0.1,
            "max_iter": 200,
            "max_leaf_nodes": 31,
            "min_samples_leaf": 20,
            "l2_regularization": 0.0,
        },
        "quality_gate": {
            metric: {
                "beat_baseline_by": 0.05,
                "note": "the trivial baseline's score plus 0.05, on the test split",
            }
        },
        "intended_use": (
            f"Predict {target['name']} from the other columns of {name}, the author's own "
            "data. Say here who may use the predictions, and for what."
        ),
        "limitations": [
            "Profiled automatically: check each feature's type, range and categories in "
            "dataset.yaml (docs/data.md lists what was inferred and excluded).",
            f"The model knows only what the {rows:,} rows of {name} show; rows unlike them "
            "get less reliable predictions (the API warns outside the training range).",
        ],
        "why_this_data": (
            f"My own data: {name}. Say here where it comes from, who collected it and why "
            "predicting this matters to you; an interviewer will ask.\n"
        ),
        "metrics_rationale": rationale + "\n",
        "profile": {
            "file": name,
            "bytes": csv_file.bytes,
            "rows": rows,
            "columns": width,
            "separator": csv_file.sep,
            "encoding": csv_file.encoding,
            "target_missing": target["missing"],
            "target_distribution": distribution,
            "columns_table": columns,
            "notes": notes,
        },
    }


def _shift(features: list[dict[str, Any]], required: list[str], distinct: dict[str, int]) -> str:
    """The numeric feature docs and tests shift to show drift.

    One with many different values (half a standard deviation of a 3-valued
    year rounds to no change), preferably never missing, then the most varied.
    """
    numeric = [f for f in features if f["type"] != "category"]
    if not numeric:
        return ""

    def rank(feature: dict[str, Any]):
        count = distinct[feature["name"]]
        return (count >= 20, feature["name"] in required, count, -numeric.index(feature))

    return max(numeric, key=rank)["name"]


def task_hint(csv_file: CsvFile, name: str) -> str:
    """A short description of what predicting `name` would be, for the target's choices."""
    try:
        target = describe_target(csv_file, name)
    except AnswerError as error:
        return "not usable: " + error.problems[0].split(": ", 2)[-1]
    if target["task"] == "regression":
        return "regression"
    return f"{target['task']}, {len(target['classes'])} classes"
