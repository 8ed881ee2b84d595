"""Delivery files of generated projects: workflows, deploy, Dockerfile, compose, k8s, Jenkins.

Each cloud provider (and `none`) is rendered once per module; the checks run
the same validators a professional reviewer would: actionlint, GitHub's JSON
schemas (check-jsonschema), hadolint and kubernetes-validate, plus the security
rules this project promises (no plaintext secrets, least-privilege permissions,
OIDC only in the deploy job).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import REPO, generate, require_tool, run

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
    # The drift monitor's workflow (monitor.yml) keeps its report as an artefact.
    "actions/upload-artifact": "v7",
    # setup-uv publishes no moving major tag since v8: a full version (its README, v10.0.1).
    "astral-sh/setup-uv": "v10.0.1",
}

# The only write scopes a job may hold, by workflow and job. id-token (OIDC)
# is for deploy jobs alone: the cloud deploy, and GitHub Pages, whose deploy
# action authenticates with OIDC too.
WRITE_SCOPES = {
    ("deploy.yml", "deploy"): {"id-token"},
    ("docs.yml", "deploy"): {"id-token", "pages"},
    ("monitor.yml", "drift"): {"issues"},  # opens the drift issue
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
    # stage, then the training stage and the runtime, which both start from it.
    # Python minor and Debian release pinned; never `latest` or a bare `slim`.
    assert bases == [UV_IMAGE, f"python:{version}-slim-trixie", "deps", "deps"], bases
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
        "COPY --from=train /app/models ./models",
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
        assert deploy["jobs"]["deploy"]["permissions"] == {"contents": "read",
                                                          "id-token": "write"}
        assert deploy["jobs"]["check-setup"]["permissions"] == {}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_actions_use_their_current_major_versions(projects, cloud):
    for name in workflows(projects[cloud]):
        text = (projects[cloud] / ".github" / "workflows" / name).read_text()
        for action, version in re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@(\S+)", text):
            assert action in ACTION_MAJORS, f"{name}: {action} is not a checked action"
            assert version == ACTION_MAJORS[action], f"{name}: {action}@{version}"


# ------------------------------------------------------------------ CI
def test_every_ci_step_is_a_make_task_or_a_setup_action(projects):
    project = projects["aws"]
    ci = workflows(project)["ci.yml"]
    makefile = (project / "Makefile").read_text()
    assert ci["concurrency"]["cancel-in-progress"] is True
    assert set(ci["jobs"]) == {"lint", "test", "container"}
    called = []
    for job in ci["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in {
                    "actions/checkout", "actions/setup-python", "astral-sh/setup-uv"}
                if step["uses"].startswith("astral-sh/setup-uv"):
                    # uv's downloads are cached until the lock changes
                    cached = {"enable-cache": True, "cache-dependency-glob": "uv.lock"}
                    assert step["with"] == cached
            else:
                match = re.fullmatch(r"make ([\w-]+)", step["run"].strip())
                assert match, step["run"]
                called.append(match.group(1))
    assert called == ["setup", "lint", "setup", "train", "test", "docker-build", "docker-smoke"]
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
    on = triggers(deploy)
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    assert deploy["concurrency"]["cancel-in-progress"] is False

    check_job = deploy["jobs"]["check-setup"]
    (step,) = [s for s in check_job["steps"] if s.get("id") == "check"]
    names = DEPLOY_VARIABLES[cloud]
    assert step["env"] == {n: f"${{{{ vars.{n} }}}}" for n in names}

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
    # The image is smoke-tested before it is pushed, and the service after it is deployed.
    runs = [s["run"].strip() for s in job["steps"] if "run" in s]
    make_calls = [r for r in runs if r.startswith("make ")]
    assert make_calls[:3] == ["make docker-build", "make docker-smoke", "make docker-push"]
    assert any("make smoke URL=" in r for r in runs)


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
