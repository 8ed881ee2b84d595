"""The same answers and template version give a byte-identical project."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
import yaml

from helpers import REPO, cli, run

# Every question answered, copyright_year too: its default is "this year",
# so only an explicit answer stays the same across New Year.
ANSWERS = {
    "project_name": "Wine Quality Service",
    "author_name": "Asha Rao",
    "author_email": "asha@example.com",
    "github_username": "asha-rao",
    "use_case": "wine",
    "cloud_provider": "gcp",
    "license": "Apache-2.0",
    "copyright_year": "2025",
}


def snapshot(project: Path) -> dict[str, tuple[int, bytes]]:
    """Every path below `project` (but .git) with its permission bits and bytes."""
    tree = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] == ".git":
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        tree[relative.as_posix()] = (mode, path.read_bytes() if path.is_file() else b"<dir>")
    return tree


def test_a_dirty_template_checkout_renders_identically_twice(tmp_path):
    """`--template DIR` with uncommitted edits: copier's draft commit must not follow the clock."""
    from generator.questions import Questionnaire
    from generator.render import render
    from generator.template_source import template_source

    src = tmp_path / "src"
    run(["git", "clone", "--quiet", REPO, src])
    with (src / "template" / "gunicorn.conf.py").open("a") as edit:
        edit.write("# an uncommitted edit\n")
    trees = []
    for name in ("a", "b"):
        with template_source(str(src), "HEAD") as source:
            answers = Questionnaire(source.copier_yml).resolve(ANSWERS)
            trees.append(render(answers, tmp_path / name / "proj", source=source))
        time.sleep(1.1)  # git dates have one-second resolution

    assert snapshot(trees[0]) == snapshot(trees[1])
    recorded = yaml.safe_load((trees[0] / ".copier-answers.yml").read_text())
    assert recorded["_commit"]  # copier still records which template version made it
    assert "# an uncommitted edit" in (trees[0] / "gunicorn.conf.py").read_text()


def test_the_source_checkout_renders_identically_twice(tmp_path):
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(yaml.safe_dump(ANSWERS))
    trees = []
    for name in ("a", "b"):
        dest = tmp_path / name / "proj"
        result = cli("new", "--answers", answers_file, "--no-git", dest)
        assert result.returncode == 0, result.stderr
        trees.append(snapshot(dest))
        time.sleep(1.1)
    assert trees[0] == trees[1]


@pytest.mark.slow
def test_the_installed_wheel_renders_identically_twice(installed_cli, tmp_path):
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(yaml.safe_dump(ANSWERS))
    trees = []
    for name in ("a", "b"):
        dest = tmp_path / name / "proj"
        run([installed_cli, "new", "--answers", answers_file, dest], cwd=tmp_path)
        assert (dest / ".git").is_dir()
        trees.append(snapshot(dest))
        time.sleep(1.1)
    assert trees[0] == trees[1]
    assert "Copyright 2025 Asha Rao" in trees[0]["LICENSE"][1].decode()
