"""The examples and the list of answers that `--help` shows.

The list of `--set` keys is made from copier.yml when `new --help` is asked
for, so it always names the questions and choices of the template this
mlops-portfolio renders (copier.yml stays the only place they are written).
"""

from __future__ import annotations

EXAMPLES = """\
examples:
  mlops-portfolio new my-project              answer the questions in the terminal
  mlops-portfolio new my-project --defaults   take every default, ask nothing
  mlops-portfolio new my-project --data sales.csv --target revenue
  mlops-portfolio update                      (in a project) bring in the installed template
  mlops-portfolio doctor                      check the tools a project needs
  mlops-portfolio roadmap --cloud gcp         the learning roadmap for Google Cloud
  mlops-portfolio completion bash             TAB completion (also zsh, fish)

Each command has its own --help, e.g. mlops-portfolio new --help.
"""

NEW_EXAMPLES = """\
examples:
  mlops-portfolio new my-project
  mlops-portfolio new my-project --defaults --set cloud_provider=gcp --set include_kubernetes=true
  mlops-portfolio new my-project --answers class-answers.yml --no-push
  mlops-portfolio new my-project --data sales.csv --target revenue
"""


def set_keys() -> str:
    """Every question `--set` can answer, with its choices (or kind) and default."""
    from generator.questions import MISSING, Questionnaire
    from generator.template_source import template_root

    questionnaire = Questionnaire(template_root() / "copier.yml")
    questions = questionnaire.questions
    width = max(len(q.key) for q in questions) + 2
    lines = [
        "answers for --set KEY=VALUE (the questions of copier.yml; "
        "docs/questions.md explains each):"
    ]
    for question in questions:
        if question.choices:
            kind = " | ".join(str(value) for value in question.choices.values())
        elif question.type == "bool":
            kind = "true | false"
        elif question.type == "yaml":
            kind = "worked out from your CSV file by --data"
        else:
            kind = "text"
        default = question.default
        if default is MISSING or default == "" or question.type == "yaml":
            shown = ""
        elif isinstance(default, str) and "{{" in default:
            shown = " (default: worked out for you)"
        else:
            shown = f" (default: {str(default).lower() if isinstance(default, bool) else default})"
        lines.append(f"  {question.key:<{width}}{kind}{shown}")
    return "\n".join(lines) + "\n"
