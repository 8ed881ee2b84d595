"""generator/profile.py: what is inferred from a CSV file, column by column.

Fast: each test writes a small CSV of its own (seeded) and profiles it. The
whole command, bad files included, is tested in test_own_data.py.
"""

from __future__ import annotations

import random

import pytest

from generator.errors import AnswerError
from generator.profile import data_file_name, profile_csv

ROWS = 120


def write(path, header, rows, *, sep=",", newline="\n", encoding="utf-8"):
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def columns_of(spec):
    return {c["name"]: c for c in spec["profile"]["columns_table"]}


@pytest.fixture
def mixed(tmp_path):
    """Every kind of column a real export has, with a binary string target."""
    rng = random.Random(7)
    rows = []
    for i in range(ROWS):
        age = rng.randint(18, 80)
        rows.append(
            [
                i,  # a row number
                f"C{1000 + i * 7}",  # a customer id
                age,
                "" if i % 10 == 0 else round(rng.uniform(10, 99), 2),  # 10% missing
                rng.choice(["north", "south", "east"]),
                "same",
                f"2024-01-{1 + i % 28:02d}",
                "true" if rng.random() < 0.5 else "false",
                "" if i % 20 else "x",  # 95% missing
                " ".join(rng.choice(["good", "bad", "slow", "fast", "ok"]) for _ in range(8)),
                "yes" if age > 50 else "no",
            ]
        )
    return rows


HEADER = [
    "",
    "customer id",
    "age",
    "spend (₹)",
    "region",
    "constant",
    "signup_date",
    "is_member",
    "mostly_empty",
    "comment",
    "bought",
]


def test_each_column_gets_a_role_and_a_reason(tmp_path, mixed):
    spec = profile_csv(write(tmp_path / "shop.csv", HEADER, mixed), "bought")
    columns = columns_of(spec)
    assert columns["Unnamed: 0"]["reason"].startswith("a row number")
    assert columns["customer id"]["reason"].startswith("identifier-like")
    assert columns["constant"]["reason"].startswith("constant")
    assert columns["signup_date"]["type"] == "date"
    assert columns["signup_date"]["role"] == "excluded"
    assert columns["mostly_empty"]["reason"].startswith("almost all missing")
    assert columns["comment"]["reason"].startswith("free text")
    assert columns["bought"]["role"] == "target"
    features = {f["name"]: f for f in spec["features"]}
    assert sorted(features) == ["age", "is_member", "region", "spend (₹)"]
    assert features["age"]["type"] == "integer"
    assert features["spend (₹)"] == {
        **features["spend (₹)"],
        "type": "number",
        "optional": True,
        "missing": 0.1,
    }
    assert features["region"]["categories"] == ["east", "north", "south"]
    assert features["is_member"]["categories"] == ["false", "true"]  # as written
    assert "optional" not in features["age"]


def test_a_binary_text_target_keeps_its_labels_and_yes_is_positive(tmp_path, mixed):
    spec = profile_csv(write(tmp_path / "shop.csv", HEADER, mixed), "bought")
    assert spec["task"] == "binary"
    assert spec["target"]["classes"] == {0: "no", 1: "yes"}
    assert spec["target"]["recode"] == {"no": 0, "yes": 1}
    assert spec["quality_gate"]["balanced_accuracy"]["beat_baseline_by"] == 0.05
    assert len(spec["examples"]) >= 3
    assert set(spec["examples"][0]) == {f["name"] for f in spec["features"]}


def test_without_an_obvious_positive_label_the_rarer_class_is_1(tmp_path):
    rows = [[i % 13, "rare" if i % 4 == 0 else "common"] for i in range(ROWS)]
    spec = profile_csv(write(tmp_path / "t.csv", ["x", "kind"], rows), "kind")
    assert spec["target"]["classes"] == {0: "common", 1: "rare"}


def test_a_column_that_copies_the_target_is_excluded_as_a_leak(tmp_path):
    rng = random.Random(3)
    rows = []
    for _ in range(ROWS):
        label = rng.choice(["a", "b", "c"])
        rows.append([rng.random(), {"a": "x", "b": "y", "c": "z"}[label], label])
    spec = profile_csv(write(tmp_path / "t.csv", ["noise", "code", "label"], rows), "label")
    assert columns_of(spec)["code"]["reason"].startswith("leaks the target")
    assert spec["task"] == "multiclass"


def test_a_column_with_one_value_per_class_that_mixes_classes_is_no_leak(tmp_path):
    rng = random.Random(4)
    rows = []
    for _ in range(ROWS):
        label = rng.choice(["a", "b", "c"])
        rows.append([rng.random(), rng.choice(["x", "y", "z"]), label])
    spec = profile_csv(write(tmp_path / "t.csv", ["noise", "code", "label"], rows), "label")
    assert columns_of(spec)["code"]["role"] == "feature"
    assert spec["features"][1]["categories"] == ["x", "y", "z"]


def test_columns_whose_text_or_numbers_start_after_the_first_thousand_rows(tmp_path):
    # `read` looks at the first 1,000 rows to find the text columns; a column
    # that is numbers (or empty) there and changes later is still read whole.
    rows = []
    for i in range(1_500):
        late_text = i % 7 if i < 1_200 else "unknown"
        late_numbers = "" if i < 1_100 else i % 11
        rows.append([i % 13, late_text, late_numbers, "yes" if i % 3 else "no"])
    header = ["x", "late_text", "late_numbers", "y"]
    columns = columns_of(profile_csv(write(tmp_path / "t.csv", header, rows), "y"))
    assert columns["late_text"]["type"] == "category"
    assert columns["late_numbers"]["type"] == "integer"
    assert columns["late_numbers"]["missing"] == round(1_100 / 1_500, 4)


def test_regression_target_with_missing_values(tmp_path):
    rng = random.Random(5)
    rows = []
    for i in range(ROWS):
        x = rng.uniform(0, 10)
        rows.append([round(x, 3), "" if i % 9 == 0 else round(3 * x + rng.gauss(0, 1), 3)])
    spec = profile_csv(write(tmp_path / "t.csv", ["x", "y"], rows), "y")
    assert spec["task"] == "regression"
    assert spec["profile"]["target_missing"] == 14
    assert "r2" in spec["quality_gate"]
    assert any("14 rows have no value" in note for note in spec["profile"]["notes"])


def test_rare_classes_are_merged_into_other(tmp_path):
    labels = ["a"] * 60 + ["b"] * 50 + ["c"] * 6 + ["d"] * 5
    rows = [[i, label] for i, label in enumerate(labels)]
    rows = [[r[0] % 17, r[1]] for r in rows]
    spec = profile_csv(write(tmp_path / "t.csv", ["x", "y"], rows), "y")
    assert spec["target"]["classes"] == {0: "a", 1: "b", 2: "other"}
    assert spec["target"]["recode"] == {"a": 0, "b": 1, "c": 2, "d": 2}


def test_one_rare_class_cannot_be_merged(tmp_path):
    labels = ["a"] * 60 + ["b"] * 50 + ["c"] * 3
    rows = [[i % 17, label] for i, label in enumerate(labels)]
    with pytest.raises(AnswerError, match=r"class 'c' \(3 rows\) has too few rows"):
        profile_csv(write(tmp_path / "t.csv", ["x", "y"], rows), "y")


@pytest.mark.parametrize(
    ("sep", "newline", "encoding", "expected"),
    [
        (";", "\r\n", "utf-8-sig", "utf-8-sig"),  # Excel in Europe: ; BOM CRLF
        ("\t", "\n", "utf-8", "utf-8"),
        ("|", "\n", "utf-8", "utf-8"),
        (",", "\r\n", "utf-16", "utf-16"),  # Windows "Unicode text"
    ],
)
def test_separators_encodings_and_line_endings(tmp_path, sep, newline, encoding, expected):
    rows = [[f'"{i % 5}, {i % 3}"', round(i * 0.37, 2), "ab"[i % 2]] for i in range(ROWS)]
    path = write(
        tmp_path / "t.csv",
        ["pair", "größe", "y"],
        rows,
        sep=sep,
        newline=newline,
        encoding=encoding,
    )
    spec = profile_csv(path, "y")
    assert spec["loader"]["options"] == {"sep": sep, "encoding": expected}
    assert [f["name"] for f in spec["features"]] == ["pair", "größe"]
    assert spec["features"][0]["categories"][0] == "0, 0"  # the quoted separator stayed inside


def test_whole_number_classes_are_labels_and_many_values_are_regression(tmp_path):
    rows = [[i % 11, i % 4] for i in range(ROWS)]
    assert profile_csv(write(tmp_path / "a.csv", ["x", "grade"], rows), "grade")["target"][
        "classes"
    ] == {0: "0", 1: "1", 2: "2", 3: "3"}
    rows = [[i % 11, (i * 37) % 101] for i in range(ROWS)]
    assert profile_csv(write(tmp_path / "b.csv", ["x", "score"], rows), "score")["task"] == (
        "regression"
    )


def test_non_utf8_text_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"name,y\n" + "café,1\n".encode("latin-1") * 60)
    with pytest.raises(AnswerError, match="not UTF-8 text"):
        profile_csv(path, "y")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("My Data (2024).CSV", "my_data_2024.csv"),
        ("données.tsv", "donnees.tsv"),
        ("2024 sales!.csv", "2024_sales.csv"),
        ("dataset.csv", "my_dataset.csv"),  # the name `make data` writes and git ignores,
    ],
)
def test_the_file_gets_a_safe_name_in_the_project(tmp_path, name, expected):
    assert data_file_name(tmp_path / name) == expected


def test_two_hundred_columns(tmp_path):
    rng = random.Random(11)
    header = [f"sensor {i}" for i in range(199)] + ["state"]
    rows = [
        [round(rng.gauss(0, 1), 3) for _ in range(199)] + [rng.choice("ABC")] for _ in range(60)
    ]
    spec = profile_csv(write(tmp_path / "wide.csv", header, rows), "state")
    assert len(spec["features"]) == 199
    assert spec["profile"]["columns"] == 200


def test_markup_in_column_names_shows_literally_in_the_profile_table(tmp_path):
    from rich.console import Console

    from generator.report import profile_table

    rows = [
        [i % 7, "[red]a[/red]" if i % 2 else "b", "yes" if i % 3 else "no"] for i in range(ROWS)
    ]
    spec = profile_csv(write(tmp_path / "t.csv", ["[bold]x[/bold]", "kind", "y"], rows), "y")
    console = Console(record=True, width=200)
    console.print(profile_table(spec))
    text = console.export_text()
    assert "[bold]x[/bold]" in text and "[red]a[/red]" in text


def test_a_data_spec_in_an_answers_file_is_worked_out_again_from_the_file(tmp_path):
    from generator.own_data import OwnData
    from generator.questions import Questionnaire
    from generator.template_source import template_root

    rows = [[i % 7, "yes" if i % 3 else "no"] for i in range(ROWS)]
    path = write(tmp_path / "t.csv", ["x", "y"], rows)
    questionnaire = Questionnaire(template_root() / "copier.yml", hooks=OwnData())
    answers = questionnaire.resolve(
        {
            "use_case": "own_csv",
            "data_file": str(path),
            "target_column": "y",
            "data_spec": {"title": "evil", "task": "regression"},
        }
    )
    assert answers["data_spec"]["task"] == "binary"
    assert answers["data_spec"]["title"] == "T"
