"""`mlops-portfolio update`: a newer template version merges into a project, keeping edits."""

from __future__ import annotations

import pytest
import yaml

from helpers import REPO, cli, commit_all, git_env, run, template_repo, uv_bin

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def release_b(repo, tag: str) -> None:
    """Template version B: a changed line in params.yaml and a new file."""
    edit(repo / "template" / "params.yaml.jinja", "# Every setting of training in one place.",
         "# Every setting of training in one place (template B).")
    (repo / "template" / "CHANGELOG.md").write_text("# Changelog\n\n- Template B.\n")
    commit_all(repo, f"Template {tag}")
    run(["git", "tag", tag], cwd=repo)


def user_edit(project) -> None:
    """The user's own change, far from B's in the same file, committed."""
    edit(project / "params.yaml", "l2_regularization: 1.0", "l2_regularization: 0.5")
    run(["git", "add", "-A"], cwd=project)
    run(["git", "-c", "user.name=Asha", "-c", "user.email=a@example.in", "commit", "-q",
         "--no-gpg-sign", "-m", "Tune regularisation"], cwd=project)


def assert_merged(project, tag: str) -> None:
    params = (project / "params.yaml").read_text()
    assert "l2_regularization: 0.5" in params, "the user's edit was lost"
    assert "(template B)" in params, "B's change is missing"
    assert (project / "CHANGELOG.md").read_text().startswith("# Changelog")
    assert "<<<<<<<" not in params
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert saved["_commit"] == tag
    assert saved["project_name"] == "Fraud Radar"  # answers kept


def test_update_from_a_tagged_template_repo_keeps_the_users_edit(tmp_path):
    env = git_env(tmp_path / "home")
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    project = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", "--template", repo,
                 "--set", "project_name=Fraud Radar", project, env_extra=env)
    assert result.returncode == 0, result.stderr
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (saved["_src_path"], saved["_commit"]) == (str(repo), "v1.0.0")

    user_edit(project)
    release_b(repo, "v1.1.0")
    result = cli("update", project, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "from template version v1.0.0 to v1.1.0" in result.stdout
    assert_merged(project, "v1.1.0")

    run(["git", "add", "-A"], cwd=project)
    run(["git", "-c", "user.name=A", "-c", "user.email=a@b.co", "commit", "-qm", "Update"],
        cwd=project)
    again = cli("update", project, env_extra=env)
    assert again.returncode == 0, again.stderr
    assert "Already up to date" in again.stdout


def test_an_update_that_adds_a_library_updates_uv_lock_and_keeps_the_other_pins(tmp_path):
    env = git_env(tmp_path / "home")
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    project = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", "--template", repo, project, env_extra=env)
    assert result.returncode == 0, result.stderr

    def pins() -> dict[str, str]:
        lock = tomllib.loads((project / "uv.lock").read_text())
        return {p["name"]: p.get("version", "") for p in lock["package"]}

    before = pins()
    edit(repo / "template" / "pyproject.toml.jinja", '    "skops>=0.13",\n',
         '    "skops>=0.13",\n    "tabulate>=0.9",\n')
    commit_all(repo, "Template v1.1.0")
    run(["git", "tag", "v1.1.0"], cwd=repo)
    result = cli("update", project, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "uv.lock updated to follow pyproject.toml" in result.stdout
    after = pins()
    assert "tabulate" in after and "tabulate" not in before
    assert {k: v for k, v in after.items() if k != "tabulate"} == before
    run([uv_bin(), "lock", "--check", "--offline"], cwd=project)


@pytest.mark.slow
def test_a_wheel_made_project_updates_from_a_local_clone_of_the_template(installed_cli,
                                                                         tmp_path):
    # The wheel has no git history: it records the template's URL and release tag;
    # `--template` points update at a clone (here: a local repo standing in for GitHub).
    from generator import TEMPLATE_URL, __version__

    env = {**__import__("os").environ, **git_env(tmp_path / "home")}
    project = tmp_path / "proj"
    run([installed_cli, "new", "--defaults", "--no-push", "--set", "project_name=Fraud Radar",
         project], env=env)
    saved = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (saved["_src_path"], saved["_commit"]) == (TEMPLATE_URL, f"v{__version__}")

    repo = template_repo(tmp_path / "clone", f"v{__version__}")
    user_edit(project)
    release_b(repo, "v99.0.0")
    result = run([installed_cli, "update", "--template", repo, project], env=env)
    assert "Recorded" in result.stdout
    assert_merged(project, "v99.0.0")
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_src_path"] == str(repo)


def test_update_refuses_a_directory_that_is_not_a_generated_project(tmp_path):
    result = cli("update", tmp_path)
    assert result.returncode == 2
    assert "is not a project made by mlops-portfolio" in result.stderr


def test_update_refuses_uncommitted_changes(tmp_path):
    project = tmp_path / "proj"
    assert cli("new", "--defaults", "--no-push", project,
               env_extra=git_env(tmp_path / "home")).returncode == 0
    (project / "README.md").write_text("my draft\n")
    result = cli("update", project)
    assert result.returncode == 2
    assert "has uncommitted changes (README.md)" in result.stderr
    assert (project / "README.md").read_text() == "my draft\n"

    # Committed, but the recorded template is gone (or the network is): say what to do.
    commit_all(project, "My draft")
    head = run(["git", "rev-parse", "HEAD"], cwd=project).stdout
    result = cli("update", project, "--template", tmp_path / "moved-away")
    assert result.returncode == 2
    assert "cannot read the template there" in result.stderr
    assert run(["git", "rev-parse", "HEAD"], cwd=project).stdout == head, "nothing recorded"
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace(str(REPO), str(tmp_path / "moved-away")))
    commit_all(project, "Template moved")
    result = cli("update", project)
    assert result.returncode == 2
    assert "cannot read the template at" in result.stderr
    assert "Pass --template with a clone" in result.stderr


def test_update_refuses_a_project_without_git(tmp_path):
    project = tmp_path / "proj"
    assert cli("new", "--defaults", "--no-git", project).returncode == 0
    result = cli("update", project)
    assert result.returncode == 2
    assert "is not a git repository" in result.stderr


def test_an_own_data_project_updates_with_its_profile_and_data_kept(tmp_path):
    """The profile lives in the answers file: update renders the same spec again,
    so the user's correction of it and their data file survive a new version."""
    env = git_env(tmp_path / "home")
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    rows = "\n".join(f"{i % 17},{i % 5},{'ab'[i % 2]},{(i % 17) * 2.5 + i % 5}" for i in range(80))
    data = tmp_path / "shop.csv"
    data.write_text("visits,items,plan,spend\n" + rows + "\n")
    project = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", "--template", repo, "--data", data,
                 "--target", "spend", "--set", "project_name=Fraud Radar", project,
                 env_extra=env)
    assert result.returncode == 0, result.stderr
    spec_file = next((project / "src").glob("*/dataset.yaml"))
    edit(spec_file, "description: ''", "description: Money spent in the visit, in rupees.")
    run(["git", "add", "-A"], cwd=project)
    run(["git", "-c", "user.name=Asha", "-c", "user.email=a@example.in", "commit", "-q",
         "--no-gpg-sign", "-m", "Describe the target"], cwd=project)

    release_b(repo, "v1.1.0")
    result = cli("update", project, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "(template B)" in (project / "params.yaml").read_text()
    spec = yaml.safe_load(spec_file.read_text())
    assert spec["target"]["description"] == "Money spent in the visit, in rupees."
    assert spec["task"] == "regression"
    assert (project / "data" / "shop.csv").read_bytes() == data.read_bytes()
    assert "<<<<<<<" not in spec_file.read_text()


@pytest.mark.parametrize(
    ("assign", "expected"),
    [
        (["nope=1"], "error: --set nope: no such question in copier.yml"),
        (["include_jenkins=maybe"], "error: include_jenkins: "),
        (
            ["cloud_provider=gcp"],  # the recorded region is an AWS one
            "error: cloud_region: must be a Google Cloud region such as us-central1 or "
            "asia-south1 (got 'ap-south-1')",
        ),
        (["stage=nowhere"], "error: stage: "),
    ],
    ids=["unknown-question", "not-a-bool", "region-of-another-cloud", "no-such-stage"],
)
def test_a_changed_answer_that_breaks_a_rule_changes_nothing(tmp_path, assign, expected):
    env = git_env(tmp_path / "home")
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    project = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", "--template", repo, project, env_extra=env)
    assert result.returncode == 0, result.stderr
    before = (project / ".copier-answers.yml").read_text()
    args = [arg for pair in assign for arg in ("--set", pair)]
    result = cli("update", project, *args, env_extra=env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(expected), result.stderr
    assert (project / ".copier-answers.yml").read_text() == before
    assert run(["git", "status", "--porcelain"], cwd=project).stdout == ""


def test_a_changed_answer_is_merged_at_the_same_version(tmp_path):
    env = git_env(tmp_path / "home")
    repo = template_repo(tmp_path / "template-repo", "v1.0.0")
    project = tmp_path / "proj"
    result = cli("new", "--defaults", "--no-push", "--template", repo, project, env_extra=env)
    assert result.returncode == 0, result.stderr
    result = cli("update", project, "--set", "cloud_provider=gcp", "--set",
                 "cloud_region=asia-south1", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "Updated at version v1.0.0 with cloud_provider=gcp, cloud_region=asia-south1" in (
        " ".join(result.stdout.split())
    )
    assert (project / "docs" / "deploy-gcp.md").is_file()
    assert not (project / "docs" / "deploy-aws.md").exists()
