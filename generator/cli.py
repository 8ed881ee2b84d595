"""The `mlops-portfolio` command line.

Kept light on purpose: argparse only at import time, so `--help` starts fast;
copier, rich and questionary are imported when a command needs them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__, roadmap

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlops-portfolio",
        description="Generate a working MLOps portfolio repository and its learning roadmap.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = commands.add_parser(
        "new",
        help="generate a new project in DEST",
        description="Generate a new MLOps project in DEST (a new or empty directory).",
    )
    new.add_argument("dest", metavar="DEST", type=Path, help="directory to create")
    new.add_argument("--defaults", action="store_true",
                     help="answer every question with its default, without prompting")
    new.add_argument("--answers", metavar="FILE", type=Path,
                     help="YAML file of answers (e.g. a .copier-answers.yml a teacher shares)")
    new.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="assign",
                     help="set one answer; repeatable; wins over --answers")
    new.add_argument("--no-git", action="store_true",
                     help="do not run git init and make the first commit")
    roadmap.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "new":
        from generator.new import run_new

        return run_new(args)
    if args.command == "roadmap":
        return roadmap.run_roadmap(args)
    parser.print_help()
    return 0
