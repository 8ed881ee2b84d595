"""Every shell command in a generated project's README.md and docs/*.md runs as written.

Fast: render only. From each ```bash/sh/console block, every command is checked:
- `make X`: the Makefile has target X;
- the project's tools (python, pytest, dvc, mlflow, ruff) are called through
  the virtualenv (`.venv/bin/...` or `uv run ...`), never bare: a fresh shell
  has no activated virtualenv, so bare `python -m <package>` fails;
- `... python -m <package> SUB`: SUB is a subcommand of the package's CLI;
- a repository path it names exists (outputs of make tasks excepted).

Slow (`--runslow`): in one rendered project, the safe commands are RUN, in
the order the README and docs give them, after `make setup`: nothing that
needs the network or a cloud, pushes an image or keeps running (`make
serve`, `mlflow ui`); each must exit 0. The same trained project then checks
`mlops-portfolio present` against its real metrics.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from helpers import cli, generate, require_tool, run, uv_bin

OPTION_SETS = {
    "aws-default": {"cloud_provider": "aws"},
    "gcp-mlflow-dvc": {
        "cloud_provider": "gcp",
        "experiment_tracking": "mlflow",
        "data_versioning": "dvc",
    },
    "azure-k8s-jenkins-site": {
        "cloud_provider": "azure",
        "include_kubernetes": "true",
        "include_jenkins": "true",
        "docs_site": "true",
    },
    "none": {"cloud_provider": "none"},
}
VENV_TOOLS = {"python", "python3", "pytest", "dvc", "mlflow", "ruff", "gunicorn", "pip"}
# Written by make tasks or by the learner, not committed.
OUTPUTS = ("models/", "reports/", "logs/", "mlruns/", ".venv/", "data/dataset.csv", "dvc.lock")


@pytest.fixture(scope="module", params=list(OPTION_SETS), ids=list(OPTION_SETS))
def project(request, tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp(request.param) / "proj", **OPTION_SETS[request.param])


def commands(markdown: str) -> list[list[str]]:
    """Each simple command (a list of words) in the shell code blocks of `markdown`."""
    found = []
    for block in re.findall(r"^```(?:bash|sh|shell|console)\n(.*?)^```", markdown, re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                words = line.split("#")[0].split()
            command: list[str] = []
            for word in [*words, ";"]:
                if word in {"&&", "||", ";", "|", "do", "done", "then"} or word.endswith(";"):
                    if word.endswith(";") and len(word) > 1:
                        command.append(word[:-1])
                    if command:
                        found.append(command)
                    command = []
                else:
                    command.append(word)
    return found


def make_targets(project: Path) -> set[str]:
    text = (project / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*):", text, re.M))


def subcommands(project: Path) -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (project / "src").rglob("*.py"))
    return set(re.findall(r"add_parser\(\s*\"([a-z-]+)\"", text))


def doc_files(project: Path) -> list[Path]:
    return [project / "README.md", *sorted((project / "docs").glob("*.md"))]


def problems(project: Path) -> list[str]:
    targets, subs = make_targets(project), subcommands(project)
    package = next(p.parent.name for p in (project / "src").glob("*/__main__.py"))
    found = []
    for doc in doc_files(project):
        for words in commands(doc.read_text(encoding="utf-8")):
            where = f"{doc.relative_to(project)}: {' '.join(words)}"
            while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
                words = words[1:]  # VAR=value before a command
            if not words:
                continue
            head = words[0]
            if head == "make":
                for arg in words[1:]:
                    if not arg.startswith("-") and "=" not in arg and arg not in targets:
                        found.append(f"{where}: no make target {arg!r}")
            if head in VENV_TOOLS:
                found.append(
                    f"{where}: {head} needs the virtualenv (.venv/bin/{head} or uv run {head})"
                )
            if head.startswith(".venv/bin/") and head.removeprefix(".venv/bin/") not in VENV_TOOLS:
                found.append(f"{where}: unknown virtualenv tool")
            if "-m" in words:
                after = words[words.index("-m") + 1 :]
                if (
                    after
                    and after[0] == package
                    and len(after) > 1
                    and not after[1].startswith("-")
                ) and after[1] not in subs:
                    found.append(f"{where}: no subcommand {after[1]!r}")
            for word in words[1:]:
                path = word.lstrip("@")
                if (
                    "/" not in path
                    or path.startswith("../")  # beside the project, e.g. a copy to compare with
                    or "://" in path
                    or "$" in path
                    or "=" in path
                    or path.startswith(("/", "-", "~"))
                ):
                    continue
                # Only paths inside a folder the project has, that `make` does not write.
                top = path.split("/")[0]
                known_folder = (project / top).exists() and not path.startswith(OUTPUTS)
                if known_folder and not (project / path).exists():
                    found.append(f"{where}: no file {path!r}")
    return found


def test_every_documented_command_runs_as_written(project):
    assert problems(project) == []


def test_the_checks_see_commands(project):
    """The parser finds the commands it checks (a guard against checking nothing)."""
    words = [
        w
        for doc in doc_files(project)
        for c in commands(doc.read_text(encoding="utf-8"))
        for w in c
    ]
    assert words.count("make") >= 10
    assert {"train", "monitor", "simulate-traffic", "predict"} <= subcommands(project)
    assert {"setup", "train", "test", "serve", "monitor"} <= make_targets(project)


def test_a_bare_python_call_is_caught(tmp_path):
    project = generate(tmp_path / "proj", cloud_provider="none")
    doc = project / "docs" / "training.md"
    doc.write_text(
        doc.read_text(encoding="utf-8") + "\n```bash\npython -m x --help\nmake no-such-task\n```\n",
        encoding="utf-8",
    )
    found = problems(project)
    assert any("needs the virtualenv" in p for p in found)
    assert any("no-such-task" in p for p in found)


# -- running them (slow) -----------------------------------------------------------
# What a fresh project runs offline, quickly and to completion. Everything else
# is left out on purpose: the network or a cloud (`make lock`, deploys, pushes),
# docker, a service that keeps running (`make serve`, `make up`, `make
# mlflow-ui`) or one that must be running (`make smoke`, `make monitor` after
# `make simulate-traffic`).
SAFE_TARGETS = {"help", "setup", "data", "train", "evaluate", "predict", "test", "lint",
                "format", "report", "docs"}
SAFE_SUBCOMMANDS = {"--help", "data", "train", "evaluate", "predict"}
RUN_SET = "aws-default"


def runnable(words: list[str], package: str) -> bool:
    """True for a command `test_the_safe_commands_run_in_a_fresh_project` runs."""
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words = words[1:]
    if not words:
        return False
    if words[0] == "make":
        targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        return bool(targets) and set(targets) <= SAFE_TARGETS
    if words[0] == ".venv/bin/python" and words[1:3] == ["-m", package]:
        return len(words) > 3 and words[3] in SAFE_SUBCOMMANDS
    return False


def test_runnable_keeps_only_the_safe_commands():
    assert runnable(["make", "train", "DATA=data/dataset.csv"], "pkg")
    assert runnable(["PORT=9000", "make", "help"], "pkg")
    assert runnable([".venv/bin/python", "-m", "pkg", "--help"], "pkg")
    for unsafe in (["make", "serve"], ["make", "train", "serve"], ["make", "docker-push"],
                   ["make", "lock"], ["make", "monitor"], ["make", "mlflow-ui"],
                   [".venv/bin/python", "-m", "pkg", "simulate-traffic"],
                   ["curl", "http://127.0.0.1:8080/health"], ["kubectl", "apply", "-f", "k8s/"]):
        assert not runnable(unsafe, "pkg"), unsafe


@pytest.mark.slow
def test_the_safe_commands_run_in_a_fresh_project(tmp_path):
    """Every safe command of README.md and docs/*.md, run as written, in order."""
    require_tool("make")
    project = generate(tmp_path / "proj", **OPTION_SETS[RUN_SET])
    package = next(p.parent.name for p in (project / "src").glob("*/__main__.py"))
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    # uv from the test's environment, as uv on PATH would be; Python is this one.
    env.update(UV=uv_bin(), UV_PYTHON=sys.executable)
    run(["make", "setup"], cwd=project, env=env, timeout=900)  # the README's first step

    ran, seen = [], set()
    for doc in doc_files(project):
        for words in commands(doc.read_text(encoding="utf-8")):
            key = " ".join(words)
            if key in seen or not runnable(words, package):
                continue
            seen.add(key)
            variables = {}
            while re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
                name, _, value = words[0].partition("=")
                variables[name] = value
                words = words[1:]
            result = run(words, cwd=project, env={**env, **variables}, timeout=900, check=False)
            assert result.returncode == 0, (
                f"{doc.relative_to(project)}: `{key}` exited {result.returncode}\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
            ran.append(key)
    # The walk-through a beginner follows is really there, and was run.
    for expected in ("make train", "make report", "make test", "make evaluate",
                     f".venv/bin/python -m {package} --help"):
        assert expected in ran, (expected, ran)
    assert (project / "models" / "metadata.json").is_file()

    # `mlops-portfolio present` on this trained project: its real metrics.
    metadata = json.loads((project / "models" / "metadata.json").read_text(encoding="utf-8"))
    result = cli("present", project)
    assert result.returncode == 0, result.stderr
    assert metadata["model_version"] in result.stdout
    assert f"ROC-AUC {metadata['metrics']['roc_auc']:.3f}" in result.stdout
    assert f"Recall {metadata['metrics']['recall']:.3f}" in result.stdout
    print(f"ran {len(ran)} documented commands: {ran}")
