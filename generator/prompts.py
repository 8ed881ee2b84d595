"""Ask the questions of copier.yml in the terminal, checking each answer as typed."""

from __future__ import annotations

from typing import Any

from generator.questions import MISSING, Question, Questionnaire


class Cancelled(Exception):
    """The user pressed Ctrl-C or Ctrl-D at a prompt."""


def asker(questionnaire: Questionnaire):
    """Return the `ask(question, default, answers)` callback for Questionnaire.resolve."""
    import questionary

    def ask(question: Question, default: Any, answers: dict[str, Any]) -> Any:
        message = question.key.replace("_", " ").capitalize()
        instruction = question.help or None
        if question.choices:
            choices = [questionary.Choice(title=label, value=value)
                       for label, value in question.choices.items()]
            prompt = questionary.select(
                message, choices=choices, instruction=instruction,
                default=None if default is MISSING else next(
                    (c for c in choices if c.value == default), None),
            )
        elif question.type == "bool":
            prompt = questionary.confirm(
                message, default=bool(default) if default is not MISSING else False,
                instruction=instruction,
            )
        else:
            def validate(text: str) -> bool | str:
                try:
                    value = questionnaire.convert(question, text)
                except ValueError as error:
                    return f"{question.key} {error}"
                rule = questionnaire.problem(question, value, answers)
                return f"{question.key} {rule}" if rule else True

            prompt = questionary.text(
                message,
                default="" if default is MISSING else str(default),
                instruction=instruction,
                validate=validate,
            )
        value = prompt.ask()  # None when the user interrupts
        if value is None:
            raise Cancelled()
        return questionnaire.convert(question, value)

    return ask
