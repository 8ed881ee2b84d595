"""`mlops-portfolio doctor`: finds what is missing and says how to install it."""

from __future__ import annotations

import shutil
import stat
import sys

from helpers import cli, require_tool


def tools_dir(path, *names: str, fake: dict[str, str] | None = None):
    """A PATH directory with only the named real tools, plus fake scripts."""
    path.mkdir()
    for name in names:
        real = sys.executable if name == "python3" else require_tool(name)
        (path / name).symlink_to(real)
    for name, output in (fake or {}).items():
        script = path / name
        script.write_text(f"#!/bin/sh\necho '{output}'\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": str(path)}


def test_missing_optional_tools_are_listed_with_install_commands(tmp_path):
    env = tools_dir(tmp_path / "bin", "git", "python3", "make")
    result = cli("doctor", "--cloud", "aws", env_extra=env)
    assert result.returncode == 0, result.stdout  # only optional tools are missing
    out = result.stdout
    for name in ["git", "Python 3.10+", "make"]:
        assert any(line.startswith(f"│ {name} ") and " ok " in line for line in out.splitlines())
    for tool, windows in [
        ("uv", "astral-sh.uv"),
        ("docker", "Docker.DockerDesktop"),
        ("GitHub CLI", "GitHub.cli"),
        ("AWS CLI", "Amazon.AWSCLI"),
    ]:
        section = out.split(f"\n{tool} (optional", 1)[1].split("\n\n", 1)[0]
        assert "Linux:" in section and "macOS:" in section and windows in section
    assert "gcloud" not in out and "Azure" not in out  # only the chosen cloud


def test_uv_is_reported_with_its_version(tmp_path):
    env = tools_dir(tmp_path / "bin", "git", "python3", "make", fake={"uv": "uv 0.13.9"})
    out = cli("doctor", "--cloud", "none", env_extra=env).stdout
    (line,) = [line for line in out.splitlines() if line.startswith("│ uv ")]
    assert " ok " in line and "0.13.9" in line, line
    assert "uv (optional" not in out


def test_a_missing_required_tool_fails(tmp_path):
    env = tools_dir(tmp_path / "bin", "git", "python3")
    result = cli("doctor", "--cloud", "none", env_extra=env)
    assert result.returncode == 1
    assert "make (needed" in result.stdout
    assert "xcode-select --install" in result.stdout
    assert "Some tools the project needs are missing." in result.stdout


def test_a_too_old_python_is_reported(tmp_path):
    env = tools_dir(tmp_path / "bin", "git", "make", fake={"python3": "Python 3.8.10"})
    result = cli("doctor", "--cloud", "none", env_extra=env)
    assert result.returncode == 1
    assert "too old; 3.10 or newer" in result.stdout


def test_the_projects_cloud_is_read_from_its_answers(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / ".copier-answers.yml").write_text("cloud_provider: gcp\n")
    env = tools_dir(
        tmp_path / "bin", "git", "python3", "make", fake={"gcloud": "Google Cloud SDK 500.0.0"}
    )
    result = cli("doctor", project, env_extra=env)
    assert "Google Cloud SDK 500.0.0" in result.stdout
    assert "AWS CLI" not in result.stdout and "Azure CLI" not in result.stdout


def test_doctor_runs_on_this_machine():
    result = cli("doctor")
    assert result.returncode in (0, 1)
    assert "git" in result.stdout and shutil.which("git")


def script(path, name: str, body: str) -> None:
    """A fake tool whose answer depends on its arguments (a POSIX shell script)."""
    tool = path / name
    tool.write_text(f"#!/bin/sh\n{body}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


def flat(out: str) -> str:
    """The output as one line of words: the table wraps long cells over lines."""
    return " ".join(out.replace("│", " ").split())


def docker_row(out: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith("│ docker ")]
    return line


def test_docker_is_ok_only_when_its_daemon_answers(tmp_path):
    env = tools_dir(tmp_path / "bin", "git", "python3", "make")
    bin_dir = tmp_path / "bin"
    # The client is installed; `docker info` fails as it does with the daemon down.
    script(bin_dir, "docker", 'if [ "$1" = info ]; then\n'
           '  echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2\n'
           "  exit 1\nfi\necho 'Docker version 29.1.0, build abc'")
    out = cli("doctor", "--cloud", "none", env_extra=env).stdout
    assert " ok " not in docker_row(out) and "not ready" in docker_row(out)
    assert "daemon does not answer" in flat(out) and "systemctl start docker" in flat(out)
    # Daemon up: `docker info` prints the server's version.
    script(bin_dir, "docker", 'if [ "$1" = info ]; then echo 29.1.0; exit 0; fi\n'
           "echo 'Docker version 29.1.0, build abc'")
    out = cli("doctor", "--cloud", "none", env_extra=env).stdout
    assert " ok " in docker_row(out) and "29.1.0" in docker_row(out)


def test_aws_cli_version_1_is_refused_and_version_2_accepted(tmp_path):
    bin_dir = tmp_path / "bin"
    env = tools_dir(bin_dir, "git", "python3", "make")
    # AWS CLI v1 prints its version on stderr.
    script(bin_dir, "aws", "echo 'aws-cli/1.33.20 Python/3.11.9 Linux/6.8.0 botocore/1.34.140' >&2")
    out = cli("doctor", "--cloud", "aws", env_extra=env).stdout
    (line,) = [line for line in out.splitlines() if line.startswith("│ AWS CLI ")]
    assert " ok " not in line and "not ready" in line
    assert "the deploy docs need AWS CLI version 2" in flat(out)
    script(bin_dir, "aws", "echo 'aws-cli/2.31.9 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24'")
    out = cli("doctor", "--cloud", "aws", env_extra=env).stdout
    (line,) = [line for line in out.splitlines() if line.startswith("│ AWS CLI ")]
    assert " ok " in line and "aws-cli/2.31.9" in line
