"""`mlops-portfolio class new` and `class report`: a teacher's roster in, a class report out.

Rosters are written here the way spreadsheets save them (commas or
semicolons, a byte-order mark, quoted names). Each bad row has its exact
refusal; the good rows are made all the same. The report's tests run in a
subprocess: a student's `.venv/bin/python` is replaced here by scripts that
pass, fail or hang, and one slow test runs a real project's tests.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from helpers import cli, require_tool

GOOD = "Asha Rao,asha@example.in,asha-rao,gcp\n"


def roster(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding=encoding)
    return path


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def git_log(project: Path) -> str:
    return subprocess.run(
        ["git", "log", "--format=%an <%ae> %s"], cwd=project, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(autouse=True)
def no_git_identity(monkeypatch):
    # The students' names come from the roster, never from this machine's git config.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


# -- class new ---------------------------------------------------------------------------
def test_good_rows_are_made_and_each_bad_row_is_refused_with_why(tmp_path):
    require_tool("git")
    path = roster(
        tmp_path,
        "Name,E-mail,GitHub,Cloud\n"
        + GOOD
        + "Ravi Kumar,ravi@example,ravi-k,aws\n"
        + "Meena S,meena@example.in,Asha-Rao,none\n"
        + '"Li, Wei",wei@example.cn,li-wei,azure\n'
        + "\n"
        + "Only Two,two@example.in\n"
        + "Sam,sam@example.in,sam-x,mars\n",
    )
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 2, result.stderr
    assert errors(result) == [
        "error: row 3 (Ravi Kumar): author_email: must look like name@example.com (letters, "
        "digits and . _ % + - before the @) (got 'ravi@example')",
        "error: row 4 (Meena S): github user asha-rao is already on row 2",
        "error: row 7 (?): has 2 values for 4 columns",
        "error: row 8 (Sam): cloud_provider: must be one of: aws, gcp, azure, none (got 'mars')",
    ]
    assert sorted(p.name for p in (tmp_path / "class").iterdir()) == ["asha-rao", "li-wei"]
    assert "Made 2 of 6 projects" in result.stdout
    asha = tmp_path / "class" / "asha-rao"
    assert git_log(asha) == "Asha Rao <asha@example.in> Initial commit: Customer Churn Predictor"
    assert "cloud_provider: gcp" in (asha / ".copier-answers.yml").read_text()
    assert (asha / "uv.lock").is_file()
    assert git_log(tmp_path / "class" / "li-wei").startswith("Li, Wei <wei@example.cn>")


def test_a_spreadsheet_roster_with_semicolons_and_a_byte_order_mark(tmp_path):
    path = roster(
        tmp_path,
        "name;email;github\n" + GOOD.replace(",gcp", "").replace(",", ";"),
        encoding="utf-8-sig",
    )
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "class" / "asha-rao" / ".copier-answers.yml").is_file()


def test_set_answers_for_everyone_and_a_column_wins(tmp_path):
    path = roster(
        tmp_path, "name,email,github,cloud\n" + GOOD + "Ravi Kumar,ravi@example.in,ravi-k,\n"
    )
    result = cli(
        "class",
        "new",
        path,
        tmp_path / "class",
        "--set",
        "cloud_provider=aws",
        "--set",
        "use_case=wine",
        "--set",
        "include_jenkins=true",
    )
    assert result.returncode == 0, result.stderr
    asha = (tmp_path / "class" / "asha-rao" / ".copier-answers.yml").read_text()
    ravi = (tmp_path / "class" / "ravi-k" / ".copier-answers.yml").read_text()
    assert "cloud_provider: gcp" in asha and "cloud_provider: aws" in ravi
    assert "use_case: wine" in asha and "include_jenkins: true" in ravi


def test_a_student_with_own_data_gets_it_in_the_project(tmp_path):
    (tmp_path / "data").mkdir()
    rows = "\n".join(f"{i},{i % 7 * 1.5},{'yes' if i % 3 else 'no'}" for i in range(300))
    (tmp_path / "data" / "shop.csv").write_text("visits,minutes,bought\n" + rows + "\n")
    path = roster(
        tmp_path,
        "name,email,github,data,target\n"
        "Asha Rao,asha@example.in,asha-rao,data/shop.csv,bought\n"
        "Ravi Kumar,ravi@example.in,ravi-k,data/missing.csv,bought\n",
    )
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 2
    (refused,) = errors(result)
    assert refused.startswith("error: row 3 (Ravi Kumar): data_file: ")
    assert "missing.csv" in refused
    data = tmp_path / "class" / "asha-rao" / "data" / "shop.csv"
    assert data.read_text() == (tmp_path / "data" / "shop.csv").read_text()


def test_an_existing_folder_is_never_touched(tmp_path):
    taken = tmp_path / "class" / "asha-rao"
    taken.mkdir(parents=True)
    (taken / "work.txt").write_text("mine")
    result = cli(
        "class",
        "new",
        roster(tmp_path, "name,email,github\n" + GOOD[:-5] + "\n"),
        tmp_path / "class",
    )
    assert result.returncode == 2
    assert errors(result) == [
        f"error: row 2 (Asha Rao): {taken} exists and is not empty; choose a new directory"
    ]
    assert [p.name for p in taken.iterdir()] == ["work.txt"]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("", "utf-8", ["{roster}: is empty; its first line names the columns: name,email,github"]),
        ("name,email,github\n", "utf-8", ["{roster}: lists no students below its header"]),
        (
            "name,email,github,shoe size\n" + GOOD,
            "utf-8",
            [
                "{roster}: column 'shoe size' is not a roster column (cloud, data, data file, "
                "e-mail, email, github, github user, name, target, use case, or a question's key)"
            ],
        ),
        (
            "name,github\nAsha,asha\n",
            "utf-8",
            ["{roster}: needs the columns name, email and github (missing: ['author_email'])"],
        ),
        ("name,email,e-mail,github\n", "utf-8", ["{roster}: two columns give author_email"]),
        (
            "name,email,github\nZoë,z@example.in,zoe\n",
            "latin-1",
            ["{roster}: is not UTF-8 text; save it as CSV UTF-8"],
        ),
    ],
    ids=["empty", "header-only", "unknown-column", "missing-column", "twice", "latin-1"],
)
def test_an_unusable_roster_is_refused_whole_and_nothing_is_written(
    tmp_path, text, encoding, expected
):
    path = roster(tmp_path, text, encoding)
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 2
    assert errors(result) == [f"error: {line.format(roster=path)}" for line in expected]
    assert not (tmp_path / "class").exists()


def test_markup_in_a_name_is_shown_as_written(tmp_path):
    path = roster(tmp_path, "name,email,github\n[bold]Asha[/bold],asha@example.in,asha-rao\n")
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 0, result.stderr
    assert "[bold]Asha[/bold]" in result.stdout


# -- class report ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def made_class(tmp_path_factory) -> Path:
    require_tool("git")
    base = tmp_path_factory.mktemp("made")
    path = base / "roster.csv"
    path.write_text(
        "name,email,github,cloud\n"
        "Asha | Rao,asha@example.in,asha-rao,gcp\n"
        "Ravi Kumar,ravi@example.in,ravi-k,none\n"
    )
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = cli("class", "new", path, base / "class", env_extra=env)
    assert result.returncode == 0, result.stderr
    return base / "class"


@pytest.fixture()
def classroom(made_class, tmp_path) -> Path:
    copy = tmp_path / "class"
    shutil.copytree(made_class, copy, symlinks=True)
    return copy


def fake_python(project: Path, script: str) -> None:
    """Stand in for the student's .venv/bin/python: a script that passes, fails or hangs."""
    python = project / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text("#!/bin/sh\n" + script + "\n")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)


def table_rows(markdown: str) -> dict[str, list[str]]:
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| Student"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[1]] = cells
    return rows


def test_report_counts_each_students_work(classroom, tmp_path):
    fake_python(classroom / "asha-rao", "exit 0")
    fake_python(classroom / "ravi-k", "exit 1")
    ravi = classroom / "ravi-k"
    (ravi / "reports" / "drift").mkdir(parents=True)
    (ravi / "reports" / "drift" / "summary.json").write_text('{"drift": true, "drifted": []}')
    notes = ravi / "docs" / "my-notes.md"
    notes.write_text((notes.read_text() if notes.exists() else "") + "word " * 60)
    result = cli("class", "report", classroom, "--out", tmp_path / "out" / "report")
    assert result.returncode == 0, result.stderr
    rows = table_rows((tmp_path / "out" / "report.md").read_text())
    # Student, GitHub, Stage, Exercises, Tests, CI, Deploy, Monitoring, Notes, Score, Problems
    assert rows["asha-rao"][2:] == [
        "all",
        "0/9",
        "green",
        "yes",
        "yes",
        "no",
        "0 words",
        "4/11",
        "",
    ]
    assert rows["ravi-k"][2:] == ["all", "0/9", "red", "yes", "no", "yes", "60 words", "3/11", ""]


def test_a_students_text_cannot_break_the_tables(classroom, tmp_path):
    ravi = classroom / "ravi-k" / ".copier-answers.yml"  # a hand edit the rules refuse
    ravi.write_text(ravi.read_text().replace("Ravi Kumar", "<script>alert(1)</script>"))
    result = cli("class", "report", classroom, "--no-tests", "--out", tmp_path / "r")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "r.html").read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Asha | Rao" in page
    markdown = (tmp_path / "r.md").read_text()
    assert "Asha \\| Rao" in markdown
    (problem,) = [cells[-1] for cells in table_rows(markdown).values() if cells[-1]]
    assert problem.startswith(f"{classroom / 'ravi-k' / '.copier-answers.yml'}: author_name")
    assert all(line.count(" | ") == 10 for line in markdown.splitlines() if line.startswith("| "))


def test_tests_that_hang_are_stopped_at_the_timeout(classroom, tmp_path):
    pid_file = tmp_path / "pid"
    fake_python(classroom / "asha-rao", f"echo $$ > {pid_file}; sleep 300")
    fake_python(classroom / "ravi-k", "exit 0")
    started = time.monotonic()
    result = cli("class", "report", classroom, "--timeout", "3", "--out", tmp_path / "r")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60
    rows = table_rows((tmp_path / "r.md").read_text())
    assert rows["asha-rao"][4] == "timed out after 3 s"
    assert rows["ravi-k"][4] == "green"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped, not left running


def test_report_refuses_folders_without_projects(tmp_path):
    result = cli("class", "report", tmp_path, tmp_path / "nowhere")
    assert result.returncode == 2
    assert errors(result) == [f"error: {tmp_path / 'nowhere'}: no such folder"]
    result = cli("class", "report", tmp_path)
    assert errors(result) == [f"error: no project made by mlops-portfolio in {tmp_path}"]


@pytest.mark.slow
def test_report_runs_a_real_projects_tests(made_class, tmp_path):
    require_tool("make")
    project = tmp_path / "asha-rao"
    shutil.copytree(made_class / "asha-rao", project, symlinks=True)
    result = cli("class", "report", project, "--out", tmp_path / "r", timeout=1500)
    assert result.returncode == 0, result.stderr
    assert table_rows((tmp_path / "r.md").read_text())["asha-rao"][4] == "green"


def test_a_class_can_start_small_and_the_report_shows_each_stage(tmp_path):
    path = roster(tmp_path, "name,email,github,stage\n" + GOOD.replace(",gcp", ",pipeline"))
    result = cli("class", "new", path, tmp_path / "class")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "class" / "asha-rao"
    assert not (project / ".github").exists()  # stage 1: no CI yet
    report = cli("class", "report", project, "--no-tests", "--out", tmp_path / "r")
    assert report.returncode == 0, report.stderr
    row = table_rows((tmp_path / "r.md").read_text())["asha-rao"]
    assert row[2:4] == ["pipeline", "0/2"]  # only stage 1's exercises count
