"""After rendering: the first git commit, and getting the project onto GitHub."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any


def git_first_commit(project: Path, answers: dict[str, Any]) -> None:
    """git init on `main` and commit everything, as the author given in the answers."""
    author = [
        "-c",
        f"user.name={answers['author_name']}",
        "-c",
        f"user.email={answers['author_email']}",
    ]
    steps = [
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        [
            "git",
            *author,
            "commit",
            "--quiet",
            "--no-verify",
            "--no-gpg-sign",
            "-m",
            f"Initial commit: {answers['project_name']}",
        ],
    ]
    for step in steps:
        subprocess.run(step, cwd=project, check=True, capture_output=True, timeout=120)


def github_url(answers: dict[str, Any]) -> str:
    return f"https://github.com/{answers['github_username']}/{answers['project_slug']}"


def gh_status() -> str | None:
    """None when the `gh` CLI is installed and logged in, else why not."""
    if shutil.which("gh") is None:
        return "the GitHub CLI (gh) is not installed"
    try:
        result = subprocess.run(
            ["gh", "auth", "status"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"gh did not run ({error})"
    if result.returncode != 0:
        return "gh is not logged in (run: gh auth login)"
    return None


def gh_create_command(answers: dict[str, Any]) -> list[str]:
    return [
        "gh",
        "repo",
        "create",
        f"{answers['github_username']}/{answers['project_slug']}",
        "--public",
        "--source",
        ".",
        "--remote",
        "origin",
        "--push",
        "--description",
        answers.get("description", ""),
    ]


def push_with_gh(project: Path, answers: dict[str, Any]) -> subprocess.CompletedProcess:
    return subprocess.run(
        gh_create_command(answers),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def pages_command(answers: dict[str, Any]) -> list[str]:
    """Turn GitHub Pages on, published by the project's Docs workflow.

    GitHub's REST API: POST /repos/{owner}/{repo}/pages with build_type
    "workflow" (the site comes from a workflow's artefact, not a branch).
    """
    repository = f"{answers['github_username']}/{answers['project_slug']}"
    return [
        "gh",
        "api",
        "--method",
        "POST",
        f"repos/{repository}/pages",
        "-f",
        "build_type=workflow",
    ]


def enable_pages(answers: dict[str, Any]) -> str | None:
    """Turn Pages on for the new repository; None when done, else why not."""
    try:
        result = subprocess.run(
            pages_command(answers), capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"gh did not run ({error})"
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip() or f"gh exited {result.returncode}"
    return None


def push_commands(shown_dest: str, answers: dict[str, Any]) -> list[str]:
    """The shell commands that push the first commit to an empty GitHub repository."""
    return [
        f"cd {shlex.quote(shown_dest)}",
        f"git remote add origin {github_url(answers)}.git",
        "git push -u origin main",
    ]
