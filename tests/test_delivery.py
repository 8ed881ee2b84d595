"""Delivery files of generated projects: workflows, deploy, Dockerfile, compose, k8s, Jenkins.

Each cloud provider (and `none`) is rendered once per module; the checks run
the same validators a professional reviewer would: actionlint, GitHub's JSON
schemas (check-jsonschema), hadolint and kubernetes-validate, plus the security
rules this project promises (no plaintext secrets, least-privilege permissions,
OIDC only in the deploy job).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from helpers import REPO, generate, project_env, require_tool, run

CLOUDS = ["aws", "gcp", "azure", "none"]
PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13"]

# Current major versions, checked against each action's releases (Nov 2026).
# The uv image the Dockerfile copies uv from: the version copier.yml names.
UV_VERSION = yaml.safe_load((REPO / "copier.yml").read_text())["uv_version"]["default"]
UV_IMAGE = f"ghcr.io/astral-sh/uv:{UV_VERSION}"
ACTION_MAJORS = {
    "actions/checkout": "v7",  # v7.0.0 2026-06-18; v7.0.1 2026-07-20
    "actions/setup-python": "v7",  # v7.0.0 2026-07-20 (drops the pip-install input, unused here)
    "aws-actions/configure-aws-credentials": "v6",
    "aws-actions/amazon-ecs-deploy-express-service": "v1",
    "google-github-actions/auth": "v3",
    "google-github-actions/setup-gcloud": "v3",
    "google-github-actions/deploy-cloudrun": "v3",
    "azure/login": "v3",
    # The documentation site's workflow (docs.yml, option docs_site).
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    # CI keeps the model, the image and a prediction log as artefacts; the
    # deploy, docs and monitor workflows download them (upload v7.0.1 2026-04-10,
    # download v8.0.1 2026-03-11; checked 2026-12-03 on their release notes).
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    # setup-uv publishes no moving major tag since v8: a full version (its README, v10.0.1).
    "astral-sh/setup-uv": "v10.0.1",
}

# The only write scopes a job may hold, by workflow and job. id-token (OIDC)
# is for deploy jobs alone: the cloud deploy, and GitHub Pages, whose deploy
# action authenticates with OIDC too.
WRITE_SCOPES = {
    ("deploy.yml", "deploy"): {"id-token"},
    ("docs.yml", "deploy"): {"id-token", "pages"},
    # Opens the drift issue; signs in to the cloud as a read-only log reader.
    ("monitor.yml", "drift"): {"issues", "id-token"},
}

# Variables each deploy workflow needs before it deploys.
DEPLOY_VARIABLES = {
    "aws": ["AWS_REGION", "AWS_ROLE_ARN", "ECR_REPOSITORY", "ECS_EXECUTION_ROLE_ARN",
            "ECS_INFRASTRUCTURE_ROLE_ARN"],
    "gcp": ["GCP_PROJECT_ID", "GCP_REGION", "GCP_WORKLOAD_IDENTITY_PROVIDER",
            "GCP_SERVICE_ACCOUNT", "GAR_REPOSITORY"],
    "azure": ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID",
              "AZURE_RESOURCE_GROUP", "ACR_NAME", "CONTAINER_APP_NAME"],
}


# Variables the drift monitor needs to read the deployed service's logs.
MONITOR_VARIABLES = {
    "aws": ["AWS_MONITOR_ROLE_ARN", "AWS_LOG_GROUP"],
    "gcp": ["GCP_MONITOR_SERVICE_ACCOUNT"],
    "azure": ["AZURE_MONITOR_CLIENT_ID", "AZURE_LOG_WORKSPACE_ID"],
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """One project per cloud, in a git repository (actionlint needs one).

    Kubernetes and Jenkins are switched on for the cloud projects and left at
    their default (off) for `none`.
    """
    base = tmp_path_factory.mktemp("delivery")
    made = {}
    for cloud in CLOUDS:
        extras = {} if cloud == "none" else {"include_kubernetes": "true",
                                             "include_jenkins": "true"}
        made[cloud] = generate(base / cloud, git=True, cloud_provider=cloud, **extras)
    return made


def workflows(project: Path) -> dict[str, dict]:
    return {
        path.name: yaml.safe_load(path.read_text())
        for path in sorted((project / ".github" / "workflows").glob("*.yml"))
    }


def triggers(workflow: dict) -> dict:
    # PyYAML reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


# ------------------------------------------------------------------ linters
@pytest.mark.parametrize("cloud", CLOUDS)
def test_workflows_pass_actionlint(projects, cloud):
    actionlint = require_tool("actionlint")
    run([actionlint], cwd=projects[cloud])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_workflows_match_github_schema(projects, cloud):
    checker = require_tool("check-jsonschema")
    files = sorted((projects[cloud] / ".github" / "workflows").glob("*.yml"))
    assert files
    run([checker, "--builtin-schema", "vendor.github-workflows", *files])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_dependabot_matches_schema_and_covers_uv_actions_docker(projects, cloud):
    checker = require_tool("check-jsonschema")
    path = projects[cloud] / ".github" / "dependabot.yml"
    run([checker, "--builtin-schema", "vendor.dependabot", path])
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(path.read_text())["updates"]}
    assert ecosystems == {"uv", "github-actions", "docker"}


def test_hadolint_is_clean_and_every_ignore_is_explained(projects):
    hadolint = require_tool("hadolint")
    dockerfile = projects["aws"] / "Dockerfile"
    run([hadolint, "--failure-threshold", "info", dockerfile])
    lines = dockerfile.read_text().splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore" in line:
            before = lines[number - 1].strip() if number else ""
            assert before.startswith("#") and "hadolint" not in before, (
                f"line {number + 1}: a hadolint ignore needs a comment above saying why"
            )


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_kubernetes_manifests_validate(projects, cloud):
    validator = require_tool("kubernetes-validate")
    manifests = sorted((projects[cloud] / "k8s").glob("*.yaml"))
    assert [m.name for m in manifests] == ["deployment.yaml", "hpa.yaml", "service.yaml"]
    run([validator, "--strict", *manifests])


# ------------------------------------------------------------------ Dockerfile
@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_base_image_is_slim_pinned_and_matches_python_version(tmp_path, version):
    project = generate(tmp_path / "proj", python_version=version)
    bases = re.findall(r"^FROM\s+(\S+)", (project / "Dockerfile").read_text(), re.M)
    # uv's image (only mounted, for the commands that need uv), the dependency
    # stage, the training stage, the model CI trained (an empty image plus the
    # model), the stage MODEL_FROM picks, and the runtime, which starts from deps.
    # Python minor and Debian release pinned; never `latest` or a bare `slim`.
    assert bases == [UV_IMAGE, f"python:{version}-slim-trixie", "deps", "scratch",
                     "${MODEL_FROM}", "deps"], bases
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert ci["env"]["PYTHON_VERSION"] == version


def test_final_stage_is_non_root_with_healthcheck_and_port(projects):
    text = (projects["aws"] / "Dockerfile").read_text()
    runtime = text[text.index("AS runtime"):]
    assert "USER 10001" in runtime
    assert "HEALTHCHECK" in runtime and "/health" in runtime
    assert "PORT=8080" in runtime
    # On top of the libraries' layer of "deps", only the gunicorn settings, the
    # model and the package come in, least often changed first (a code change
    # reuses the libraries' and the model's layers); no tests, no docs, no uv.
    assert runtime.startswith("AS runtime\n") and "\nFROM deps AS runtime\n" in text
    package = next((projects["aws"] / "src").iterdir()).name
    copies = re.findall(r"^COPY .*$", runtime, re.M)
    assert copies == [
        "COPY gunicorn.conf.py ./",
        "COPY --from=model /app/models ./models",
        f"COPY src/{package} /opt/app/{package}",
    ]
    assert "PYTHONPATH=/opt/app" in runtime
    assert "COPY --from=uv" not in text
    ignored = (projects["aws"] / ".dockerignore").read_text().split()
    for path in ["tests", ".git", ".venv", "models", "k8s", ".env"]:
        assert path in ignored


def test_compose_runs_the_image_locally_with_make_up_and_down(projects):
    project = projects["aws"]
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    api = compose["services"]["api"]
    assert api["build"] == "."
    assert api["ports"] == ["127.0.0.1:${PORT:-8080}:8080"]
    makefile = (project / "Makefile").read_text()
    assert "\nCOMPOSE ?= docker compose\n" in makefile
    up = r"^up:.*\n\tPORT=\$\(PORT\) \$\(COMPOSE\) up --build --detach$"
    assert re.search(up, makefile, re.M)
    assert re.search(r"^down:.*\n\t\$\(COMPOSE\) down$", makefile, re.M)


@pytest.mark.slow
@pytest.mark.container
def test_make_up_drives_a_real_compose(tmp_path):
    """`make up` through a real compose implementation, in dry-run mode (no image build)."""
    docker = require_tool("docker")
    require_tool("make")
    project = generate(tmp_path / "composed")
    env = {**os.environ, "PATH": f"{os.path.dirname(docker)}:{os.environ['PATH']}"}
    try:
        result = run(["make", "up", "PORT=18123", "COMPOSE=docker compose --dry-run"],
                     cwd=project, env=env, timeout=600)
    finally:
        # The dry run still creates the project's volume and network: remove them.
        run([docker, "volume", "rm", "composed_logs"], check=False)
        run([docker, "network", "rm", "composed_default"], check=False)
    out = result.stdout + result.stderr
    assert "build -t customer-churn-predictor:latest" in out
    (run_line,) = [line for line in out.splitlines() if " run --name=" in line]
    assert "-p 127.0.0.1:18123:8080" in run_line
    assert "composed_logs:/app/logs" in run_line
    assert run_line.rstrip().endswith("customer-churn-predictor:latest")


# ------------------------------------------------------------------ security
SECRET_PATTERNS = [
    re.compile(r"AKIA[0-9A-Z]{16}"),  # AWS access key id
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\"type\":\s*\"service_account\""),  # GCP JSON key
    re.compile(r"gh[pousr]_[A-Za-z0-9]{30,}"),  # GitHub tokens
]
SECRET_KEYS = re.compile(
    r"(password|passwd|secret|token|api[-_]?key|access[-_]?key|credentials?|creds)$", re.I
)
EXPRESSION = re.compile(r"^\$\{\{\s*(vars|secrets|steps|env|needs|github)\.[\w.-]+\s*\}\}$")


def plaintext_secrets(text: str) -> list[str]:
    """Every literal credential in a workflow's text (empty when there is none)."""
    found = [p.pattern for p in SECRET_PATTERNS if p.search(text)]

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{path}.{key}"
                if key == "permissions":
                    continue  # scopes such as `id-token: write`, not credentials
                if (isinstance(key, str) and SECRET_KEYS.search(key)
                        and isinstance(value, str | int) and not isinstance(value, bool)
                        and str(value).strip()
                        and not EXPRESSION.match(str(value).strip())):
                    found.append(f"{here}: literal value")
                walk(value, here)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(yaml.safe_load(text), "")
    return found


def test_the_secret_check_catches_a_planted_secret():
    planted = (
        "jobs:\n  x:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v6\n"
        "        with:\n          aws-access-key: AKIAABCDEFGHIJKLMNOP\n"
        "          client-secret: hunter2\n"
    )
    found = plaintext_secrets(planted)
    assert any("AKIA" in f for f in found)
    assert any("client-secret" in f for f in found)
    assert plaintext_secrets(
        "jobs:\n  x:\n    permissions:\n      id-token: write\n"
        "    env:\n      TOKEN: ${{ vars.TOKEN }}\n"
    ) == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_workflows_have_no_secret_and_least_privilege(projects, cloud):
    for name, workflow in workflows(projects[cloud]).items():
        text = (projects[cloud] / ".github" / "workflows" / name).read_text()
        assert plaintext_secrets(text) == [], name
        # OIDC only: no workflow reads a stored secret at all.
        assert "secrets." not in text, name
        # Nothing is written by default; each job asks for what it needs.
        top = workflow["permissions"] or {}
        assert all(level != "write" for level in top.values()), f"{name}: top level {top}"
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_name} sets no permissions"
            granted = job["permissions"] or {}
            writes = {scope for scope, level in granted.items() if level == "write"}
            assert writes <= WRITE_SCOPES.get((name, job_name), set()), (
                f"{name}: {job_name} asks for write access to {sorted(writes)}"
            )
            assert set(granted.values()) <= {"read", "write"}
            if "id-token" in writes:
                # OIDC only where a deploy happens, in a GitHub environment.
                assert "environment" in job, f"{name}: {job_name}"
    ci = workflows(projects[cloud])["ci.yml"]
    assert all("id-token" not in (job["permissions"] or {}) for job in ci["jobs"].values())
    if cloud != "none":
        deploy = workflows(projects[cloud])["deploy.yml"]
        assert deploy["permissions"] == {}
        assert deploy["jobs"]["deploy"]["permissions"] == {
            "contents": "read", "actions": "read", "deployments": "read", "id-token": "write"}
        assert deploy["jobs"]["check-setup"]["permissions"] == {"actions": "read"}
        # The log reader's OIDC token names its own environment, never production's.
        drift = workflows(projects[cloud])["monitor.yml"]["jobs"]["drift"]
        assert drift["environment"] == "monitoring"
    else:
        assert "id-token" not in workflows(projects[cloud])["monitor.yml"]["jobs"]["drift"][
            "permissions"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_actions_use_their_current_major_versions(projects, cloud):
    for name in workflows(projects[cloud]):
        text = (projects[cloud] / ".github" / "workflows" / name).read_text()
        for action, version in re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@(\S+)", text):
            assert action in ACTION_MAJORS, f"{name}: {action} is not a checked action"
            assert version == ACTION_MAJORS[action], f"{name}: {action}@{version}"


# ------------------------------------------------------------------ CI
@pytest.mark.parametrize("cloud", ["aws", "none"])
def test_every_ci_step_is_a_make_task_or_a_setup_action(projects, cloud):
    project = projects[cloud]
    ci = workflows(project)["ci.yml"]
    makefile = (project / "Makefile").read_text()
    assert ci["concurrency"]["cancel-in-progress"] is True
    assert set(ci["jobs"]) == {"lint", "test", "container"}
    called = []
    for job in ci["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in {
                    "actions/checkout", "actions/setup-python", "astral-sh/setup-uv",
                    "actions/upload-artifact", "actions/download-artifact"}
                if step["uses"].startswith("astral-sh/setup-uv"):
                    # uv's downloads are cached until the lock changes
                    cached = {"enable-cache": True, "cache-dependency-glob": "uv.lock"}
                    assert step["with"] == cached
            else:
                match = re.fullmatch(r"make ([\w-]+)( [A-Z_]+=\S+)*", step["run"].strip())
                assert match, step["run"]
                called.append(match.group(1))
    expected = ["setup", "lint", "setup", "train", "test", "traffic-log",
                "docker-build", "docker-smoke"]
    # Only a project that deploys keeps the tested image for its deploy.
    assert called == expected + (["docker-save"] if cloud != "none" else [])
    for target in called:
        assert re.search(rf"^{target}:", makefile, re.M), target


# ------------------------------------------------------------------ deploy
def test_no_deploy_workflow_or_docs_without_a_cloud(projects):
    project = projects["none"]
    assert not (project / ".github" / "workflows" / "deploy.yml").exists()
    assert list((project / "docs").glob("deploy-*.md")) == []
    # Options default to off.
    assert not (project / "k8s").exists()
    assert not (project / "Jenkinsfile").exists()
    assert not (project / "docs" / "kubernetes.md").exists()


def run_setup_check(script: str, env: dict[str, str], tmp_path: Path) -> tuple[str, str]:
    """Run the deploy workflow's variable check as GitHub would; return (output, stdout)."""
    output = tmp_path / "output"
    summary = tmp_path / "summary"
    output.write_text("")
    full_env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary), **env}
    result = subprocess.run(["bash", "-e", "-c", script], env=full_env, capture_output=True,
                            text=True, timeout=30, check=True)
    return output.read_text(), result.stdout


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_deploy_skips_with_a_notice_until_variables_are_set(projects, cloud, tmp_path):
    project = projects[cloud]
    deploy = workflows(project)["deploy.yml"]
    assert deploy["concurrency"]["cancel-in-progress"] is False

    check_job = deploy["jobs"]["check-setup"]
    (step,) = [s for s in check_job["steps"] if s.get("id") == "check"]
    names = DEPLOY_VARIABLES[cloud]
    optional = ["AWS_DEPLOY_TARGET", "LAMBDA_ROLE_ARN"] if cloud == "aws" else []
    assert step["env"] == {n: f"${{{{ vars.{n} }}}}" for n in names + optional}

    # Nothing set: a notice naming every missing variable, and no deploy.
    output, stdout = run_setup_check(step["run"], {n: "" for n in names}, tmp_path)
    assert "ready=false" in output
    assert stdout.startswith("::notice title=Deploy skipped::")
    for name in names:
        assert name in stdout
    assert f"docs/deploy-{cloud}.md" in stdout
    # One missing: still skipped, and only that one is named.
    some = {n: "x" for n in names} | {names[-1]: ""}
    output, stdout = run_setup_check(step["run"], some, tmp_path)
    assert "ready=false" in output and names[-1] in stdout and names[0] not in stdout
    # All set: deploy.
    output, stdout = run_setup_check(step["run"], {n: "x" for n in names}, tmp_path)
    assert "ready=true" in output and "::notice" not in stdout

    job = deploy["jobs"]["deploy"]
    assert job["needs"] == "check-setup"
    assert job["if"] == "needs.check-setup.outputs.ready == 'true'"
    assert job["environment"]["name"] == "production"


# ------------------------------------------------------------------ deploy only what CI tested
def steps_named(job: dict) -> dict[str, dict]:
    return {step.get("name", step.get("uses", "")): step for step in job["steps"]}


def make_targets(workflow: dict) -> list[tuple[str, str, str]]:
    """(job, make target, whole command) for every `make` call in a workflow."""
    found = []
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            for target in re.findall(r"(?:^|[;&|]\s*|\bif\s+)make ([\w-]+)([^\n;&|]*)",
                                     step.get("run", ""), re.M):
                found.append((job_name, target[0], target[1].strip()))
    return found


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_deploy_runs_only_after_ci_passed_for_that_commit(projects, cloud):
    deploy = workflows(projects[cloud])["deploy.yml"]
    on = triggers(deploy)
    # No push trigger: the deploy cannot race CI. It starts when CI completes on main.
    assert set(on) == {"workflow_run", "workflow_dispatch"}
    assert on["workflow_run"] == {"workflows": ["CI"], "types": ["completed"],
                                  "branches": ["main"]}
    assert workflows(projects[cloud])["ci.yml"]["name"] == "CI"
    # ... and only a successful CI run of a push; by hand only on main.
    condition = " ".join(deploy["jobs"]["check-setup"]["if"].split())
    assert condition == (
        "(github.event_name == 'workflow_run' && github.event.workflow_run.conclusion == "
        "'success' && github.event.workflow_run.event == 'push') || (github.event_name == "
        "'workflow_dispatch' && github.ref == 'refs/heads/main')"
    )
    job = deploy["jobs"]["deploy"]
    assert job["needs"] == "check-setup"
    steps = steps_named(job)
    # The commit CI tested is checked out, and CI's run is where the model and image come from.
    checkout = steps["actions/checkout@v7"]
    assert checkout["with"]["ref"] == "${{ needs.check-setup.outputs.sha }}"
    downloads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/download-")]
    assert sorted(d["with"]["name"] for d in downloads) == ["image", "model"]
    for download in downloads:
        assert download["with"]["run-id"] == "${{ needs.check-setup.outputs.run-id }}"


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_model_trained_and_image_built_once_per_commit(projects, cloud):
    flows = workflows(projects[cloud])
    calls = {name: make_targets(flow) for name, flow in flows.items()}
    trains = [(name, job) for name, found in calls.items() for job, t, _ in found if t == "train"]
    builds = [(name, job, args) for name, found in calls.items()
              for job, t, args in found if t == "docker-build"]
    assert trains == [("ci.yml", "test")]  # the one training of a commit
    assert builds == [("ci.yml", "container", "MODEL=models")]  # around that model
    ci = flows["ci.yml"]["jobs"]
    upload = [s for s in ci["test"]["steps"] if s.get("uses", "").startswith("actions/upload")
              and s["with"]["name"] == "model"]
    assert upload and upload[0]["with"]["path"] == "models/"
    assert ci["container"]["needs"] == ["lint", "test"]
    download = steps_named(ci["container"])["Get the model the test job trained"]
    assert download["with"] == {"name": "model", "path": "models"}
    # The tested image is saved after its smoke test and shipped from there.
    container = [t for job, t, _ in calls["ci.yml"] if job == "container"]
    assert container == ["docker-build", "docker-smoke", "docker-save"]
    deploy = [t for job, t, _ in calls["deploy.yml"] if job == "deploy"]
    assert deploy == ["setup", "docker-load", "gate", "docker-push", "smoke"]
    # The deploy names the image by the digest the registry answered with.
    job = flows["deploy.yml"]["jobs"]["deploy"]
    push = next(s for s in job["steps"] if s.get("id") == "push")
    assert 'echo "image=$(cat build/pushed-image)" >> "$GITHUB_OUTPUT"' in push["run"]
    deploy_step = next(s for s in job["steps"] if s.get("id") == "deploy")
    assert "${{ steps.push.outputs.image }}" in yaml.safe_dump(deploy_step)
    # The docs site shows CI's model too.
    if "docs.yml" in flows:
        docs_steps = flows["docs.yml"]["jobs"]["build"]["steps"]
        assert any(s.get("uses", "").startswith("actions/download-artifact")
                   and s["with"]["name"] == "model" for s in docs_steps)


def fake_gh(tmp_path: Path, script: str) -> dict[str, str]:
    """A `gh` on PATH that runs `script` (sh), for the workflows' GitHub API calls."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text("#!/bin/sh\n" + script + "\n")
    gh.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def run_step(script: str, env: dict[str, str], tmp_path: Path) -> tuple[int, str, str, str]:
    """Run a workflow step's script as GitHub would: (exit code, outputs, summary, stdout)."""
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.write_text("")
    summary.write_text("")
    full = {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "octo/demo", "GITHUB_SHA": "abc123", **env}
    result = subprocess.run(["bash", "-e", "-c", script], env=full, capture_output=True,
                            text=True, timeout=30, check=False)
    return result.returncode, output.read_text(), summary.read_text(), result.stdout


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_manual_deploy_needs_a_green_ci_run_of_the_commit(projects, cloud, tmp_path):
    job = workflows(projects[cloud])["deploy.yml"]["jobs"]["check-setup"]
    step = next(s for s in job["steps"] if s.get("id") == "ci")
    # Triggered by CI: that run and its commit.
    code, out, _, _ = run_step(step["run"], {"CI_RUN_ID": "42", "CI_SHA": "def456",
                                             "PATH": os.environ["PATH"]}, tmp_path)
    assert code == 0 and "run-id=42" in out and "sha=def456" in out
    # By hand: the newest green CI run of main's head commit ...
    env = fake_gh(tmp_path, 'case "$*" in *"--commit abc123 --status success"*) echo 77;; esac')
    code, out, _, _ = run_step(step["run"], {"CI_RUN_ID": "", "CI_SHA": "", **env}, tmp_path)
    assert code == 0 and "run-id=77" in out and "sha=abc123" in out
    # ... and none: the deploy stops, saying why.
    env = fake_gh(tmp_path, "exit 0")
    code, out, _, stdout = run_step(step["run"], {"CI_RUN_ID": "", "CI_SHA": "", **env}, tmp_path)
    assert code == 1 and "run-id" not in out
    assert "CI has not passed for commit abc123" in stdout


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_champion_is_the_last_successful_deploys_url(projects, cloud, tmp_path):
    job = workflows(projects[cloud])["deploy.yml"]["jobs"]["deploy"]
    step = next(s for s in job["steps"] if s.get("id") == "champion")
    # Deployment 3 is this run's own (in progress), 2 failed, 1 succeeded.
    env = fake_gh(tmp_path, """case "$2" in
  *deployments\\?environment=production*) printf '3\\n2\\n1\\n';;
  */deployments/1/statuses) echo https://old.example.com;;
esac""")
    code, out, _, _ = run_step(step["run"], env, tmp_path)
    assert code == 0 and out.strip() == "url=https://old.example.com"
    # No deployment yet: empty, which the gate reads as the first deploy.
    env = fake_gh(tmp_path, "exit 0")
    code, out, _, _ = run_step(step["run"], env, tmp_path)
    assert code == 0 and out.strip() == "url="
    gate = steps_named(job)["Champion/challenger gate (refuses a worse model)"]
    assert gate["run"] == 'make gate CHAMPION="$CHAMPION" OVERRIDE="$OVERRIDE"'
    assert gate["env"]["OVERRIDE"] == "${{ inputs.override_gate }}"
    inputs = triggers(workflows(projects[cloud])["deploy.yml"])["workflow_dispatch"]["inputs"]
    assert inputs["override_gate"]["type"] == "boolean"
    assert inputs["override_gate"]["default"] is False


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_deploy_writes_the_public_url_to_the_job_summary(projects, cloud, tmp_path):
    job = workflows(projects[cloud])["deploy.yml"]["jobs"]["deploy"]
    verify = next(s for s in job["steps"] if s.get("id") == "verify")
    assert job["environment"]["url"] == "${{ steps.verify.outputs.url }}"
    env = fake_gh(tmp_path, "exit 0")  # `make` is real; smoke against nothing would fail
    script = verify["run"].replace('make smoke URL="$SERVICE_URL"', "true")
    code, out, summary, _ = run_step(
        script, {**env, "SERVICE_URL": "https://demo.example.com"}, tmp_path)
    assert code == 0 and "url=https://demo.example.com" in out
    assert "https://demo.example.com" in summary and "README.md" in summary
    readme = (projects[cloud] / "README.md").read_text()
    assert "Live demo" in readme


def test_aws_deploys_to_lambda_when_asked_and_needs_its_role(projects, tmp_path):
    deploy = workflows(projects["aws"])["deploy.yml"]
    check = next(s for s in deploy["jobs"]["check-setup"]["steps"] if s.get("id") == "check")
    common = {"AWS_REGION": "x", "AWS_ROLE_ARN": "x", "ECR_REPOSITORY": "x"}
    # Lambda: its execution role is needed, the two ECS roles are not.
    output, stdout = run_setup_check(
        check["run"], {**common, "AWS_DEPLOY_TARGET": "lambda", "LAMBDA_ROLE_ARN": ""}, tmp_path
    )
    assert "ready=false" in output and "LAMBDA_ROLE_ARN" in stdout and "ECS_" not in stdout
    output, _ = run_setup_check(
        check["run"], {**common, "AWS_DEPLOY_TARGET": "lambda", "LAMBDA_ROLE_ARN": "x"}, tmp_path
    )
    assert "ready=true" in output
    steps = deploy["jobs"]["deploy"]["steps"]
    ecs = next(s for s in steps if s.get("id") == "deploy")
    lam = next(s for s in steps if s.get("id") == "lambda")
    assert ecs["if"] == "vars.AWS_DEPLOY_TARGET != 'lambda'"
    assert lam["if"] == "vars.AWS_DEPLOY_TARGET == 'lambda'"
    assert lam["env"]["IMAGE"] == "${{ steps.push.outputs.image }}"  # the digest CI's image got
    script = lam["run"]
    package = next((projects["aws"] / "src").iterdir()).name
    # The same image, started by the Lambda runtime loop the project ships.
    assert f'"Command": ["python", "-m", "{package}.serving.lambda_runtime"]' in script
    assert (projects["aws"] / "src" / package / "serving" / "lambda_runtime.py").is_file()
    assert "PREDICTION_LOG=stdout" in script
    # A public function URL needs both permissions since October 2025.
    assert "--action lambda:InvokeFunctionUrl" in script
    assert "--function-url-auth-type NONE" in script
    assert "--action lambda:InvokeFunction " in script and "--invoked-via-function-url" in script
    subprocess.run(["bash", "-n"], input=script, text=True, check=True, timeout=10)
    url = next(s for s in steps if s.get("id") == "url")
    assert "steps.lambda.outputs.url" in url["env"]["ENDPOINT"]
    # Only an AWS project carries the Lambda runtime.
    for cloud in ["gcp", "azure", "none"]:
        assert not list((projects[cloud] / "src").glob("*/serving/lambda_runtime.py"))


def test_scale_to_zero_settings(projects):
    gcp = workflows(projects["gcp"])["deploy.yml"]["jobs"]["deploy"]
    cloud_run = next(s for s in gcp["steps"] if s.get("id") == "deploy")
    assert "--min-instances=0" in cloud_run["with"]["flags"]
    assert cloud_run["with"]["env_vars"] == "PREDICTION_LOG=stdout"
    azure = workflows(projects["azure"])["deploy.yml"]["jobs"]["deploy"]
    container_app = next(s for s in azure["steps"] if s.get("id") == "deploy")
    assert "--min-replicas 0" in container_app["run"]
    assert "--set-env-vars PREDICTION_LOG=stdout" in container_app["run"]


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_deploy_docs_cover_setup_variables_verify_cost_teardown(projects, cloud):
    text = (projects[cloud] / "docs" / f"deploy-{cloud}.md").read_text()
    for heading in ["## One-time setup", "## Deploy and verify", "## What it costs",
                    "## Tear it all down"]:
        assert heading in text, heading
    for name in DEPLOY_VARIABLES[cloud]:
        assert f"gh variable set {name}" in text, name
    # The immutable OIDC subject format of repositories created from mid-2026.
    assert "18 June 2026" in text
    assert "repo:${OWNER}-${OWNER_ID}/${REPO}-${REPO_ID}:environment:production" in text
    # The read-only log reader the drift monitor signs in as, per cloud.
    assert "## Let the drift monitor read the logs (read-only)" in text
    for name in MONITOR_VARIABLES[cloud]:
        assert f"gh variable set {name}" in text, name
    assert ":environment:monitoring" in text
    # The bill at idle and at 10,000 requests a month, dated, from the price page.
    costs = text.split("## What it costs", 1)[1].split("\n## ", 1)[0]
    assert "Checked on 3 December 2026" in costs
    assert re.search(r"^\| Idle: nobody calls it \|.*US\$", costs, re.M)
    assert re.search(r"^\| 10,000 requests \|.*US\$", costs, re.M)
    assert re.search(r"\(https://[\w./-]+pric[\w./-]*\)", costs)
    # Pasteable: every shell block is valid bash.
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        subprocess.run(["bash", "-n"], input=block, text=True, check=True, timeout=10)
    readme = (projects[cloud] / "README.md").read_text()
    assert f"docs/deploy-{cloud}.md" in readme


# ------------------------------------------------------------------ options
def test_kubernetes_deployment_is_probed_limited_and_non_root(projects):
    project = projects["aws"]
    deployment = yaml.safe_load((project / "k8s" / "deployment.yaml").read_text())
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    (container,) = pod["containers"]
    assert container["image"] == "customer-churn-predictor:latest"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert set(container["resources"]) == {"requests", "limits"}
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    hpa = yaml.safe_load((project / "k8s" / "hpa.yaml").read_text())
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    docs = (project / "docs" / "kubernetes.md").read_text()
    assert "kind load docker-image" in docs and "minikube image load" in docs


def test_jenkinsfile_runs_the_same_make_tasks(projects):
    project = projects["aws"]
    jenkinsfile = (project / "Jenkinsfile").read_text()
    makefile = (project / "Makefile").read_text()
    called = re.findall(r"sh 'make ([\w-]+)'", jenkinsfile)
    assert called == ["setup", "lint", "train", "test", "docker-build", "docker-smoke"]
    for target in called:
        assert re.search(rf"^{target}:", makefile, re.M), target


# ------------------------------------------------------------------ docs site
def test_docs_workflow_is_green_with_pages_off(projects, tmp_path):
    docs = workflows(projects["aws"])["docs.yml"]
    assert set(triggers(docs)) == {"workflow_run", "workflow_dispatch"}
    build = docs["jobs"]["build"]
    assert build["if"] == ("github.event_name == 'workflow_dispatch' || "
                           "github.event.workflow_run.conclusion == 'success'")
    deploy = docs["jobs"]["deploy"]
    assert deploy["if"] == "needs.build.outputs.publish == 'true'"
    check = next(s for s in deploy["steps"] if s.get("id") == "pages")
    publish = next(s for s in deploy["steps"] if s.get("id") == "deployment")
    assert publish["if"] == "steps.pages.outputs.enabled == 'true'"
    # Pages off: GitHub answers 404 (gh exits 1); a notice names the setting.
    env = fake_gh(tmp_path, 'echo \'{"message":"Not Found","status":"404"}\' >&2; exit 1')
    code, out, summary, stdout = run_step(check["run"], env, tmp_path)
    assert code == 0 and "enabled=false" in out
    assert stdout.startswith("::notice title=GitHub Pages is off::")
    assert "Settings > Pages > Build and deployment > Source: GitHub Actions" in summary
    # Pages published from a branch: still not this workflow's to deploy.
    env = fake_gh(tmp_path, "echo legacy")
    assert "enabled=false" in run_step(check["run"], env, tmp_path)[1]
    # Pages on for GitHub Actions: publish.
    env = fake_gh(tmp_path, "echo workflow")
    code, out, _, stdout = run_step(check["run"], env, tmp_path)
    assert code == 0 and "enabled=true" in out and "::notice" not in stdout


def test_docs_are_published_from_main_only(projects, tmp_path):
    build = workflows(projects["aws"])["docs.yml"]["jobs"]["build"]
    step = next(s for s in build["steps"] if s.get("id") == "ci")
    base = {"CI_RUN_ID": "5", "CI_SHA": "abc", "PATH": os.environ["PATH"]}
    for event, branch, publish in [("push", "main", "true"), ("pull_request", "main", "false"),
                                   ("push", "feature", "false")]:
        code, out, _, _ = run_step(step["run"], {**base, "CI_EVENT": event,
                                                 "CI_BRANCH": branch}, tmp_path)
        assert code == 0 and f"publish={publish}" in out, (event, branch)


# ------------------------------------------------------------------ monitor
CLOUD_LOG_SEARCH = {
    "aws": "aws logs filter-log-events",
    "gcp": "gcloud logging read",
    "azure": "az monitor log-analytics query",
}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_monitor_reads_the_clouds_logs_or_the_ci_artifact(projects, cloud):
    flows = workflows(projects[cloud])
    drift = flows["monitor.yml"]["jobs"]["drift"]
    runs = "\n".join(step.get("run", "") for step in drift["steps"])
    # Nothing is retrained: the reference statistics come with CI's model.
    assert "make train" not in runs and "--name model --dir models" in runs
    # The artefact path is really fed: CI's test job uploads the prediction log.
    test_job = flows["ci.yml"]["jobs"]["test"]
    uploads = [s["with"] for s in test_job["steps"]
               if s.get("uses", "").startswith("actions/upload-artifact")]
    assert {"name": "prediction-log", "path": "logs/predictions.jsonl",
            "if-no-files-found": "error", "retention-days": 30} in uploads
    assert flows["monitor.yml"]["env"]["LOG_ARTIFACT"] == "prediction-log"
    if cloud == "none":
        assert not any(word in runs for word in CLOUD_LOG_SEARCH.values())
        return
    source = next(s for s in drift["steps"] if s.get("id") == "source")
    assert all(value.startswith("${{ vars.") for value in source["env"].values())
    read = [s for s in drift["steps"] if CLOUD_LOG_SEARCH[cloud] in s.get("run", "")]
    assert len(read) == 1 and read[0]["if"] == "steps.source.outputs.cloud == 'true'"
    assert "> build/cloud-logs.json" in read[0]["run"]
    assert f"make cloud-logs CLOUD={cloud} CLOUD_LOGS=build/cloud-logs.json" in runs
    artifact = next(s for s in drift["steps"]
                    if s.get("name") == "Download the newest prediction log artefact")
    assert artifact["if"] == "steps.source.outputs.cloud != 'true'"


# ------------------------------------------------------------------ the tested image, by digest
FAKE_DOCKER = """#!/bin/sh
# Records each call; answers like docker for the calls the Makefile makes.
echo "$*" >> "$DOCKER_CALLS"
case "$1 $2" in
  "images --quiet") cat "$IMAGE_ID_FILE";;
  "image inspect") printf '[{"Id": "sha256:1d", "RepoDigests": ["other.example/x@sha256:0ff", '
    printf '"%s@sha256:d16e57"]}]' "${3%:*}";;
  "save -o") : > "$3";;
esac
"""


@pytest.fixture()
def fake_docker(tmp_path) -> dict[str, str]:
    bin_dir = tmp_path / "docker-bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    (tmp_path / "id").write_text("sha256:1d\n")
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "DOCKER_CALLS": str(tmp_path / "calls"), "IMAGE_ID_FILE": str(tmp_path / "id")}


def test_docker_push_writes_the_digest_reference_of_the_pushed_repository(
        projects, fake_docker, tmp_path):
    require_tool("make")
    pushed = tmp_path / "pushed-image"
    target = "registry.example:5000/team/app:abc123"
    run(["make", "docker-push", f"PUSH_TO={target}", f"PUSHED={pushed}"],
        cwd=projects["aws"], env=fake_docker)
    assert pushed.read_text().strip() == "registry.example:5000/team/app@sha256:d16e57"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[:2] == [f"tag customer-churn-predictor:latest {target}", f"push {target}"]


def test_docker_load_refuses_an_image_that_is_not_the_tested_one(projects, fake_docker, tmp_path):
    require_tool("make")
    archive = tmp_path / "build" / "image.tar"
    run(["make", "docker-save", f"IMAGE_ARCHIVE={archive}"], cwd=projects["aws"], env=fake_docker)
    assert Path(f"{archive}.id").read_text().strip() == "sha256:1d"
    run(["make", "docker-load", f"IMAGE_ARCHIVE={archive}"], cwd=projects["aws"], env=fake_docker)
    # Another image under the same name: the deploy stops.
    (tmp_path / "id").write_text("sha256:bad\n")
    result = run(["make", "docker-load", f"IMAGE_ARCHIVE={archive}"], cwd=projects["aws"],
                 env=fake_docker, check=False)
    assert result.returncode != 0
    assert "not the tested image sha256:1d" in result.stderr


@pytest.mark.slow
@pytest.mark.container
def test_the_image_serves_the_model_ci_trained_and_loads_back_by_id(tmp_path, envs_dir):
    """A real build with MODEL=models: no training in the build, the very model, the same ID."""
    docker = require_tool("docker")
    require_tool("make")
    project = generate(tmp_path / "proj")
    venv = f"VENV={project_env(project, envs_dir)}"
    env = {**os.environ, "PATH": f"{os.path.dirname(docker)}:{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    run(["make", "train", venv], cwd=project, env=env)  # what CI's test job does
    trained = json.loads((project / "models" / "metadata.json").read_text())["model_version"]
    image = f"mlops-portfolio-ci-model-{uuid.uuid4().hex[:8]}"
    archive = tmp_path / "build" / "image.tar"
    try:
        built = run(["make", "docker-build", "MODEL=models", f"IMAGE={image}"], cwd=project,
                    env=env, timeout=1500)
        assert " train --output-dir" not in built.stdout + built.stderr  # the stage never ran
        served = run([docker, "run", "--rm", image, "python", "-c",
                      "import json; print(json.load(open('/app/models/metadata.json'))"
                      "['model_version'])"]).stdout.strip()
        assert served == trained
        run(["make", "docker-save", f"IMAGE={image}", f"IMAGE_ARCHIVE={archive}"], cwd=project,
            env=env, timeout=600)
        run([docker, "rmi", image])
        run(["make", "docker-load", f"IMAGE={image}", f"IMAGE_ARCHIVE={archive}"], cwd=project,
            env=env, timeout=600)
    finally:
        run([docker, "rmi", "-f", image], check=False)
