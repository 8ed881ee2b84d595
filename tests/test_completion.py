"""TAB completion in bash, zsh and fish, and the help that lists every `--set` answer.

Each shell loads the script `mlops-portfolio completion SHELL` prints, as a
user's shell start-up file would, and completes `mlops-portfolio new --set `
and `--set use_case=`. The `mlops-portfolio` on PATH runs this source tree.
Under CI=true a missing shell fails (.ci/run installs zsh and fish).
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from generator.questions import Questionnaire
from helpers import REPO, cli, require_tool, run

QUESTIONS = Questionnaire(REPO / "copier.yml").questions
KEYS = [q.key for q in QUESTIONS]
USE_CASES = [str(v) for v in next(q for q in QUESTIONS if q.key == "use_case").choices.values()]


@pytest.fixture
def shell_env(tmp_path) -> dict[str, str]:
    """PATH with an `mlops-portfolio` that runs this source tree; a bare HOME."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "mlops-portfolio"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n')
    command.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "PYTHONPATH": str(REPO),
        "HOME": str(home),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
    }


def test_bash_completes_the_set_keys_and_a_choice(shell_env):
    bash = require_tool("bash")
    # What bash does on TAB: fill COMP_* and call the function `complete` registered.
    script = """
set -e
source <(mlops-portfolio completion bash)
complete -p mlops-portfolio
ask() {
  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"
  [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  _python_argcomplete mlops-portfolio; printf '%s\\n' "${COMPREPLY[@]}"; echo ---
}
ask "mlops-portfolio new --set "
ask "mlops-portfolio new --set use_case="
"""
    result = run([bash, "--norc", "--noprofile", "-c", script], env=shell_env)
    registered, answers = result.stdout.split("\n", 1)
    keys, choices, _ = answers.split("---\n")
    assert "_python_argcomplete mlops-portfolio" in registered
    assert keys.split() == [f"{key}=" for key in KEYS]
    # bash splits the word at "=": the candidates are the values after it.
    assert sorted(choices.split()) == sorted(USE_CASES)


def test_fish_completes_the_set_keys_and_a_choice(shell_env):
    fish = require_tool("fish")
    script = (
        "mlops-portfolio completion fish | source; "
        "complete -C 'mlops-portfolio new --set '; echo ---; "
        "complete -C 'mlops-portfolio new --set use_case='"
    )
    result = run([fish, "--no-config", "-c", script], env=shell_env)
    keys, choices = result.stdout.split("---\n")
    assert sorted(keys.split()) == sorted(f"{key}=" for key in KEYS)
    assert sorted(choices.split()) == sorted(f"use_case={v}" for v in USE_CASES)


def test_zsh_completes_the_set_keys_and_a_choice(shell_env):
    """zsh completes only at its line editor: an interactive zsh, typed into with TAB."""
    zsh = require_tool("zsh")
    import pexpect

    child = pexpect.spawn(
        zsh,
        ["-f", "-i"],
        env={**shell_env, "PS1": "%% "},
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 400),
    )
    try:
        child.sendline(
            'autoload -U compinit && compinit -u -D && eval "$(mlops-portfolio completion zsh)"'
            " && echo LOADED-$((40+2))"
        )
        child.expect("LOADED-42")
        child.send("mlops-portfolio new --set use_c\t")
        # A single match: zsh writes it into the line; a second TAB lists the choices.
        child.expect("use_case=")
        child.send("\t")
        shown = read_until(child, [f"use_case={value}" for value in USE_CASES])
        assert all(f"use_case={value}" in shown for value in USE_CASES), shown[-2000:]
        child.send("\x15")  # Ctrl-U: clear the line
        child.send("mlops-portfolio new --set \t")
        shown = read_until(child, [f"{key}=" for key in KEYS])
        assert [key for key in KEYS if f"{key}=" not in shown] == [], shown[-2000:]
    finally:
        child.close(force=True)


def read_until(child, needles: list[str], timeout: float = 30) -> str:
    """What the terminal shows, read until every one of `needles` is in it (or time is up)."""
    import pexpect

    seen = ""
    deadline = time.monotonic() + timeout
    while not all(needle in seen for needle in needles) and time.monotonic() < deadline:
        try:
            seen += child.read_nonblocking(100_000, timeout=1)
        except pexpect.TIMEOUT:
            continue
    return seen


def test_new_help_lists_every_set_key_with_its_choices():
    result = cli("new", "--help")
    assert result.returncode == 0, result.stderr
    listing = result.stdout.split("answers for --set KEY=VALUE", 1)[1].split("examples:")[0]
    rows = {line.split()[0]: line for line in listing.splitlines()[1:] if line.strip()}
    assert list(rows) == KEYS
    for question in QUESTIONS:
        if question.choices:
            shown = " | ".join(str(v) for v in question.choices.values())
            assert shown in rows[question.key], rows[question.key]
    assert "true | false (default: false)" in rows["include_kubernetes"]


@pytest.mark.parametrize("command", [[], ["new"]])
def test_help_has_examples_that_parse(command):
    """Every example line of --help is a command line the parser accepts."""
    from generator.cli import build_parser

    result = cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    examples = result.stdout.split("examples:\n", 1)[1].split("\n\n", 1)[0]
    lines = [line.split("   ")[0].split() for line in examples.splitlines() if line.strip()]
    assert len(lines) >= 3
    for words in lines:
        assert words[0] == "mlops-portfolio"
        build_parser().parse_args(words[1:])  # exits (SystemExit) on a wrong example


def test_completion_refuses_an_unknown_shell():
    result = cli("completion", "tcsh")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_the_completion_script_names_the_command():
    for shell in ["bash", "zsh", "fish"]:
        result = cli("completion", shell)
        assert result.returncode == 0, result.stderr
        assert "mlops-portfolio" in result.stdout and "_ARGCOMPLETE" in result.stdout


def test_set_completion_offers_values_only_where_there_are_choices():
    from generator.completion import set_completions

    assert set_completions("include_k") == [f"{key}=" for key in KEYS]  # the shell filters
    assert set_completions("include_kubernetes=") == [
        "include_kubernetes=true",
        "include_kubernetes=false",
    ]
    assert set_completions("project_name=") == []  # text: the user's to type
    assert set_completions("no_such_key=") == []


def test_the_script_of_each_shell_is_valid_syntax(tmp_path):
    """bash -n and zsh -n parse without running; fish has --no-execute."""
    for shell, check in [("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])]:
        binary = require_tool(shell)
        script = tmp_path / f"completion.{shell}"
        script.write_text(cli("completion", shell).stdout)
        assert script.stat().st_size > 0
        run([binary, *check, script])
