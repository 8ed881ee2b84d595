"""The cookiecutter front door's last step: write the project with mlops-portfolio.

cookiecutter has asked the questions of copier.yml (cookiecutter.json is
generated from it) and made the empty project folder. This hook hands the
answers to `mlops-portfolio new FOLDER --defaults --set KEY=VALUE ...`, so
they are checked by the same rules and rendered from the same template as
with `mlops-portfolio new`; an empty answer is worked out by mlops-portfolio
as `new` does (the slug from the name, your name from `git config`). If
mlops-portfolio refuses an answer, it says which and why, and cookiecutter
removes the folder.

cookiecutter renders this file with Jinja before running it (so ruff skips it).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# The answers, as JSON text: `jsonify` writes them, `tojson` puts that text in
# quotes with every special character escaped, which is a valid Python string.
ANSWERS = json.loads({{ cookiecutter | jsonify | tojson }})
# cookiecutter's own keys start with "_"; the folder is `new`'s DEST.
FOLDER = "folder"

NOT_INSTALLED = """\
This cookiecutter template writes the project with mlops-portfolio, which is not installed.
Install it, then run the same cookiecutter command again:
    uv tool install mlops-portfolio     (or: pipx install mlops-portfolio)
Or skip cookiecutter: uvx mlops-portfolio new my-mlops-project"""


def mlops_portfolio() -> str | None:
    """The mlops-portfolio beside cookiecutter's Python (the same environment), else on PATH."""
    beside = Path(sys.executable).with_name("mlops-portfolio")
    if beside.is_file():
        return str(beside)
    return shutil.which("mlops-portfolio")


def where_typed(path: str) -> str:
    """A file path as the user typed it, made absolute from the shell's directory.

    cookiecutter runs this hook inside the new folder, but `data.csv` means the
    file beside the user: their shell's directory is still in PWD.
    """
    typed = Path(path).expanduser()
    if typed.is_absolute():
        return str(typed)
    return str(Path(os.environ.get("PWD", Path.cwd().parent)) / typed)


def as_text(value) -> str:
    """An answer as `--set` takes it: yes/no as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main() -> int:
    command = mlops_portfolio()
    if command is None:
        print(NOT_INSTALLED, file=sys.stderr)
        return 1
    folder = Path.cwd()
    (folder / "README.md").unlink()  # the stand-in: `new` fills an empty folder
    arguments = [command, "new", str(folder), "--defaults"]
    for key, value in ANSWERS.items():
        if key.startswith("_") or key == FOLDER or value == "":
            continue  # empty: not given, so worked out as `new --defaults` does
        if key == "data_file":
            value = where_typed(value)
        arguments += ["--set", f"{key}={as_text(value)}"]
    return subprocess.run(arguments, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
