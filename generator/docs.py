"""Write the files made from copier.yml: docs/questions.md and the cookiecutter.json.

copier.yml is the only place a question is defined. docs/questions.md, the
reference of every question, and generator/cookiecutter/cookiecutter.json,
the same questions for `cookiecutter` users, are generated from it so they
cannot drift apart (tests/test_docs.py and tests/test_cookiecutter.py fail
when they do).

    python -m generator.docs           # rewrite both
    python -m generator.docs --check   # exit 1 if one is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from pathlib import Path

from generator.questions import MISSING, Questionnaire

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "docs" / "questions.md"
COOKIECUTTER_OUTPUT = REPO / "generator" / "cookiecutter" / "cookiecutter.json"
# The folder cookiecutter creates: `new DEST`'s DEST, asked first.
COOKIECUTTER_FOLDER = "folder"
_RULE = re.compile(r"%\}(.*?)(?=\{%|$)", re.S)
_EXPRESSION = re.compile(r"\{\{\s*(\w+)[^}]*\}\}")


def rules(validator: str) -> list[str]:
    """The messages a validator can give, e.g. "must not be empty"."""
    found = (_EXPRESSION.sub(r"<\1>", m).strip() for m in _RULE.findall(validator or ""))
    return [m for m in found if m]


def _code(value) -> str:
    if isinstance(value, bool):
        value = str(value).lower()
    text = value if isinstance(value, str) else str(value)
    return "`" + text.replace("`", "'") + "`"


def render(copier_yml: Path) -> str:
    questionnaire = Questionnaire(copier_yml)
    defaults = questionnaire.resolve({})
    lines = [
        "# Questions and options",
        "",
        "<!-- Generated from copier.yml by `python -m generator.docs`; do not edit by hand. -->",
        "",
        "`mlops-portfolio new` asks these questions in this order. Give any of them",
        "on the command line with `--set key=value`, or in a YAML file with",
        "`--answers FILE`; `--defaults` takes the default of every one you do not give.",
        "Every answer is checked by the same rules, however it arrives.",
        "",
        "Spaces before and after a text answer are dropped before it is checked (not around",
        "`target_column`: it must match a column's name exactly). Within each question's",
        "rules below, text answers may hold quotes, backslashes, brackets, Markdown's `*_#`",
        "and any other printable character: each generated file gets them escaped as its",
        "format needs, so they read as typed. Control characters (tab, escape, NUL) and line",
        "breaks are refused. An answers file (`--answers`) must be UTF-8 (or UTF-16 with a",
        "byte-order mark, as Windows PowerShell writes), at most 2 MB, with no key twice;",
        "its values are read as written: `github_username: 0123` stays `0123` and",
        "`python_version: 3.10` stays `3.10`. An empty one is refused: use `--defaults`.",
        "",
        "| Question | Default with `--defaults` |",
        "|---|---|",
    ]
    for q in questionnaire.questions:
        derived = isinstance(q.default, str) and "{{" in q.default
        # A derived default (the slug, this year) is described, not computed: the page
        # must not change when the clock does.
        value = "computed when you run `new`" if derived else _code(defaults.get(q.key, ""))
        lines.append(f"| [`{q.key}`](#{q.key}) | {value} |")
    section = None
    for q in questionnaire.questions:
        if (q.section or "Questions") != section:
            section = q.section or "Questions"
            lines += ["", f"## {section}"]
        lines += ["", f"### {q.key}", "", q.help, ""]
        lines.append(f"- Type: {'yes/no' if q.type == 'bool' else q.type}")
        if q.default is not MISSING:
            if isinstance(q.default, str) and "{{" in q.default:
                lines.append(f"- Default: computed when you run `new`: {_code(q.default)}")
            else:
                lines.append(f"- Default: {_code(q.default)}")
        if q.choices:
            lines.append("- Choices:")
            lines += [f"    - {_code(value)}: {label}" for label, value in q.choices.items()]
        for rule in rules(q.validator):
            lines.append(f"- Rule: {rule}")
        if q.choices:
            example = next(iter(q.choices.values()))
        elif q.type == "bool":
            example = "false" if defaults.get(q.key) else "true"
        elif isinstance(q.default, str) and "{{" not in q.default:
            example = q.default
        else:
            continue
        lines.append(f"- Example: `--set {shlex.quote(f'{q.key}={example}')}`")
    return "\n".join(lines) + "\n"


def cookiecutter_json(copier_yml: Path) -> str:
    """copier.yml's questions as cookiecutter asks them, in the same order.

    cookiecutter cannot run copier's Jinja, so a default worked out from
    other answers or from `git config` (the slug, your name) is left empty
    here: the front door's hook passes on only what was typed, and
    mlops-portfolio works out the rest exactly as `new` does. A choice lists
    copier.yml's default first (cookiecutter's default is the first item);
    `__prompts__` gives each question its help line and each choice its label.
    A value worked out from a CSV file (`data_spec`) is not asked.
    """
    questionnaire = Questionnaire(copier_yml)
    defaults = questionnaire.resolve({})  # a yes/no default may be worked out (docs_site)
    context: dict = {COOKIECUTTER_FOLDER: "my-mlops-project"}
    prompts: dict = {
        COOKIECUTTER_FOLDER: "The folder to create for your project (DEST of mlops-portfolio new)"
    }
    for q in questionnaire.questions:
        if q.type == "yaml":
            continue
        derived = isinstance(q.default, str) and "{{" in q.default
        if q.choices:
            values = list(q.choices.values())
            first = q.default if q.default in values else values[0]
            context[q.key] = [first, *(value for value in values if value != first)]
            prompts[q.key] = {
                "__prompt__": q.help,
                **{str(value): label for label, value in q.choices.items()},
            }
        elif q.type == "bool":
            context[q.key] = bool(defaults.get(q.key, False))
            prompts[q.key] = q.help
        else:
            context[q.key] = "" if derived or q.default is MISSING else q.default
            prompts[q.key] = q.help + (" Leave empty to have it worked out." if derived else "")
    context["__prompts__"] = prompts
    return json.dumps(context, indent=2, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    """Each generated file and the text it must have."""
    copier_yml = REPO / "copier.yml"
    return {OUTPUT: render(copier_yml), COOKIECUTTER_OUTPUT: cookiecutter_json(copier_yml)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.docs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    args = parser.parse_args(argv)
    stale = 0
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if args.check:
            if current != text:
                print(f"{path} is out of date: run `python -m generator.docs`", file=sys.stderr)
                stale = 1
        elif current != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
