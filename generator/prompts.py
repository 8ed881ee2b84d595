"""Ask the questions of copier.yml in the terminal, checking each answer as typed."""

from __future__ import annotations

from typing import Any

from generator.questions import MISSING, Question, Questionnaire


class Cancelled(Exception):
    """The user pressed Ctrl-C or Ctrl-D at a prompt."""


def _answer(prompt) -> Any:
    value = prompt.ask()  # None when the user interrupts
    if value is None:
        raise Cancelled()
    return value


def asker(questionnaire: Questionnaire, console, previous=None):
    """Return the `ask(question, default, answers)` callback for Questionnaire.resolve.

    Each section starts with a heading; each question shows its one-line help.
    Text answers are checked on every key press, so a wrong answer is refused
    (with the rule it breaks) before Enter can take it. `previous` is the
    callback of an earlier round: what the user changed there is the default
    now, and what they accepted is derived afresh (a new name, a new slug).
    `ask.offered` records the default each question was shown with.
    """
    import questionary
    from rich.markup import escape

    earlier: dict[str, Any] = getattr(previous, "answers", {})
    earlier_offered: dict[str, Any] = getattr(previous, "offered", {})
    offered: dict[str, Any] = {}
    given: dict[str, Any] = {}
    sections = [s for s in questionnaire.sections if s]
    shown: set[str] = set()

    def ask(question: Question, default: Any, answers: dict[str, Any]) -> Any:
        if question.section and question.section not in shown:
            shown.add(question.section)
            number = sections.index(question.section) + 1
            # copier.yml's text is not markup either (a fork's `--template` may hold brackets).
            console.rule(
                f"[bold]{escape(question.section)}[/] ({number}/{len(sections)})", align="left"
            )
        key = question.key
        if key in earlier and earlier[key] != earlier_offered.get(key, MISSING):
            default = earlier[key]
        offered[key] = default
        if question.help:
            console.print(f"  [dim]{escape(question.help)}[/]", highlight=False)
        options = questionnaire.choices_of(question, answers)
        if options:
            choices = [
                questionary.Choice(title=str(label), value=value)
                for label, value in options.items()
            ]
            chosen = next((c for c in choices if c.value == default), None)
            while True:
                value = _answer(questionary.select(question.title, choices=choices, default=chosen))
                # A choice can still break a rule (a target column with one value):
                # say which, and let the user pick again.
                rule = questionnaire.problem(question, value, answers)
                if not rule:
                    break
                console.print(f"  [red]{question.title}: {escape(rule)}[/]", highlight=False)
                chosen = next((c for c in choices if c.value == value), None)
        elif question.type == "bool":
            value = _answer(
                questionary.confirm(
                    question.title, default=bool(default) if default is not MISSING else False
                )
            )
        else:

            def validate(text: str) -> bool | str:
                try:
                    value = questionnaire.convert(question, text)
                except ValueError as error:
                    return f"{question.title}: {error}"
                rule = questionnaire.problem(question, value, answers)
                return f"{question.title}: {rule}" if rule else True

            value = _answer(
                questionary.text(
                    question.title,
                    default="" if default is MISSING else str(default),
                    validate=validate,
                )
            )
        given[key] = questionnaire.convert(question, value)
        return given[key]

    ask.offered = offered
    ask.answers = given
    return ask


def confirm(message: str, default: bool = True) -> bool:
    import questionary

    return bool(_answer(questionary.confirm(message, default=default)))
