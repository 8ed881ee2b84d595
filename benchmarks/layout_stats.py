"""Size and shape of a generated project's package, against a baseline project.

    python benchmarks/layout_stats.py PROJECT [BASELINE]

Prints, for the package under PROJECT/src/ (and BASELINE's, if given): the
number of modules and lines, the folders they sit in, how many functions are
longer than 60 lines and the longest three. With a baseline it also prints
the ratios project/baseline. It reads source files only (ast), so it runs
without the project's dependencies.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


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


def main(argv: list[str]) -> int:
    new = stats(Path(argv[0]))
    show("project", new)
    if len(argv) > 1:
        old = stats(Path(argv[1]))
        show("baseline", old)
        print(
            f"ratio project/baseline: modules {new['modules'] / old['modules']:.2f}, "
            f"lines {new['lines'] / old['lines']:.2f}, longest function "
            f"{new['longest'][0][0] / old['longest'][0][0]:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
