"""Exit codes and error output, the same for every command.

Scripts and CI tell outcomes apart by exit code alone, so each code is
defined once, here, and every command reports bad input the same way: one
`error: ...` line per problem on stderr, all of them at once, then
EXIT_BAD_INPUT.

Kept free of heavy imports: cli.py and roadmap.py import it for `--help`.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_TOOLS_MISSING = 1  # doctor: a tool every project needs is not installed
EXIT_EXERCISES_OPEN = 1  # check: an exercise is not done yet
EXIT_BAD_INPUT = 2  # argparse uses 2 for bad arguments too
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C


class AnswerError(ValueError):
    """Bad input: answers, an answers file or `--set` that break a rule.

    Each problem is one line, so every problem is reported, not only the first.
    """

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def fail(console, problems: list[str]) -> int:
    """Print each problem as an `error:` line on `console` (stderr) and return EXIT_BAD_INPUT.

    The problems are plain text: a bracket in a path or an answer is printed
    as it is, never read as rich markup.
    """
    from rich.markup import escape

    for line in problems:
        console.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
    return EXIT_BAD_INPUT
