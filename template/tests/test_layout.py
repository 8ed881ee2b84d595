"""The package's layout rules, checked from the source code itself.

The package has three wings: `training/` makes the model, `serving/` answers
predictions, `monitoring/` watches the live data. What they share (spec,
config, registry, predictor) sits at the top. The rules below keep that
picture true as the code grows:

- serving imports nothing from training or monitoring, so the service starts
  fast, loads no data set and ships only what it needs;
- no function is longer than 60 lines, so each one can be read in one go.

These tests read the code with `ast` (Python's own parser) instead of
importing it, so a failure names the file and line to fix.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WINGS = ("training", "serving", "monitoring")
# The wings the service must never import, and a heavy library only they need
# (plots). Not `sklearn.datasets`: skops imports every scikit-learn module to
# list the types it trusts; loading the data itself lives in training/.
NOT_FOR_SERVING = ("training", "monitoring")
HEAVY_MODULES = ("matplotlib",)
MAX_FUNCTION_LINES = 60


def find_package() -> Path:
    """The one package folder under src/ (its name is the project's package name)."""
    packages = [path for path in (ROOT / "src").iterdir() if (path / "__init__.py").is_file()]
    assert len(packages) == 1, f"expected one package in src/, found {packages}"
    return packages[0]


PACKAGE_DIR = find_package()
PACKAGE = PACKAGE_DIR.name


def python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    """`src/pkg/serving/app.py` -> `pkg.serving.app` (a package's `__init__` -> the package)."""
    parts = list(path.relative_to(ROOT / "src").with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in a file, also inside functions.

    A relative import such as `from ..training import data` is resolved to
    `pkg.training.data`, so it cannot slip past an absolute-name check.
    """
    module = module_name(path)
    # The package a relative import starts from: the module's own package.
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            yield node.lineno, base
            # `from pkg import training` imports the wing pkg.training.
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def is_within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


@pytest.mark.parametrize("wing", WINGS)
def test_the_wing_is_a_package(wing):
    init = PACKAGE_DIR / wing / "__init__.py"
    assert init.is_file(), f"{init.relative_to(ROOT)} is missing: {wing}/ must be a package"


@pytest.mark.parametrize("wing", WINGS)
def test_the_wing_init_holds_only_a_docstring(wing):
    """Importing one module of a wing must not import the others (or Flask, or pandas)."""
    init = PACKAGE_DIR / wing / "__init__.py"
    body = ast.parse(init.read_text(encoding="utf-8")).body
    code = [node for node in body if not isinstance(node, ast.Expr)]
    where = [f"{init.relative_to(ROOT)}:{node.lineno}" for node in code]
    assert not where, f"a wing's __init__.py holds only its docstring, not code: {where}"


def test_serving_imports_nothing_from_training_or_monitoring():
    forbidden = [f"{PACKAGE}.{wing}" for wing in NOT_FOR_SERVING]
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((PACKAGE_DIR / "serving").rglob("*.py"))
        for line, name in imported_modules(path)
        if any(is_within(name, wing) for wing in forbidden)
    ]
    assert not violations, "serving/ must not import training/ or monitoring/:\n" + "\n".join(
        violations
    )


def test_starting_the_service_loads_no_training_or_monitoring_code():
    """Import the app in a fresh Python, as a gunicorn worker does, and list what got loaded."""
    for dependency in ("flask", "sklearn"):
        pytest.importorskip(dependency, reason="the service's dependencies are not installed")
    script = f"import json, sys, {PACKAGE}.serving.app; print(json.dumps(sorted(sys.modules)))"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    unwanted = [f"{PACKAGE}.{wing}" for wing in NOT_FOR_SERVING] + list(HEAVY_MODULES)
    found = [name for name in loaded if any(is_within(name, module) for module in unwanted)]
    assert not found, f"importing {PACKAGE}.serving.app loaded {found}"


def long_functions(path: Path) -> Iterator[str]:
    """`file:line name (N lines)` for every function or method over the limit."""
    named = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def visit(node: ast.AST, prefix: str) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, named):
                yield from visit(child, prefix)
                continue
            name = prefix + child.name  # a method is shown as `Class.method`
            # From the `def` line (decorators not counted) to the last line of its body.
            length = child.end_lineno - child.lineno + 1
            if not isinstance(child, ast.ClassDef) and length > MAX_FUNCTION_LINES:
                yield f"{path.relative_to(ROOT)}:{child.lineno} {name} ({length} lines)"
            yield from visit(child, f"{name}.")

    yield from visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), "")


def test_no_function_is_longer_than_60_lines():
    too_long = [
        found for path in python_files("src", "scripts", "tests") for found in long_functions(path)
    ]
    assert not too_long, (
        f"split these functions (at most {MAX_FUNCTION_LINES} lines each):\n" + "\n".join(too_long)
    )
