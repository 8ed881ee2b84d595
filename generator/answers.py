"""The answers file: `.copier-answers.yml` in a project, or a YAML file given to `--answers`.

A generated project keeps the answers it was made with, plus copier's
bookkeeping: `_src_path` (where the template is) and `_commit` (which
version of it). `roadmap` and `doctor` read the answers, `update` merges from
the bookkeeping, `new --answers` reuses someone's answers. Reading and
writing that file happens only here, so its format is known in one place.
"""

from __future__ import annotations

import codecs
from functools import cache
from pathlib import Path
from typing import Any

from generator.errors import AnswerError

ANSWERS_FILE = ".copier-answers.yml"

# Copier writes this header first; the bookkeeping keys follow it.
_HEADER_END = "NEVER EDIT MANUALLY\n"
_BOOKKEEPING = ("_src_path:", "_commit:")

# Limits for a file given to `new --answers`, which may come from anyone: an
# answers file is a few kB (one with the profile of your own CSV, some 100
# kB), so a bigger one is refused before it is parsed. Values are counted
# with YAML's aliases (`*name`) expanded: a "billion laughs" file of 1 kB
# stands for 10^9 of them.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_VALUES = 200_000
MAX_DEPTH = 50
# Byte-order marks, longest first (UTF-32's starts like UTF-16's). Windows
# PowerShell writes UTF-16 with one; Notepad may put one before UTF-8.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# What a YAML reader would turn from the text written into a number or a date:
# `github_username: 0123` is 83 to YAML 1.1, `copyright_year: 0x7E8` is 2024,
# `python_version: 3.10` is 3.1. `new --answers` reads them as written.
_TYPED_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:value",  # `=`, which PyYAML's safe loader cannot build
}


def read_answers_file(
    path: Path, name: str | None = None, *, strict: bool = False
) -> dict[str, Any]:
    """Every key of a YAML answers file, copier's `_` bookkeeping keys included.

    Raises AnswerError (`name: why`, `name` defaulting to the path) when the
    file cannot be read, is not UTF-8 (or UTF-16/32 with a byte-order mark),
    is not YAML or is not a mapping; an empty file is {}. `strict` (`new
    --answers`): numbers and dates are read as the text they are written
    with, a key given twice is an error, and the limits above apply.
    """
    import yaml

    name = name or str(path)
    text = _decoded(_read_bytes(path, name, MAX_FILE_BYTES if strict else None), name)
    try:
        data = yaml.load(text, Loader=_loader(strict))
    except _DuplicateKey as error:
        raise AnswerError([f"{name}: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise AnswerError([f"{name}: is not valid YAML{where}"]) from None
    except RecursionError:  # the pure-Python reader, without libyaml's depth limit
        raise AnswerError([f"{name}: nests lists or mappings over {MAX_DEPTH} deep"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswerError([f"{name}: must be a mapping of question: answer"])
    problem = _shape_problem(data) if strict else None
    if problem:
        raise AnswerError([f"{name}: {problem}"])
    return {str(k): v for k, v in data.items()}


def _read_bytes(path: Path, name: str, limit: int | None) -> bytes:
    """The file's bytes; over `limit`, refused without reading it all."""
    try:
        with path.open("rb") as handle:
            # Read one byte past the limit: also bounds /dev/zero and the like.
            data = handle.read(-1 if limit is None else limit + 1)
    except OSError as error:
        raise AnswerError([f"{name}: cannot be read ({error.strerror})"]) from None
    if limit is not None and len(data) > limit:
        raise AnswerError([f"{name}: is over {limit // 1024**2} MB; answers are a few kB"])
    return data


def _decoded(data: bytes, name: str) -> str:
    """UTF-8 text, or UTF-16/32 with a byte-order mark; anything else is refused.

    Without a mark, text in another encoding (Latin-1, cp1252) cannot be told
    apart reliably, so it is refused instead of being read wrong.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            data, found = data[len(bom) :], encoding
            break
    else:
        found = "utf-8"
        if b"\x00" in data:
            raise AnswerError(
                [f"{name}: holds NUL bytes (UTF-16 without a byte-order mark?); save it as UTF-8"]
            )
    try:
        return data.decode(found)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AnswerError(
            [
                f"{name}: is not {found.upper()} text (byte 0x{data[error.start]:02x} on line "
                f"{line}); save it as UTF-8"
            ]
        ) from None


def _shape_problem(value: Any) -> str | None:
    """Why a parsed file cannot be answers by its shape alone, or None.

    Values are counted with every alias expanded, up to past MAX_VALUES:
    each shared list or mapping is counted once per use but walked once, so
    a billion laughs costs as little as it is long. A cycle (`&a [*a]`) is
    endless; nesting deeper than MAX_DEPTH is no answer either.
    """
    sizes: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if not isinstance(item, (dict, list)):
            return 1
        if id(item) in sizes:
            return sizes[id(item)]
        if depth > MAX_DEPTH:
            raise _TooDeep
        sizes[id(item)] = MAX_VALUES + 1  # while being walked: a cycle back to it is too many
        total = 1
        for child in (*item.keys(), *item.values()) if isinstance(item, dict) else item:
            total += size(child, depth + 1)
            if total > MAX_VALUES:
                break
        sizes[id(item)] = total
        return total

    try:
        if size(value, 0) > MAX_VALUES:
            return f"holds over {MAX_VALUES:,} values once its YAML aliases are expanded"
    except _TooDeep:
        return f"nests lists or mappings over {MAX_DEPTH} deep"
    return None


class _TooDeep(Exception):
    pass


class _DuplicateKey(Exception):
    """A key given twice in one mapping: YAML readers keep the last one without a word."""


@cache
def _loader(strict: bool):
    """PyYAML's safe loader (libyaml's when built with it); strict: as written, no key twice."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if not strict:
        return base

    class AsWrittenLoader(base):
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TYPED_TAGS]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }

        def construct_mapping(self, node, deep=False):
            seen: dict[str, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue  # `<<: *defaults` may repeat keys on purpose
                key, line = key_node.value, key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKey(f"{key[:60]} is given twice (lines {seen[key]} and {line})")
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return AsWrittenLoader


def without_bookkeeping(data: dict[str, Any]) -> dict[str, Any]:
    """Only the answers: copier's own keys (_src_path, _commit) are not answers."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def load_answers_file(path: Path) -> dict[str, Any]:
    """The answers in a file given to `new --answers`: a teacher's file or a .copier-answers.yml.

    Read as written (`0123` stays 0123), and an empty file is an error: it
    is more likely a wrong or unsaved file than a wish for every default.
    """
    name = f"--answers {path}"
    answers = without_bookkeeping(read_answers_file(path, name, strict=True))
    if not answers:
        raise AnswerError([f"{name}: holds no answers (to take every default, use --defaults)"])
    return answers


def read_project_answers(project: Path) -> dict[str, Any]:
    """The answers file of the project at `project`, checked; {} when there is none.

    Every key is returned, copier's `_` bookkeeping too. `update`, `doctor`
    and `roadmap` read a project through here, so all three refuse a broken
    file the same way: AnswerError, each problem starting with the file's
    path (`project` as given, so the user recognises it). Broken means: it
    cannot be read, is not UTF-8 (copier reads only UTF-8), is not YAML (the
    line is named), is not a mapping, holds no answers, or an answer breaks
    a rule of copier.yml (a hand edit, say).
    """
    path = project / ANSWERS_FILE
    if not path.exists():
        return {}
    name = str(path)
    wide = _wide_encoding(path)
    if wide:
        # `new --answers` reads it; copier, which `update` runs, reads only UTF-8.
        raise AnswerError([f"{name}: is saved as {wide}; save it as UTF-8"])
    data = read_answers_file(path, name)
    if not without_bookkeeping(data):
        raise AnswerError(
            [f"{name}: holds no answers; it should list the answers the project was made with"]
        )
    problems = broken_rules(data)
    if problems:
        raise AnswerError([f"{name}: {problem}" for problem in problems])
    return data


def _wide_encoding(path: Path) -> str | None:
    """The encoding named by the file's byte-order mark when it is UTF-16 or UTF-32, else None."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError:
        return None  # read_answers_file says why it cannot be read
    for bom, encoding in _BOMS:  # longest first: UTF-32's mark starts like UTF-16's
        if start.startswith(bom) and encoding != "utf-8":
            return encoding.split("-le")[0].split("-be")[0].upper()
    return None


def recorded_questionnaire(recorded: dict[str, Any]):
    """copier.yml's questionnaire for a project's recorded answers, and those of them it asks.

    Keys copier.yml does not ask are left out: a project made by another
    template version may have them.
    """
    from generator.questions import Questionnaire
    from generator.template_source import template_root

    questionnaire = Questionnaire(template_root() / "copier.yml", hooks=_AsRecorded(recorded))
    return questionnaire, {k: v for k, v in recorded.items() if k in questionnaire.keys}


def broken_rules(recorded: dict[str, Any]) -> list[str]:
    """The rules of copier.yml (the questionnaire's, the only ones) that recorded answers break."""
    questionnaire, given = recorded_questionnaire(recorded)
    try:
        questionnaire.resolve(given)
    except AnswerError as error:
        return error.problems
    return []


class _AsRecorded:
    """Questionnaire hooks for a project's recorded answers.

    `new` works out `data_spec` by profiling the user's CSV file; a project
    keeps the result, and its own copy of the file in data/. So the recorded
    profile is taken as it is, and the original file, which may be gone, is
    not opened.
    """

    def __init__(self, recorded: dict[str, Any]):
        from generator.own_data import OwnData

        self.computed = OwnData.computed
        self.recorded = recorded

    def check(self, key: str, value: Any, answers: dict[str, Any]) -> str | None:
        return None

    def choices(self, key: str, answers: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def compute(self, key: str, answers: dict[str, Any]) -> Any:
        return self.recorded.get(key)


def record_source(project: Path, src_path: str, commit: str | None = None) -> None:
    """Record in `project`'s answers file where the template is and which version was used.

    `update` merges from exactly these two keys. `new` records them when
    copier rendered a copy that cannot be updated from (the installed wheel
    records the template repository's URL and its release tag `v<version>`,
    a source checkout records the checkout and its commit). `update
    --template` records a new location only: with `commit` None the recorded
    version is kept as it is.
    """
    path = project / ANSWERS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if commit is None:
        kept = next((line for line in lines if line.startswith("_commit:")), None)
        commit_line = [kept if kept.endswith("\n") else kept + "\n"] if kept else []
    else:
        commit_line = [f"_commit: {commit}\n"]
    lines = [line for line in lines if not line.startswith(_BOOKKEEPING)]
    at = next((i + 1 for i, line in enumerate(lines) if line.endswith(_HEADER_END)), 0)
    lines[at:at] = [*commit_line, f"_src_path: {src_path}\n"]
    path.write_text("".join(lines), encoding="utf-8")
