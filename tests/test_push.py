"""Getting the project onto GitHub: the printed commands, and `gh` when it is logged in.

A local bare repository stands in for GitHub; nothing touches the network.
"""

from __future__ import annotations

import os
import stat
import subprocess

from helpers import cli, git_env, run

ARGS = ["--set", "github_username=asha-rao", "--set", "project_name=Fraud Radar"]
GITHUB = "https://github.com/asha-rao/fraud-radar.git"


def printed_push_commands(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Push your first commit:" in line)
    return [line.strip() for line in lines[start + 1:start + 4]]


def head(git_dir) -> str:
    return run(["git", f"--git-dir={git_dir}", "rev-parse", "main"]).stdout.strip()


def test_the_printed_push_commands_push_to_a_bare_repository(tmp_path):
    env = git_env(tmp_path / "home")
    result = cli("new", "--defaults", *ARGS, "proj", cwd=tmp_path, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "https://github.com/new" in result.stdout
    commands = printed_push_commands(result.stdout)
    assert commands == ["cd proj", f"git remote add origin {GITHUB}", "git push -u origin main"]

    bare = tmp_path / "github" / "fraud-radar.git"
    run(["git", "init", "--quiet", "--bare", bare])
    script = " && ".join(commands).replace(GITHUB, str(bare))  # the only change: the URL
    run(["bash", "-c", script], cwd=tmp_path, env={**os.environ, **env})
    assert head(bare) == head(tmp_path / "proj" / ".git")
    files = run(["git", f"--git-dir={bare}", "ls-tree", "-r", "--name-only", "main"]).stdout
    assert "src/fraud_radar/serving/app.py" in files.splitlines()


def fake_gh(bin_dir, logged_in: bool = True):
    """A `gh` that checks its arguments and pushes to $FAKE_GITHUB like the real one."""
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f"""#!/usr/bin/env bash
echo "$@" >> "$FAKE_GH_LOG"
if [ "$1 $2" = "auth status" ]; then exit {0 if logged_in else 1}; fi
if [ "$1 $2" = "repo create" ]; then
  git remote add origin "$FAKE_GITHUB" && git push --quiet -u origin main && \\
  echo "https://github.com/$3"
  exit $?
fi
if [ "$1" = api ]; then exit 0; fi  # turning Pages on
exit 2
""")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)


def test_push_uses_gh_when_it_is_logged_in(tmp_path):
    fake_gh(tmp_path / "bin")
    bare = tmp_path / "github.git"
    run(["git", "init", "--quiet", "--bare", bare])
    env = {**git_env(tmp_path / "home"), "FAKE_GITHUB": str(bare),
           "FAKE_GH_LOG": str(tmp_path / "gh.log"),
           "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = cli("new", "--defaults", "--push", *ARGS, tmp_path / "proj", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "Pushed to GitHub https://github.com/asha-rao/fraud-radar" in result.stdout
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[0] == "auth status"
    assert calls[1].startswith("repo create asha-rao/fraud-radar --public --source . "
                               "--remote origin --push --description ")
    # The docs site is on by default: Pages is turned on for its workflow.
    assert calls[2] == "api --method POST repos/asha-rao/fraud-radar/pages -f build_type=workflow"
    assert "Turned on GitHub Pages" in result.stdout
    assert head(bare) == head(tmp_path / "proj" / ".git")


def test_push_without_a_logged_in_gh_prints_the_commands(tmp_path):
    fake_gh(tmp_path / "bin", logged_in=False)
    env = {**git_env(tmp_path / "home"), "FAKE_GH_LOG": str(tmp_path / "gh.log"),
           "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = cli("new", "--defaults", "--push", *ARGS, tmp_path / "proj", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "Cannot push for you: gh is not logged in (run: gh auth login)" in result.stdout
    assert printed_push_commands(result.stdout)[1] == f"git remote add origin {GITHUB}"
    assert "repo create" not in (tmp_path / "gh.log").read_text()


def test_no_push_prints_nothing_about_pushing(tmp_path):
    result = cli("new", "--defaults", "--no-push", tmp_path / "proj",
                 env_extra=git_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    assert "git push" not in result.stdout
    remotes = subprocess.run(["git", "remote"], cwd=tmp_path / "proj", capture_output=True,
                             text=True, check=True).stdout
    assert remotes == ""
