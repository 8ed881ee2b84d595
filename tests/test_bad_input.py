"""A catalogue of bad input: each is refused whole, with key and rule, exit 2, nothing written.

The same rules apply to --set, --answers and --defaults (and, in
test_interactive.py, to typing at the prompt). Each case runs the command's
`main()` in-process, as the CLI does, to keep the catalogue fast;
test_cli.py runs the real command as a subprocess.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli import main
from helpers import setting

LONG_NAME = "A" * 200


def answers_file(text: str, *extra: str):
    """Build `--answers FILE` arguments, FILE holding `text`."""
    def argv(tmp: Path) -> list[str]:
        path = tmp / "answers.yml"
        path.write_text(text, encoding="utf-8")
        return ["new", "--answers", str(path), *extra, str(tmp / "proj")]
    return argv


def dest(make):
    """Build arguments with a DEST prepared by `make(tmp) -> Path`."""
    def argv(tmp: Path) -> list[str]:
        return ["new", "--defaults", str(make(tmp))]
    return argv


def a_file(tmp: Path) -> Path:
    path = tmp / "proj"
    path.write_text("I am a file")
    return path


def a_non_empty_dir(tmp: Path) -> Path:
    path = tmp / "proj"
    path.mkdir()
    (path / "notes.txt").write_text("mine")
    return path


def under_a_file(tmp: Path) -> Path:
    (tmp / "plain").write_text("a file, not a directory")
    return tmp / "plain" / "proj"


def unwritable(tmp: Path) -> Path:
    # /proc refuses new directories even to root, unlike chmod 0o500.
    return Path("/proc/mlops-portfolio-test/proj")


CATALOGUE = [
    # -- names: empty, spaces only, too long, separators, `..`, keywords, non-ASCII
    ("empty-name", setting("project_name="), [("project_name", "must not be empty")]),
    ("spaces-only-name", setting("project_name=    "), [("project_name", "must not be empty")]),
    ("200-char-name", setting(f"project_name={LONG_NAME}"),
     [("project_name", "at most 60 characters")]),
    ("name-with-slash", setting("project_name=ml/ops"), [("project_name", "must not contain /")]),
    ("name-with-backslash", setting("project_name=ml\\ops"),
     [("project_name", "must not contain /")]),
    ("name-dot-dot", setting("project_name=.."), [("project_name", "at least one letter")]),
    ("name-digits-only", setting("project_name=12345"), [("project_name", "at least one letter")]),
    ("slug-with-spaces", setting("project_slug=Has Spaces"), [("project_slug", "a-z")]),
    ("slug-path-escape", setting("project_slug=../escape"), [("project_slug", "a-z")]),
    ("slug-dot-dot", setting("project_slug=.."), [("project_slug", "start with a letter")]),
    ("slug-with-slash", setting("project_slug=my/proj"), [("project_slug", "a-z")]),
    ("slug-non-ascii", setting("project_slug=prédiction"), [("project_slug", "a-z")]),
    ("slug-too-long", setting("project_slug=" + "a" * 51), [("project_slug", "at most 50")]),
    ("package-keyword", setting("package_name=class"), [("package_name", "Python keyword")]),
    ("package-soft-keyword", setting("package_name=match"), [("package_name", "Python keyword")]),
    ("package-leading-digit", setting("package_name=2fast"), [("package_name", "start with")]),
    ("package-shadows-flask", setting("package_name=flask"), [("package_name", "shadow")]),
    ("package-non-ascii", setting("package_name=naïve"), [("package_name", "a-z")]),
    ("package-derived-keyword", setting("project_name=Import"),
     [("package_name", "Python keyword")]),
    ("package-too-long", setting("package_name=" + "a" * 41), [("package_name", "at most 40")]),
    # -- about you
    ("empty-author", setting("author_name= "), [("author_name", "must not be empty")]),
    ("email-without-at", setting("author_email=not-an-email"),
     [("author_email", "name@example.com")]),
    ("email-without-domain", setting("author_email=asha@localhost"),
     [("author_email", "name@example.com")]),
    ("github-user-hyphens", setting("github_username=-bad-"), [("github_username", "hyphens")]),
    ("github-user-non-ascii", setting("github_username=ñandú"), [("github_username", "letters")]),
    ("github-user-too-long", setting("github_username=" + "a" * 40),
     [("github_username", "at most 39")]),
    ("description-two-lines", setting("description=one\ntwo"),
     [("description", "single line")]),
    ("description-too-long", setting("description=" + "x" * 201),
     [("description", "at most 200")]),
    # -- choices and follow-ups
    ("cloud-outside-choices", setting("cloud_provider=heroku"),
     [("cloud_provider", "must be one of: aws, gcp, azure, none")]),
    ("use-case-outside-choices", setting("use_case=mnist"), [("use_case", "must be one of")]),
    ("python-too-old", setting("python_version=3.9"), [("python_version", "must be one of")]),
    ("license-outside-choices", setting("license=GPL-3.0"), [("license", "must be one of")]),
    ("region-of-another-cloud", setting("cloud_provider=azure", "cloud_region=us-east-1"),
     [("cloud_region", "Azure region")]),
    ("year-two-digits", setting("copyright_year=99"), [("copyright_year", "four-digit year")]),
    # -- the command line itself
    ("set-without-equals", setting("project_name"), [("--set 'project_name'", "key=value")]),
    ("unknown-key-set", setting("favourite_colour=blue"),
     [("favourite_colour", "unknown question")]),
    # a computed value (copier.yml's `dataset`, the use case's spec) is never an answer
    ("computed-value-set", setting("dataset=evil"), [("dataset", "unknown question")]),
    ("computed-value-in-answers", answers_file("dataset: {title: evil}\n"),
     [("dataset", "unknown question")]),
    # -- answers files: reported whole
    ("answers-malformed-yaml", answers_file("project_name: [unclosed\n"),
     [("--answers", "not valid YAML at line")]),
    ("answers-not-a-mapping", answers_file("- project_name\n- use_case\n"),
     [("--answers", "must be a mapping")]),
    ("answers-wrong-type-list", answers_file("project_name: [a, b]\n"),
     [("project_name", "must be text")]),
    # read as written (3.9, not the number 3.9): test_hostile_answers.py has 3.10 accepted
    ("answers-unquoted-version", answers_file("python_version: 3.9\n"),
     [("python_version", "must be one of: 3.10, 3.11, 3.12, 3.13 (got '3.9')")]),
    ("answers-bool-for-text", answers_file("description: yes\n"),
     [("description", "not true/false")]),
    ("answers-every-problem-at-once",
     answers_file("colour: red\ncloud_provider: ibm\nauthor_email: x\nproject_slug: A B\n"),
     [("colour", "unknown question"), ("author_email", "name@example.com"),
      ("project_slug", "a-z"), ("cloud_provider", "must be one of")]),
    ("answers-file-missing", lambda tmp: ["new", "--answers", str(tmp / "nope.yml"),
                                          str(tmp / "proj")],
     [("--answers", "cannot be read")]),
    ("answers-and-set-both-bad", answers_file("use_case: mnist\n", "--set", "license=none"),
     [("use_case", "must be one of"), ("license", "must be one of")]),
    # -- DEST
    ("dest-is-a-file", dest(a_file), [("DEST", "is not a directory")]),
    ("dest-not-empty", dest(a_non_empty_dir), [("DEST", "not empty")]),
    ("dest-under-a-file", dest(under_a_file), [("DEST", "is a file")]),
    ("dest-unwritable", dest(unwritable), [("DEST", "not writable")]),
    ("dest-and-answer-both-bad",
     lambda tmp: ["new", "--defaults", "--set", "use_case=mnist", str(a_non_empty_dir(tmp))],
     [("DEST", "not empty"), ("use_case", "must be one of")]),
    ("template-missing", lambda tmp: ["new", "--defaults", "--template", str(tmp / "none"),
                                      str(tmp / "proj")],
     [("--template", "no copier.yml")]),
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(root.rglob("*"))}


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 25


@pytest.mark.parametrize(("argv", "expected"), [pytest.param(a, e, id=i) for i, a, e in CATALOGUE])
def test_bad_input_is_refused_whole_and_nothing_is_written(tmp_path, capsys, monkeypatch,
                                                            argv, expected):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    args = argv(tmp_path)
    before = snapshot(tmp_path)
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(expected), err
    for key, rule in expected:
        matching = [line for line in errors if line.startswith(f"error: {key}")]
        assert matching, f"no error for {key}:\n{err}"
        assert rule in matching[0], matching[0]
    assert snapshot(tmp_path) == before, "something was written"
