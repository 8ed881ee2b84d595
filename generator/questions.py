"""The questionnaire, read from copier.yml: defaults, follow-ups and validation.

copier.yml is the only place a question is defined. This module renders its
Jinja defaults, `when` conditions and validators with the same filters copier
uses, so an answer is judged the same way whether it was typed at a prompt,
taken with --defaults, read from --answers or given with --set.
"""

from __future__ import annotations

import re
import reprlib
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generator.errors import AnswerError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

MISSING = object()

# libyaml's loader when PyYAML has it: it reads copier.yml some 50 times faster
# than the pure-Python one, which `doctor --help` and `roadmap --help` notice
# (their `--cloud` choices come from copier.yml). The same safe constructor.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# copier.yml's section headings: `# ------------ About you`.
SECTION_LINE = re.compile(r"^#\s*-{3,}\s*(?P<title>\S.*?)\s*$")
QUESTION_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_]*)\s*:")


@dataclass
class Question:
    key: str
    type: str = "str"
    help: str = ""
    default: Any = MISSING
    choices: dict[str, Any] = field(default_factory=dict)  # label -> value
    validator: str = ""
    when: Any = True
    secret: bool = False
    section: str = ""

    @property
    def title(self) -> str:
        """What the prompt shows: `project_name` -> `Project name`."""
        return self.key.replace("_", " ").capitalize()


def sections_of(text: str) -> dict[str, str]:
    """Map each top-level question key of copier.yml to the section above it.

    YAML drops comments, so the `# ---- Section` lines are read from the text;
    copier ignores them, which keeps copier.yml a plain copier file.
    """
    section, result = "", {}
    for line in text.splitlines():
        heading = SECTION_LINE.match(line)
        if heading:
            section = heading.group("title")
            continue
        question = QUESTION_LINE.match(line)
        if question:
            result[question.group("key")] = section
    return result


def git_identity() -> dict[str, str]:
    """The user's name, e-mail and GitHub user from `git config`, for derived defaults.

    Missing git or unset keys give empty strings; copier.yml falls back to
    its placeholders then.
    """
    found = {}
    for variable, key in [
        ("_git_user_name", "user.name"),
        ("_git_user_email", "user.email"),
        ("_git_github_user", "github.user"),
    ]:
        try:
            result = subprocess.run(
                ["git", "config", "--get", key],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            found[variable] = result.stdout.strip() if result.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            found[variable] = ""
    return found


def template_environment() -> SandboxedEnvironment:
    """A Jinja environment that renders like copier's: the roadmap data uses it too.

    The same extension copier loads, so regex_search & co behave identically.
    Imported on first use: reading a question's choices needs no Jinja.
    """
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )


class Questionnaire:
    """The questions of a copier.yml and the rules that bind their answers."""

    def __init__(
        self,
        copier_yml: Path,
        environment: dict[str, Any] | None = None,
        hooks: Any = None,
    ):
        """`hooks` (e.g. own_data.OwnData) checks, offers and computes answers in Python.

        It has `check(key, value, answers)` -> a broken rule or None,
        `choices(key, answers)` -> {label: value} or None, and `computed`, the
        keys never asked but worked out by `compute(key, answers)`.
        """
        text = copier_yml.read_text(encoding="utf-8")
        self.hooks = hooks
        self._templates: dict[str, Any] = {}
        config = yaml.load(text, Loader=_SAFE_LOADER) or {}
        sections = sections_of(text)
        # Extra names defaults may use (e.g. `_git_user_name`), never answers.
        self.environment = dict(environment or {})
        self.settings = {k: v for k, v in config.items() if k.startswith("_")}
        self.questions: list[Question] = []
        for key, spec in config.items():
            if key.startswith("_"):
                continue
            if not isinstance(spec, dict):  # `key: default` shorthand
                spec = {"default": spec}
            if spec.get("when") is False:
                # A computed value (e.g. `dataset`): copier works it out from
                # the answers; it is never asked, given or saved.
                continue
            choices = spec.get("choices") or {}
            if isinstance(choices, list):
                choices = {str(c): c for c in choices}
            self.questions.append(
                Question(
                    key=key,
                    type=spec.get("type", "str"),
                    help=spec.get("help", ""),
                    default=spec.get("default", MISSING),
                    choices=choices,
                    validator=spec.get("validator", ""),
                    when=spec.get("when", True),
                    secret=bool(spec.get("secret", False)),
                    section=sections.get(key, ""),
                )
            )

    @cached_property
    def _env(self) -> SandboxedEnvironment:
        """Made on first use: reading a question's choices renders no Jinja."""
        return template_environment()

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.questions]

    @property
    def sections(self) -> list[str]:
        """Section titles in the order copier.yml gives them."""
        return list(dict.fromkeys(q.section for q in self.questions))

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    # -- rendering -------------------------------------------------------
    def render(self, value: Any, context: dict[str, Any]) -> Any:
        """Render a Jinja string from copier.yml against the answers so far."""
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            return self._compiled(value).render(**{**self.environment, **context})
        return value

    def _compiled(self, source: str):
        """Each Jinja string of copier.yml compiled once: a prompt re-checks on every key
        press, and package_name's rule (its lists of module names) takes 10 ms to compile."""
        if source not in self._templates:
            self._templates[source] = self._env.from_string(source)
        return self._templates[source]

    def applies(self, question: Question, answers: dict[str, Any]) -> bool:
        """Whether a follow-up question makes sense given earlier answers."""
        when = self.render(question.when, answers)
        if isinstance(when, str):
            return when.strip().lower() not in {"", "false", "no", "0", "off", "none"}
        return bool(when)

    def default(self, question: Question, answers: dict[str, Any]) -> Any:
        if question.default is MISSING:
            return MISSING
        return self.convert(question, self.render(question.default, answers))

    def choices_of(self, question: Question, answers: dict[str, Any]) -> dict[str, Any]:
        """The question's choices: copier.yml's, or the hooks' (e.g. a CSV file's columns)."""
        if self.hooks is not None:
            offered = self.hooks.choices(question.key, answers)
            if offered:
                return offered
        return question.choices

    def is_computed(self, question: Question) -> bool:
        return self.hooks is not None and question.key in self.hooks.computed

    # -- checking --------------------------------------------------------
    def convert(self, question: Question, value: Any) -> Any:
        """Coerce a raw answer (often a string from --set) to the question's type."""
        kind = question.type
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"true", "yes", "y", "on", "1"}:
                return True
            if text in {"false", "no", "n", "off", "0"}:
                return False
            raise ValueError("must be true or false")
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError("must be a whole number")
            try:
                return int(str(value).strip())
            except ValueError:
                raise ValueError("must be a whole number") from None
        if kind == "float":
            try:
                return float(str(value).strip())
            except ValueError:
                raise ValueError("must be a number") from None
        if isinstance(value, bool):
            raise ValueError("must be text, not true/false (put it in quotes)")
        if isinstance(value, float):
            # YAML reads `3.10` as the number 3.1: say so instead of guessing.
            raise ValueError(f'must be text; put it in quotes, e.g. "{value}"')
        if not isinstance(value, (str, int)):
            # A list, a mapping, null, or a YAML date or `!!binary`: str() would
            # change what was written.
            raise ValueError("must be text")
        text = str(value)
        if not _is_unicode(text):
            raise ValueError("must be UTF-8 text (it holds bytes that are not)")
        return text if self._kept_exactly(question) else text.strip(" ")

    def _kept_exactly(self, question: Question) -> bool:
        """Whether spaces around a text answer are part of it.

        They are dropped everywhere (a pasted " Asha Rao " is Asha Rao), except
        in answers the hooks match against a file (a CSV column " age").
        """
        return self.hooks is not None and question.key in getattr(self.hooks, "exact", ())

    def problem(self, question: Question, value: Any, answers: dict[str, Any]) -> str | None:
        """The rule an answer breaks, as a short phrase, or None when it is fine."""
        if question.choices and value not in question.choices.values():
            allowed = ", ".join(str(v) for v in question.choices.values())
            return f"must be one of: {allowed}"
        if question.validator:
            context = {**answers, question.key: value}
            message = str(self.render(question.validator, context)).strip()
            if message:
                return message
        if self.hooks is not None and not self.is_computed(question):
            return self.hooks.check(question.key, value, answers)
        return None

    def resolve(
        self,
        given: dict[str, Any],
        ask: Any = None,
    ) -> dict[str, Any]:
        """Complete and check the answers, in question order.

        `given` holds answers from --answers/--set; `ask(question, default,
        answers)` is called for the rest (None means: take the default).
        Every problem is collected before raising, so a bad answers file is
        reported whole.
        """
        problems: list[str] = []
        unknown = sorted(k for k in given if k not in self.keys and not k.startswith("_"))
        problems += [
            f"{_key_shown(k)}: unknown question (known: {', '.join(self.keys)})" for k in unknown
        ]
        if problems and ask is not None:
            raise AnswerError(problems)  # before asking anything

        answers: dict[str, Any] = {}
        for question in self.questions:
            if not self.applies(question, answers):
                continue
            if self.is_computed(question):
                # Worked out from earlier answers (data_spec from the CSV file);
                # a given value is ignored: it must describe the file given.
                if not problems:
                    try:
                        answers[question.key] = self.hooks.compute(question.key, answers)
                    except AnswerError as error:
                        problems += error.problems
                continue
            value = MISSING
            if question.key in given:
                try:
                    value = self.convert(question, given[question.key])
                    rule = self.problem(question, value, answers)
                except ValueError as error:
                    rule = str(error)
                if rule and ask is not None:
                    # At a terminal a refused answer is asked again, at once,
                    # with the refused value to correct.
                    value = ask(question, _as_text(given[question.key]), answers)
                elif rule:
                    problems.append(f"{question.key}: {rule}{_got(given[question.key], rule)}")
                    continue
            else:
                try:
                    default = self.default(question, answers)
                except ValueError as error:
                    default = MISSING
                    problems.append(f"{question.key}: default {error}")
                if ask is not None:
                    value = ask(question, default, answers)
                elif default is MISSING:
                    problems.append(f"{question.key}: an answer is required")
                    continue
                else:
                    value = default
            rule = self.problem(question, value, answers)
            if rule:
                derived = question.key not in given and ask is None
                if not (derived and problems):
                    # A default derived from an answer that was already refused
                    # would only repeat that problem, so it is not reported.
                    hint = f"; give another with --set {question.key}=..." if derived else ""
                    problems.append(f"{question.key}: {rule}{_got(value, rule)}{hint}")
                continue
            answers[question.key] = value
        if problems:
            raise AnswerError(problems)
        return answers


def _shortened_repr() -> reprlib.Repr:
    """repr() with limits: a 1 MB answer or a YAML alias bomb is echoed in one short line."""
    shortened = reprlib.Repr()
    shortened.maxstring = shortened.maxother = 80
    shortened.maxlevel, shortened.maxlist, shortened.maxdict = 2, 4, 4
    return shortened


_SHORT = _shortened_repr()
_KEY_SHOWN_AS_IS = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,60}")


def _is_unicode(text: str) -> bool:
    """False for a lone surrogate: an undecodable byte of the command line (`--set`,
    decoded with surrogateescape) or a YAML "\\ud800" escape; no file can hold it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key_shown(key: str) -> str:
    """An unknown key as the error line names it: as is, or quoted and shortened if odd."""
    return key if _KEY_SHOWN_AS_IS.fullmatch(key) else _SHORT.repr(key)


def _got(value: Any, rule: str) -> str:
    """` (got 'x')`, unless the rule already quotes the value (a path it names)."""
    if isinstance(value, str) and value and value in rule:
        return ""
    return f" (got {_SHORT.repr(value)})"


def _as_text(value: Any) -> str:
    """A refused answer, offered again at the prompt to correct (not a whole file's worth)."""
    if value is None:
        return ""
    text = _SHORT.repr(value) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 1000 else ""


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """Turn repeated `--set key=value` options into a dict."""
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnswerError([f"--set {_SHORT.repr(pair)}: must be key=value"])
        result[key.strip()] = value
    return result


def choice_values(key: str, copier_yml: Path | None = None) -> list[Any]:
    """The values a choice question allows, in copier.yml's order (e.g. `cloud_provider`).

    Options such as `--cloud` take their choices from here, so copier.yml
    stays the only place they are written. `copier_yml` defaults to the
    template in this package.
    """
    if copier_yml is None:
        from generator.template_source import template_root

        copier_yml = template_root() / "copier.yml"
    return list(Questionnaire(copier_yml).question(key).choices.values())
