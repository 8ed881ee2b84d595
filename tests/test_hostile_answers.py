"""Hostile answers: each is refused with the rule it breaks, or written so every file parses.

Four families (issue 16, part A):

1. text that passes a loose rule but breaks a file: control characters,
   line breaks, a trailing newline after a regex's `$`, names git or Windows
   refuse; and quotes, backslashes, triple quotes, Markdown and `{{ }}`, which are
   accepted and escaped for each file format they reach;
2. text rich reads as markup (`[bold]`, `[/]`): shown as typed, never a crash;
3. package names that shadow a module of Python or of the project's libraries;
4. answers files: encodings, alias bombs, huge values, YAML numbers, empty files.

The refusals run the command's `main()` in-process, as test_bad_input.py
does; the accepted values render a few real projects and parse every file.
"""

from __future__ import annotations

import ast
import codecs
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.answers import MAX_FILE_BYTES, load_answers_file
from generator.cli import main
from generator.errors import fail
from generator.questions import Questionnaire
from generator.report import file_tree, summary_table
from generator.template_source import template_root
from helpers import REPO, generate, git_env, require_tool, setting

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TEMPLATE = REPO / "template"
QUESTIONS = Questionnaire(template_root() / "copier.yml")

CONTROL = "must not contain control characters (tab, escape, NUL, ...)"
ONE_LINE = "must be a single line"
SLUG_RULE = "must start with a letter and use only a-z, 0-9 and single hyphens"
PACKAGE_RULE = "must start with a letter and use only a-z, 0-9 and _"
GITHUB_RULE = "must use only letters, digits and single hyphens, not at the start or end"
EMAIL_RULE = "must look like name@example.com (letters, digits and . _ % + - before the @)"
WINDOWS = "must not be a device name Windows reserves (con, prn, aux, nul, com1-com9, lpt1-lpt9)"
HINT = "; give another with --set package_name=..."


# -- building a case's arguments ----------------------------------------------
def answers_bytes(data: bytes):
    """`new --defaults --answers FILE DEST`, FILE holding exactly `data`."""

    def argv(tmp: Path) -> list[str]:
        path = tmp / "answers.yml"
        path.write_bytes(data)
        return ["new", "--defaults", "--answers", str(path), str(tmp / "proj")]

    return argv


def answers_text(text: str):
    return answers_bytes(text.encode("utf-8"))


def billion_laughs() -> str:
    """Nine levels of nine aliases: 10^9 strings once expanded, 1 kB as written."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
        previous = name
    return "\n".join(lines) + "\nproject_name: *i\n"


def err(key: str, rule: str, got: str | None = None) -> str:
    """The exact error line: `error: key: rule (got 'value')`."""
    return f"error: {key}: {rule}" + (f" (got {got})" if got is not None else "")


ANSWERS = "--answers {tmp}/answers.yml"

CATALOGUE = [
    # -- 1. control characters, line breaks and a trailing newline ---------------
    (
        "name-trailing-newline",
        setting("project_name=Fraud Radar\n"),
        [err("project_name", ONE_LINE, r"'Fraud Radar\n'")],
    ),
    (
        "slug-trailing-newline",
        setting("project_slug=radar\n"),
        [err("project_slug", SLUG_RULE, r"'radar\n'")],
    ),
    (
        "package-trailing-newline",
        setting("package_name=radar\n"),
        [err("package_name", PACKAGE_RULE, r"'radar\n'")],
    ),
    (
        "github-user-trailing-newline",
        setting("github_username=asha-rao\n"),
        [err("github_username", GITHUB_RULE, r"'asha-rao\n'")],
    ),
    (
        "email-trailing-newline",
        setting("author_email=asha@example.in\n"),
        [err("author_email", EMAIL_RULE, r"'asha@example.in\n'")],
    ),
    (
        "year-trailing-newline",
        setting("copyright_year=2024\n"),
        [err("copyright_year", "must be a four-digit year", r"'2024\n'")],
    ),
    (
        "region-trailing-newline",
        setting("cloud_region=us-east-1\n"),
        [
            err(
                "cloud_region",
                "must be an AWS region such as us-east-1 or ap-south-1",
                r"'us-east-1\n'",
            )
        ],
    ),
    (
        "author-escape-sequence",
        setting("author_name=Asha \x1b[31mRao"),
        [err("author_name", CONTROL, r"'Asha \x1b[31mRao'")],
    ),
    (
        "author-nul-from-yaml",
        answers_text('author_name: "Asha\\0Rao"\n'),
        [err("author_name", CONTROL, r"'Asha\x00Rao'")],
    ),
    ("author-bel", setting("author_name=Asha\x07"), [err("author_name", CONTROL, r"'Asha\x07'")]),
    (
        "name-tab",
        setting("project_name=Fraud\tRadar"),
        [err("project_name", CONTROL, r"'Fraud\tRadar'")],
    ),
    (
        "description-del",
        setting("description=Predicts\x7f churn"),
        [err("description", CONTROL, r"'Predicts\x7f churn'")],
    ),
    (
        "description-c1-csi",
        setting("description=Predicts \x9b2J churn"),
        [err("description", CONTROL, r"'Predicts \x9b2J churn'")],
    ),
    # not a control character, but no YAML file may hold it (mkdocs.yml's site_name)
    (
        "name-noncharacter",
        setting("project_name=Fraud Radar \uffff"),
        [err("project_name", CONTROL, r"'Fraud Radar \uffff'")],
    ),
    (
        "description-carriage-return",
        setting("description=one\rtwo"),
        [err("description", ONE_LINE, r"'one\rtwo'")],
    ),
    (
        "description-line-separator",
        setting("description=one\u2028two"),
        [err("description", ONE_LINE, r"'one\u2028two'")],
    ),
    (
        "description-next-line-c1",
        setting("description=one\x85two"),
        [err("description", ONE_LINE, r"'one\x85two'")],
    ),
    (
        "author-two-lines-yaml-block",
        answers_text("author_name: |\n  Asha\n  Rao\n"),
        [err("author_name", ONE_LINE, r"'Asha\nRao\n'")],
    ),
    (
        "data-file-nul",
        answers_text('use_case: own_csv\ndata_file: "a\\0.csv"\n'),
        [err("data_file", CONTROL, r"'a\x00.csv'")],
    ),
    # -- 1. names git or Windows refuse, and what git's ident would strip or refuse
    ("slug-dot", setting("project_slug=."), [err("project_slug", SLUG_RULE, "'.'")]),
    ("slug-dot-dot", setting("project_slug=.."), [err("project_slug", SLUG_RULE, "'..'")]),
    (
        "slug-ends-in-lock",
        setting("project_slug=radar.lock"),
        [err("project_slug", SLUG_RULE, "'radar.lock'")],
    ),
    ("slug-dot-git", setting("project_slug=.git"), [err("project_slug", SLUG_RULE, "'.git'")]),
    ("slug-windows-device", setting("project_slug=con"), [err("project_slug", WINDOWS)]),
    ("package-windows-device", setting("package_name=aux"), [err("package_name", WINDOWS)]),
    (
        "derived-windows-device",
        setting("project_name=Nul"),
        [err("project_slug", WINDOWS) + "; give another with --set project_slug=..."],
    ),
    (
        "author-only-punctuation",
        setting("author_name=..."),
        [err("author_name", "must contain a letter", "'...'")],
    ),
    (
        "author-with-email",
        setting("author_name=Asha <asha@example.in>"),
        [
            err(
                "author_name",
                "must not contain < or > (your e-mail goes in author_email)",
                "'Asha <asha@example.in>'",
            )
        ],
    ),
    (
        "email-with-quote",
        setting('author_email=o"brien@example.com'),
        [err("author_email", EMAIL_RULE, "'o\"brien@example.com'")],
    ),
    (
        "email-non-ascii",
        setting("author_email=asha@exämple.com"),
        [err("author_email", EMAIL_RULE, "'asha@exämple.com'")],
    ),
    (
        "email-over-254",
        setting("author_email=" + "a" * 250 + "@x.in"),
        [
            err(
                "author_email",
                "must be at most 254 characters",
                "'" + "a" * 37 + "..." + "a" * 33 + "@x.in'",
            )
        ],
    ),  # echoed shortened
    (
        "undecodable-command-line-byte",
        setting("author_name=Jos\udce9"),
        [err("author_name", "must be UTF-8 text (it holds bytes that are not)", r"'Jos\udce9'")],
    ),
    # -- 2. markup in refused answers and keys: printed as typed ------------------
    (
        "markup-in-email",
        setting("author_email=[bold]@example.com"),
        [err("author_email", EMAIL_RULE, "'[bold]@example.com'")],
    ),
    (
        "markup-closing-tag-name",
        setting("project_name=[/]"),
        [err("project_name", "must contain at least one letter A-Z", "'[/]'")],
    ),
    (
        "markup-link-in-slug",
        setting("project_slug=[link=https://x.in]a"),
        [err("project_slug", SLUG_RULE, "'[link=https://x.in]a'")],
    ),
    (
        "markup-in-unknown-key",
        setting("[red]colour=blue"),
        ["error: '[red]colour': unknown question (known: " + ", ".join(QUESTIONS.keys) + ")"],
    ),
    # -- 3. package names that shadow a module -------------------------------------
    (
        "package-stdlib-email",
        setting("package_name=email"),
        [err("package_name", "must not shadow email of Python's standard library")],
    ),
    (
        "package-stdlib-secrets",
        setting("package_name=secrets"),
        [err("package_name", "must not shadow secrets of Python's standard library")],
    ),
    (
        "package-stdlib-tomllib",
        setting("package_name=tomllib"),
        [err("package_name", "must not shadow tomllib of Python's standard library")],
    ),
    (
        "package-removed-stdlib-imp",
        setting("package_name=imp"),
        [err("package_name", "must not shadow imp of Python's standard library")],
    ),
    (
        "package-library-skops",
        setting("package_name=skops"),
        [err("package_name", "must not shadow the library skops the project uses")],
    ),
    (
        "package-library-prometheus",
        setting("package_name=prometheus_client"),
        [err("package_name", "must not shadow the library prometheus_client the project uses")],
    ),
    (
        "package-library-mlflow",
        setting("package_name=mlflow"),
        [err("package_name", "must not shadow the library mlflow the project uses")],
    ),
    (
        "package-transitive-werkzeug",
        setting("package_name=werkzeug"),
        [err("package_name", "must not shadow the library werkzeug the project uses")],
    ),
    (
        "package-project-conftest",
        setting("package_name=conftest"),
        [err("package_name", "must not shadow the project's own conftest folder or module")],
    ),
    (
        "derived-from-name-email",
        setting("project_name=Email"),
        [err("package_name", "must not shadow email of Python's standard library") + HINT],
    ),
    (
        "derived-from-name-queue",
        setting("project_name=  Queue  "),
        [err("package_name", "must not shadow queue of Python's standard library") + HINT],
    ),
    (
        "derived-from-slug-pandas",
        setting("project_slug=pandas"),
        [err("package_name", "must not shadow the library pandas the project uses") + HINT],
    ),
    # -- 4. answers files ----------------------------------------------------------
    (
        "answers-latin-1",
        answers_bytes("author_name: Jos\xe9\n".encode("latin-1")),
        [f"error: {ANSWERS}: is not UTF-8 text (byte 0xe9 on line 1); save it as UTF-8"],
    ),
    (
        "answers-utf-16-without-bom",
        answers_bytes("author_name: Asha\n".encode("utf-16-le")),
        [
            f"error: {ANSWERS}: holds NUL bytes (UTF-16 without a byte-order mark?); "
            "save it as UTF-8"
        ],
    ),
    (
        "answers-bad-utf-16-after-bom",
        answers_bytes(codecs.BOM_UTF16_LE + "a: b\n".encode("utf-16-le") + b"\x00\xd8"),
        [f"error: {ANSWERS}: is not UTF-16-LE text (byte 0x00 on line 2); save it as UTF-8"],
    ),
    (
        "answers-billion-laughs",
        answers_text(billion_laughs()),
        [f"error: {ANSWERS}: holds over 200,000 values once its YAML aliases are expanded"],
    ),
    (
        "answers-recursive-alias",
        answers_text("project_name: &a [*a]\n"),
        [f"error: {ANSWERS}: holds over 200,000 values once its YAML aliases are expanded"],
    ),
    (
        "answers-nested-too-deep",
        answers_text(
            "project_name:\n" + "".join(" " * i + f" k{i}:\n" for i in range(60)) + " " * 61 + "v\n"
        ),
        [f"error: {ANSWERS}: nests lists or mappings over 50 deep"],
    ),
    (
        "answers-over-the-size-cap",
        answers_bytes(b"description: " + b"x" * MAX_FILE_BYTES),
        [f"error: {ANSWERS}: is over 2 MB; answers are a few kB"],
    ),
    (
        "answers-huge-value-echoed-short",
        answers_text("description: " + "x" * 100_000 + "\n"),
        [
            err(
                "description",
                "must be at most 200 characters",
                "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
            )
        ],
    ),
    (
        "answers-key-twice",
        answers_text("project_name: Radar\nuse_case: wine\nproject_name: B\n"),
        [f"error: {ANSWERS}: project_name is given twice (lines 1 and 3)"],
    ),
    (
        "answers-empty",
        answers_text(""),
        [f"error: {ANSWERS}: holds no answers (to take every default, use --defaults)"],
    ),
    (
        "answers-only-comments",
        answers_text("# answers for the class\n"),
        [f"error: {ANSWERS}: holds no answers (to take every default, use --defaults)"],
    ),
    (
        "answers-only-bookkeeping",
        answers_text("_src_path: gh:x/y\n_commit: v1\n"),
        [f"error: {ANSWERS}: holds no answers (to take every default, use --defaults)"],
    ),
    (
        "answers-hex-year-as-written",
        answers_text("copyright_year: 0x7E8\n"),
        [err("copyright_year", "must be a four-digit year", "'0x7E8'")],
    ),
    (
        "answers-date-as-written",
        answers_text("copyright_year: 2024-01-01\n"),
        [err("copyright_year", "must be a four-digit year", "'2024-01-01'")],
    ),
    (
        "answers-float-slug-as-written",
        answers_text("project_slug: 1e3\n"),
        [err("project_slug", SLUG_RULE, "'1e3'")],
    ),
    (
        "answers-sexagesimal-name-as-written",
        answers_text("project_name: 12:30\n"),
        [err("project_name", "must contain at least one letter A-Z", "'12:30'")],
    ),
    (
        "set-huge-value-echoed-short",
        setting("description=" + "y" * 1_000_000),
        [
            err(
                "description",
                "must be at most 200 characters",
                "'" + "y" * 37 + "..." + "y" * 38 + "'",
            )
        ],
    ),
    (
        "set-huge-pair-without-equals",
        setting("z" * 1_000_000),
        ["error: --set '" + "z" * 37 + "..." + "z" * 38 + "': must be key=value"],
    ),
    (
        "answers-explicit-binary",
        answers_text("description: !!binary aGk=\n"),
        [err("description", "must be text", "b'hi'")],
    ),
    (
        "answers-null",
        answers_text("author_name: ~\n"),
        [err("author_name", "must be text", "None")],
    ),
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(root.rglob("*"))
    }


def test_the_catalogue_is_large_and_its_names_unique():
    names = [name for name, _, _ in CATALOGUE]
    assert len(names) >= 35
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(("argv", "expected"), [pytest.param(a, e, id=i) for i, a, e in CATALOGUE])
def test_hostile_input_is_refused_with_its_rule_and_nothing_is_written(
    tmp_path, capsys, monkeypatch, argv, expected
):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    args = argv(tmp_path)
    before = snapshot(tmp_path)
    code = main(args)
    err_text = capsys.readouterr().err
    assert code == 2, err_text
    errors = [line for line in err_text.splitlines() if line.startswith("error: ")]
    assert errors == [line.replace("{tmp}", str(tmp_path)) for line in expected]
    assert snapshot(tmp_path) == before, "something was written"  # no DEST, no stray sibling


def test_invalid_utf8_on_the_real_command_line_is_refused(tmp_path):
    """A byte that is not UTF-8 in `--set` (a Latin-1 terminal): refused, not written mangled."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **git_env(tmp_path / "home")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "new",
            "--defaults",
            "--set",
            b"author_name=Jos\xe9",
            str(tmp_path / "proj"),
        ],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode("utf-8").splitlines() == [
        err("author_name", "must be UTF-8 text (it holds bytes that are not)", r"'Jos\udce9'")
    ]
    assert not (tmp_path / "proj").exists()


# -- 3. every module a package could shadow is refused: copier.yml's lists cannot fall behind
@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return QUESTIONS


def not_refused(modules: set[str]) -> list[str]:
    """The module names package_name's rule (copier.yml) would accept as a package.

    Compared lowercased: macOS and Windows see `PIL` and `pil` as one folder.
    Names no package can take anyway (`_pytest`) need no rule.
    """
    question = QUESTIONS.question("package_name")
    answers = QUESTIONS.resolve({})
    candidates = {name.lower() for name in modules}
    return sorted(
        name
        for name in candidates
        if re.fullmatch(r"[a-z][a-z0-9_]*", name)
        and "must not shadow" not in (QUESTIONS.problem(question, name, answers) or "")
    )


def test_every_standard_library_module_is_refused_as_a_package():
    # This Python's list; copier.yml's covers 3.10 to 3.14 (removed and added modules).
    assert {"email", "tomllib", "zoneinfo"} <= sys.stdlib_module_names
    assert not_refused(set(sys.stdlib_module_names)) == []


def template_python_files() -> list[Path]:
    """Every file of template/ that renders to a .py file (names may hold Jinja)."""
    found = []
    for path in TEMPLATE.rglob("*"):
        rendered = re.sub(r"\{%.*?%\}", "", path.name).removesuffix(".jinja")
        if path.is_file() and rendered.endswith(".py") and "_data" not in path.parts:
            found.append(path)
    return found


def top_level_imports(path: Path) -> set[str]:
    """The absolute modules a template file imports, read with ast once its Jinja is out."""
    text = path.read_text("utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "the_package", text)
    text = re.sub(r"\{%.*?%\}", "", text)
    names = set()
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - {"the_package", "__future__"}


def test_every_module_the_template_imports_is_refused_as_a_package():
    files = template_python_files()
    assert len(files) > 30
    imported = set().union(*(top_level_imports(path) for path in files))
    assert {"flask", "sklearn", "skops", "mlflow", "yaml", "prometheus_client"} <= imported
    assert not_refused(imported) == []


# Libraries whose import name is not their distribution's name, lowercased, - as _.
IMPORT_NAMES = {
    "scikit-learn": "sklearn",
    "pyyaml": "yaml",
    "pillow": "pil",
    "python-dateutil": "dateutil",
    "mkdocs-material": "material",
    "mkdocs-material-extensions": "materialx",
    "pyyaml-env-tag": "yaml_env_tag",
    "ruamel-yaml": "ruamel",
    "pymdown-extensions": "pymdownx",
}


def import_name(distribution: str) -> str:
    name = distribution.lower()
    return IMPORT_NAMES.get(name, name.replace("-", "_").replace(".", "_"))


def test_every_library_the_template_depends_on_is_refused_as_a_package():
    text = (TEMPLATE / "pyproject.toml.jinja").read_text("utf-8")
    required = re.findall(
        r'^\s*"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*[<>=!~]', text, flags=re.M
    )
    assert {"scikit-learn", "flask", "mlflow", "dvc", "pytest"} <= set(required)
    assert not_refused({import_name(name) for name in required}) == []


# -- 2. markup shows literally ------------------------------------------------------------
MARKUP = {
    "project_name": "[bold]Lab[red] [link=mailto:x]x",
    "description": "[/] closes [red",
    "author_name": "Asha [i]Rao[/i]",
}


def printed(renderable) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=300, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_markup_in_answers_shows_literally_in_the_summary_table(questionnaire):
    answers = questionnaire.resolve({**MARKUP, "package_name": "lab"})
    text = printed(summary_table(questionnaire, answers))
    for value in MARKUP.values():
        assert value in text


def test_markup_in_error_messages_shows_literally():
    from rich.console import Console

    console = Console(file=io.StringIO(), width=300, color_system=None)
    assert fail(console, ["project_name: must not contain [bold] (got '[/]')"]) == 2
    assert console.file.getvalue() == "error: project_name: must not contain [bold] (got '[/]')\n"


def test_markup_in_file_names_shows_literally_in_the_tree(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "[bold]raw[red].csv").write_text("a\n")
    text = printed(file_tree(tmp_path, label="proj[/]"))
    assert "proj[/]/" in text and "[bold]raw[red].csv" in text


def test_markup_in_dest_shows_literally_after_writing(tmp_path, capsys, monkeypatch):
    # The project is written before the name is printed: a crash there would
    # tell the user it failed while the project sits on disk.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    dest = tmp_path / "[bold]lab[/]"
    assert main(["new", "--defaults", "--no-git", str(dest)]) == 0
    out = capsys.readouterr().out
    unwrapped = "".join(out.split())  # rich wraps long lines at the console's width
    assert f"filesin{dest}" in unwrapped, out
    assert f"cd'{dest}'" in unwrapped, out
    assert (dest / "pyproject.toml").is_file()


# -- 4. answers files that are read, as written --------------------------------------
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            codecs.BOM_UTF16_LE + "author_name: José\r\nuse_case: wine\r\n".encode("utf-16-le"),
            {"author_name": "José", "use_case": "wine"},
            id="utf-16-le-with-bom-as-powershell-writes",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + "author_name: José\n".encode("utf-16-be"),
            {"author_name": "José"},
            id="utf-16-be-with-bom",
        ),
        pytest.param(
            codecs.BOM_UTF8 + "author_name: José\n".encode(),
            {"author_name": "José"},
            id="utf-8-with-bom",
        ),
        pytest.param(
            b"github_username: 0123\npython_version: 3.10\ncopyright_year: 2024\n"
            b"project_name: 1e3\nproject_slug: lab-1e3\n",
            {
                "github_username": "0123",
                "python_version": "3.10",
                "copyright_year": "2024",
                "project_name": "1e3",
                "project_slug": "lab-1e3",
            },
            id="numbers-read-as-written",
        ),
        pytest.param(
            b"include_kubernetes: yes\ndocs_site: false\n",
            {"include_kubernetes": True, "docs_site": False},
            id="booleans-stay-booleans",
        ),
    ],
)
def test_answers_files_are_read_as_written(tmp_path, questionnaire, data, expected):
    path = tmp_path / "answers.yml"
    path.write_bytes(data)
    given = load_answers_file(path)
    assert given == expected
    answers = questionnaire.resolve(given)
    assert {key: answers[key] for key in expected} == expected


def test_spaces_around_text_answers_are_dropped(questionnaire):
    answers = questionnaire.resolve({"author_name": "  Asha Rao ", "project_name": " Fraud Radar"})
    assert (answers["author_name"], answers["project_name"]) == ("Asha Rao", "Fraud Radar")
    assert answers["project_slug"] == "fraud-radar"


# -- 1. accepted but tricky: render, then parse every file ------------------------------------
class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml names a Python function (`!!python/name:`): parse it, do not import it."""


_AnyTagLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda _loader, tag, _node: tag)


def parse_every_file(project: Path) -> int:
    """Parse each TOML, YAML, JSON and Python file of `project`; return how many."""
    parsers = {
        ".toml": lambda text: tomllib.loads(text),
        ".lock": lambda text: tomllib.loads(text),
        ".yml": lambda text: list(yaml.load_all(text, Loader=_AnyTagLoader)),
        ".yaml": lambda text: list(yaml.load_all(text, Loader=_AnyTagLoader)),
        ".json": json.loads,
    }
    parsed = 0
    for path in sorted(project.rglob("*")):
        if not path.is_file() or ".git" in path.parts:
            continue
        text = path.read_text("utf-8")  # every file is UTF-8 text
        if path.suffix == ".py":
            compile(text, str(path), "exec")
        elif path.suffix in parsers:
            parsers[path.suffix](text)
        else:
            continue
        parsed += 1
    return parsed


def markdown_texts(path: Path) -> list[str]:
    """The plain text of each heading and paragraph, as GitHub (CommonMark) shows it."""
    from markdown_it import MarkdownIt

    texts = []
    for token in MarkdownIt("commonmark").parse(path.read_text("utf-8")):
        if token.type == "inline":
            texts.append(
                "".join(
                    child.content
                    for child in token.children
                    if child.type in ("text", "code_inline", "softbreak")
                )
            )
    return texts


TRICKY = [
    pytest.param(
        {
            "project_name": 'Ann\'s "Quoted" """Lab""" #1 {{ 7*7 }}',
            "description": 'Reads C:\\data\\raw "as is", then """ and a final backslash \\',
            "author_name": 'Seán O"Brien \\ [bold]',
            "author_email": "sean.obrien+ml@example.co.uk",
            "github_username": "0123",
        },
        [],
        id="quotes-backslashes-and-triple-quotes",
    ),
    pytest.param(
        {
            "project_name": "*Churn* _Lab_ [bold] <b> & `x` C# 🚀",
            "description": "- 1. > # [link](x) &copy; ~strike~ | <!-- --> 顧客 *not emphasis*",
            "author_name": "Zoë Ñandú [/]",
            "author_email": "zoe@example.in",
            "package_name": "churn_lab",
        },
        [
            "--set",
            "include_kubernetes=true",
            "--set",
            "include_jenkins=true",
            "--set",
            "experiment_tracking=mlflow",
            "--set",
            "data_versioning=dvc",
            "--set",
            "cloud_provider=gcp",
        ],
        id="markdown-markup-and-unicode",
    ),
    pytest.param(
        {
            "project_name": "1. Churn " + "予測" * 25,
            "description": " ".join(["顧客の解約を予測する"] * 18),
            "author_name": "李小龍",
            "author_email": "li@example.cn",
            "project_slug": "churn-jp",
        },
        [],
        id="wide-characters-within-ruff-line-length",
    ),
]


@pytest.mark.parametrize(("answers", "options"), TRICKY)
def test_tricky_answers_render_a_project_whose_files_all_parse(tmp_path, answers, options):
    project = generate(tmp_path / "proj", *options, **answers)
    assert parse_every_file(project) > 40
    name, description, author = (answers[k] for k in ("project_name", "description", "author_name"))

    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert pyproject["description"] == description
    assert pyproject["authors"] == [
        {"name": author, "email": answers.get("author_email", "you@example.com")}
    ]
    license_text = (project / "LICENSE").read_text("utf-8")
    assert re.search(rf"Copyright \(c\) \d{{4}} {re.escape(author)}\n", license_text)

    mkdocs = yaml.load((project / "mkdocs.yml").read_text("utf-8"), Loader=_AnyTagLoader)
    assert (mkdocs["site_name"], mkdocs["site_description"]) == (name, description)

    package = answers.get("package_name") or pyproject["name"].replace("-", "_")
    docstring = ast.get_docstring(
        ast.parse((project / "src" / package / "__init__.py").read_text("utf-8"))
    )
    summary, body = (" ".join(part.split()) for part in docstring.split("\n\n"))
    assert (summary, body) == (" ".join(f"{name}.".split()), " ".join(description.split()))

    for page in ["README.md", "docs/index.md"]:
        texts = markdown_texts(project / page)
        assert texts[0] == name, page  # the heading
        assert description in texts, page
    for page in ["docs/architecture.md", "docs/present-this-project.md"]:
        assert any(name in text for text in markdown_texts(project / page)), page

    saved = load_answers_file(project / ".copier-answers.yml")  # `new --answers` reads it back
    assert {key: saved[key] for key in answers} == answers


def test_a_tricky_project_passes_ruff_and_its_locked_libraries_are_refused_names(tmp_path):
    """`make lint`'s ruff on the escaped docstring; no locked library can be the package."""
    ruff = require_tool("ruff")
    project = generate(
        tmp_path / "proj",
        project_name='"""Wide""" ' + "予測 " * 14 + "x",
        description="\\ " + "顧客の解約 " * 30,
        package_name="wide_lab",
        author_email="wide@example.in",
    )
    for check in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [ruff, *check], cwd=project, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    lock = tomllib.loads((project / "uv.lock").read_text("utf-8"))
    own = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]["name"]
    locked = {import_name(p["name"]) for p in lock["package"] if p["name"] != own}
    assert not_refused(locked) == []


# -- 2. a person types markup at the prompt ----------------------------------------------
@pytest.mark.slow
def test_markup_typed_at_a_prompt_shows_literally_and_is_kept(tmp_path, questionnaire):
    import pexpect

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        **git_env(tmp_path / "home"),
    }
    env.pop("CI", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "generator", "new", "--no-git", "proj"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(50, 120),
        timeout=60,
    )
    typed = "[bold]Lab[red] [link=mailto:x]x"
    answers: dict = {}
    try:
        for question in questionnaire.questions:
            if not questionnaire.applies(question, answers):
                continue
            child.expect_exact(question.title)
            if question.key == "project_name":
                child.send("\x15" + typed)  # Ctrl-U clears the default, as a person would
                answers[question.key] = typed
            else:
                answers[question.key] = questionnaire.default(question, answers)
            child.send("\r")
        child.expect_exact("Create the project in")
        assert typed in child.before  # the summary table shows it as typed
        child.send("n")  # go through the questions again: the typed name is the default now
        for question in questionnaire.questions[: questionnaire.keys.index("project_name")]:
            child.expect_exact(question.title)
            child.send("\r")
        child.expect_exact("Project name")
        child.expect_exact(typed)
        child.sendintr()
        child.expect_exact("Cancelled; nothing was written.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert not (tmp_path / "proj").exists()
