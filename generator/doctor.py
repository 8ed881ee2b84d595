"""`mlops-portfolio doctor`: are the tools a generated project uses installed?"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.answers import read_project_answers
from generator.errors import EXIT_OK, EXIT_TOOLS_MISSING, AnswerError, fail


@dataclass
class Tool:
    name: str
    command: str
    version_args: list[str]
    why: str
    linux: str
    macos: str
    windows: str
    required: bool = True


TOOLS = [
    Tool(
        "git",
        "git",
        ["--version"],
        "version control; every project is a git repository",
        linux="sudo apt install git   (Fedora: sudo dnf install git)",
        macos="xcode-select --install   (or: brew install git)",
        windows="winget install --id Git.Git -e",
    ),
    Tool(
        "Python 3.10+",
        "python3",
        ["--version"],
        "runs the project (make setup makes .venv)",
        linux="sudo apt install python3 python3-venv",
        macos="brew install python@3.12",
        windows="winget install --id Python.Python.3.12 -e",
    ),
    Tool(
        "make",
        "make",
        ["--version"],
        "runs the project's tasks: make setup, train, test",
        linux="sudo apt install make",
        macos="xcode-select --install",
        windows="winget install --id ezwinports.make -e   (or use WSL: wsl --install)",
    ),
    Tool(
        "uv",
        "uv",
        ["--version"],
        "installs the exact library versions in uv.lock (without it, make setup "
        "installs uv into .tools/ first)",
        linux="curl -LsSf https://astral.sh/uv/install.sh | sh   (or: pipx install uv)",
        macos="brew install uv",
        windows="winget install --id astral-sh.uv -e   (then: uv run python -m PACKAGE ...)",
        required=False,
    ),
    Tool(
        "docker",
        "docker",
        ["--version"],
        "builds and runs the container image",
        linux="https://docs.docker.com/engine/install/  (Debian/Ubuntu: sudo apt install "
        "docker.io)",
        macos="brew install --cask docker   (Docker Desktop)",
        windows="winget install --id Docker.DockerDesktop -e",
        required=False,
    ),
    Tool(
        "GitHub CLI",
        "gh",
        ["--version"],
        "creates the GitHub repository and pushes for you",
        linux="https://github.com/cli/cli/blob/trunk/docs/install_linux.md  (Debian/Ubuntu: "
        "sudo apt install gh)",
        macos="brew install gh",
        windows="winget install --id GitHub.cli -e",
        required=False,
    ),
]

# Keyed by copier.yml's `cloud_provider` values; "none" needs no cloud CLI.
CLOUD_TOOLS = {
    "aws": Tool(
        "AWS CLI",
        "aws",
        ["--version"],
        "deploys to Amazon Web Services",
        linux="https://docs.aws.amazon.com/cli/latest/userguide/"
        "getting-started-install.html  (curl the awscli-exe-linux zip, "
        "sudo ./aws/install)",
        macos="brew install awscli",
        windows="winget install --id Amazon.AWSCLI -e",
        required=False,
    ),
    "gcp": Tool(
        "Google Cloud CLI",
        "gcloud",
        ["--version"],
        "deploys to Google Cloud",
        linux="https://cloud.google.com/sdk/docs/install  (Debian/Ubuntu: apt "
        "package google-cloud-cli)",
        macos="brew install --cask google-cloud-sdk",
        windows="winget install --id Google.CloudSDK -e",
        required=False,
    ),
    "azure": Tool(
        "Azure CLI",
        "az",
        ["--version"],
        "deploys to Microsoft Azure",
        linux="curl -sL https://aka.ms/InstallAzureCLIDeb | sudo bash",
        macos="brew install azure-cli",
        windows="winget install --id Microsoft.AzureCLI -e",
        required=False,
    ),
}

MIN_PYTHON = (3, 10)
# The major version of a cloud CLI the generated deploy docs are written for:
# docs/deploy-aws.md needs AWS CLI v2 (v1 lacks commands and options it uses).
# gcloud and az are one line of development each: installed and running is enough.
MIN_MAJOR = {"aws": (2, "aws-cli/", "the deploy docs need AWS CLI version 2")}
# How long `docker info` may take to answer before the daemon counts as down.
DOCKER_INFO_TIMEOUT = 20


def too_old(tool: Tool, first_line: str) -> str | None:
    """Why the installed version is too old for the project, or None when it will do."""
    if tool.command == "python3":
        match = re.search(r"(\d+)\.(\d+)", first_line)
        if not match or (int(match[1]), int(match[2])) < MIN_PYTHON:
            return f"is too old; {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer is needed"
    if tool.command in MIN_MAJOR:
        needed, prefix, why = MIN_MAJOR[tool.command]
        match = re.search(re.escape(prefix) + r"(\d+)\.", first_line)
        if not match or int(match[1]) < needed:
            return f"is too old ({first_line}); {why}"
    return None


def docker_daemon_problem(path: str) -> str | None:
    """None when the docker daemon answers; otherwise why it does not.

    `docker --version` only proves the client is installed. Building or
    running an image needs the daemon (Docker Desktop, or the docker service
    on Linux), and `docker info` asks it: it fails when the daemon is down.
    """
    try:
        result = subprocess.run(
            [path, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=DOCKER_INFO_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"is installed, but its daemon did not answer within {DOCKER_INFO_TIMEOUT}s"
    except OSError as error:
        return f"does not run ({error})"
    if result.returncode != 0 or not result.stdout.strip():
        return (
            "is installed, but its daemon does not answer: start Docker Desktop "
            "(Linux: sudo systemctl start docker)"
        )
    return None


def version_of(tool: Tool) -> tuple[str | None, str | None]:
    """(first line of `--version`, problem) for an installed tool; (None, why) if missing."""
    path = shutil.which(tool.command)
    if path is None:
        return None, "not found on PATH"
    try:
        result = subprocess.run(
            [path, *tool.version_args], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"does not run ({error})"
    text = (result.stdout or result.stderr).strip().splitlines()
    first = text[0] if text else ""
    if result.returncode != 0:
        return None, f"does not run (exit {result.returncode}: {first})"
    problem = too_old(tool, first)
    if problem is None and tool.command == "docker":
        problem = docker_daemon_problem(path)
    return first, problem


def project_cloud(path: Path) -> str | None:
    """The cloud a generated project at `path` deploys to; None when `path` is no project.

    Raises AnswerError when the project's answers file is broken.
    """
    return read_project_answers(path).get("cloud_provider")


def run_doctor(args) -> int:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    try:
        # Read even with --cloud: a broken project is worth knowing about first.
        recorded = project_cloud(Path(args.path))
    except AnswerError as error:
        return fail(Console(stderr=True), error.problems)
    cloud = args.cloud or recorded or None
    tools = list(TOOLS)
    if cloud in CLOUD_TOOLS:
        tools.append(CLOUD_TOOLS[cloud])
    elif cloud is None:  # no project here: every cloud's CLI
        from generator.questions import choice_values

        tools += [CLOUD_TOOLS[c] for c in choice_values("cloud_provider") if c in CLOUD_TOOLS]

    table = Table(title="mlops-portfolio doctor", title_justify="left")
    table.add_column("Tool", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Found / needed for")
    missing: list[Tool] = []
    for tool in tools:
        found, problem = version_of(tool)
        if problem is None and tool.command == "gh":
            from generator.publish import gh_status

            if gh_status():  # installed, not logged in: `new` cannot push for you yet
                found = f"{found}; not logged in: run gh auth login"
        if problem is None:
            table.add_row(tool.name, "[green]ok[/]", found)
        else:
            missing.append(tool)
            # Installed but unusable (too old, daemon down) is not "missing".
            label = "missing" if found is None else "not ready"
            status = f"[red]{label}[/]" if tool.required else f"[yellow]{label}[/]"
            table.add_row(tool.name, status, f"{tool.command} {problem}; {tool.why}")
    out.print(table)
    if not missing:
        out.print("[bold green]Everything is installed.[/]")
        return EXIT_OK
    out.print("[bold]How to install what is missing:[/]")
    for tool in missing:
        need = "needed" if tool.required else "optional"
        out.print(f"\n[bold]{tool.name}[/] ({need}: {tool.why})", highlight=False)
        out.print(f"  Linux:   {tool.linux}", highlight=False, soft_wrap=True)
        out.print(f"  macOS:   {tool.macos}", highlight=False, soft_wrap=True)
        out.print(f"  Windows: {tool.windows}", highlight=False, soft_wrap=True)
    if any(tool.required for tool in missing):
        out.print("\n[red]Some tools the project needs are missing.[/]")
        return EXIT_TOOLS_MISSING
    return EXIT_OK
