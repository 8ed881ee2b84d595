"""Shell completion: `mlops-portfolio completion bash|zsh|fish` and the answers to a TAB.

Completion comes from argcomplete, a well-kept library for argparse programs
that writes the shell script for bash, zsh and fish alike (shtab, the other
usual choice, writes static scripts for bash and zsh only, no fish). The
script it writes runs `mlops-portfolio` itself at each TAB with `_ARGCOMPLETE`
set: cli.py then hands the parser to `complete` below, which prints the
candidates and exits. So completion always knows the installed version's
commands, options and questions: `new --set <TAB>` offers every question of
copier.yml as `key=`, and `--set use_case=<TAB>` that question's choices.
"""

from __future__ import annotations

import argparse
from typing import Any

SHELLS = ["bash", "zsh", "fish"]
PROG = "mlops-portfolio"

# How to install each script, shown by `completion --help` (and README.md).
INSTALL = {
    "bash": "mlops-portfolio completion bash > ~/.local/share/bash-completion/completions/"
    "mlops-portfolio",
    "zsh": 'mlops-portfolio completion zsh > "${fpath[1]}/_mlops-portfolio"   '
    '# or in ~/.zshrc, after compinit: eval "$(mlops-portfolio completion zsh)"',
    "fish": "mlops-portfolio completion fish > ~/.config/fish/completions/mlops-portfolio.fish",
}


def shell_script(shell: str) -> str:
    """The completion script for `shell`, which registers `mlops-portfolio` with it."""
    import argcomplete

    return argcomplete.shellcode([PROG], shell=shell)


def run_completion(args) -> int:
    print(shell_script(args.shell), end="")
    return 0


def set_completions(prefix: str, **_: Any) -> list[str]:
    """Candidates for `--set PREFIX<TAB>`: `key=` for each question, then its values.

    A choice question offers its choices, a yes/no question true and false;
    a text answer is the user's to type.
    """
    from generator.questions import Questionnaire
    from generator.template_source import template_root

    questions = {q.key: q for q in Questionnaire(template_root() / "copier.yml").questions}
    key, sep, _value = prefix.partition("=")
    if not sep:
        return [f"{name}=" for name in questions]
    question = questions.get(key)
    if question is None:
        return []
    if question.choices:
        values = [str(value) for value in question.choices.values()]
    elif question.type == "bool":
        values = ["true", "false"]
    else:
        values = []
    return [f"{key}={value}" for value in values]


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request (the environment says what was typed), then exit."""
    import argcomplete

    argcomplete.autocomplete(parser)
