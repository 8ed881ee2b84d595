"""Size and shape of a generated project's package, against a baseline project.

    python benchmarks/layout_stats.py PROJECT [BASELINE]
    python benchmarks/layout_stats.py --quick      # a default project from this checkout

Prints, for the package under PROJECT/src/ (and BASELINE's, if given): the
number of modules and lines, the folders they sit in, how many functions are
longer than 60 lines and the longest three. With a baseline it also prints
the ratios project/baseline. It reads source files only (ast), so it runs
without the project's dependencies. With --quick and no PROJECT it renders
the default project from this checkout (`python -m generator new --defaults
--no-git`) into a temporary directory and compares it with itself (ratios 1).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
from pathlib import Path

from _common import REPO, parse_args, sh


def package_dir(project: Path) -> Path:
    (package,) = [p for p in (project / "src").iterdir() if (p / "__init__.py").is_file()]
    return package


def function_lengths(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.end_lineno - node.lineno + 1, f"{path.name}:{node.name}")
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def stats(project: Path) -> dict:
    package = package_dir(project)
    modules = sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    lengths = sorted((n for m in modules for n in function_lengths(m)), reverse=True)
    return {
        "modules": len(modules),
        "lines": sum(len(m.read_text(encoding="utf-8").splitlines()) for m in modules),
        "folders": sorted({m.parent.relative_to(package).as_posix() for m in modules}),
        "longest": lengths[:3],
        "over_60": sum(1 for length, _ in lengths if length > 60),
    }


def show(name: str, figures: dict) -> None:
    print(
        f"{name}: {figures['modules']} modules, {figures['lines']} lines, "
        f"folders {figures['folders']}"
    )
    print(
        f"  functions over 60 lines: {figures['over_60']}; longest: "
        + ", ".join(f"{where} {length}" for length, where in figures["longest"])
    )


def default_project(work: Path) -> Path:
    """The default project, rendered from this checkout's template."""
    project = work / "project"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    sh([sys.executable, "-m", "generator", "new", "--defaults", "--no-git", project], env=env)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, nargs="?", help="a generated project")
    parser.add_argument("baseline", type=Path, nargs="?", help="the project to compare it with")
    args = parse_args(parser, quick={})
    if args.project is not None:
        return report(args.project, args.baseline)
    if not args.quick:
        parser.error("give PROJECT (or --quick, to render one)")
    work = Path(tempfile.mkdtemp(prefix="mlops-bench-layout-"))
    try:
        project = default_project(work)
        return report(project, project)
    finally:
        shutil.rmtree(work)


def report(project: Path, baseline: Path | None) -> int:
    new = stats(project)
    show("project", new)
    if baseline is not None:
        old = stats(baseline)
        show("baseline", old)
        print(
            f"ratio project/baseline: modules {new['modules'] / old['modules']:.2f}, "
            f"lines {new['lines'] / old['lines']:.2f}, longest function "
            f"{new['longest'][0][0] / old['longest'][0][0]:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
