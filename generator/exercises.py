"""`mlops-portfolio check`: which roadmap exercises a project's own work passes.

An exercise is done in the learner's repository, and checked from its files
and its git history. What the template wrote (the first commit, and the
commits of `grow` and `update`) is the baseline every check compares with, so
an untouched project passes none, and nothing a template could ship passes
one. The checks read files only: they never import or run the project's code
(a teacher runs them on students' repositories).

Each exercise is one `Exercise`: its stage, what to do, and the check, which
returns None when the work is done, else one hint saying what is missing.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import keyword
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.answers import ANSWERS_FILE
from generator.errors import AnswerError

# The roadmap's stages, in the order a learner meets them.
STAGES = {
    "pipeline": "Python and software engineering: the training pipeline and its tests",
    "ci": "Git and CI: the workflow every push runs",
    "api": "The API: Flask and gunicorn",
    "docker": "Docker: the image",
    "monitoring": "Monitoring: drift in the logged requests",
    "extras": "Extras: Kubernetes, Jenkins, MLflow, DVC, docs site",
}
BAD_REQUEST_CODES = ("400", "404", "405", "408", "413", "414", "415", "422", "431")
NOTES = "docs/my-notes.md"
LATER_STAGE = "a later stage: `mlops-portfolio grow` adds it"


class Project:
    """A generated project: its answers, its files now, and its files at the first commit."""

    def __init__(self, root: Path):
        from generator.answers import read_project_answers, without_bookkeeping

        answers = without_bookkeeping(read_project_answers(root))
        if not answers:
            raise AnswerError(
                [f"{root}: not a project made by mlops-portfolio (no .copier-answers.yml)"]
            )
        self.root = root
        self.answers: dict[str, Any] = answers
        self.package: str = answers["package_name"]
        self.base = self._first_commit()
        # The commits that wrote template files: the first one, and each `grow`
        # or `update` (they change the answers file). A file's baseline is its
        # text in the first of them that has it.
        logged = self._git("log", "--reverse", "--format=%H", "--", ANSWERS_FILE).stdout.split()
        self.template_commits = [self.base] + [c for c in logged if c != self.base]

    def _first_commit(self) -> str:
        found = self._git("rev-list", "--max-parents=0", "HEAD")
        if found.returncode != 0 or not found.stdout.split():
            raise AnswerError(
                [
                    f"{self.root}: has no git history; the exercises compare your work with "
                    "the project's first commit (what `mlops-portfolio new` wrote)"
                ]
            )
        return found.stdout.split()[-1]  # the oldest root, should histories have been merged

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, timeout=60
        )

    def now(self, relpath: str) -> str | None:
        """The file's text in the working tree (saved, not necessarily committed)."""
        path = self.root / relpath
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def before(self, relpath: str) -> str | None:
        """The file as the template wrote it: its text in the first commit that had it,
        of the project's first commit and its `grow`/`update` commits; None for the
        learner's own files."""
        for commit in self.template_commits:
            shown = self._git("show", f"{commit}:{relpath}")
            if shown.returncode == 0:
                return shown.stdout
        return None

    def test_files(self) -> list[str]:
        tests = self.root / "tests"
        return sorted(str(p.relative_to(self.root)) for p in tests.rglob("test_*.py"))


# -- what the checks share -------------------------------------------------------------
def added_lines(before: str | None, now: str | None) -> list[str]:
    """Lines of `now` that `before` does not have, without blank lines and comments."""
    diff = difflib.ndiff((before or "").splitlines(), (now or "").splitlines())
    added = [line[2:] for line in diff if line.startswith("+ ")]
    return [line for line in added if line.strip() and not line.strip().startswith("#")]


def names_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


COMMON_NAMES = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls", "df", "x", "y"}


def test_functions(source: str | None) -> dict[str, str]:
    """Test function name -> its source, for a test module's text ({} if it does not parse)."""
    if not source:
        return {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def new_tests(project: Project) -> dict[str, str]:
    """Tests written since the first commit: 'file::name' -> source (changed ones count)."""
    written = {}
    for relpath in project.test_files():
        old = test_functions(project.before(relpath))
        for name, source in test_functions(project.now(relpath)).items():
            if old.get(name) != source:
                written[f"{relpath}::{name}"] = source
    return written


def yaml_of(text: str | None) -> Any:
    import yaml

    if text is None:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


# -- stage: pipeline ---------------------------------------------------------------------
def feature_with_test(project: Project) -> str | None:
    relpath = f"src/{project.package}/training/features.py"
    before = project.before(relpath)
    added = added_lines(before, project.now(relpath))
    if not added:
        return f"{relpath} is as `new` wrote it: add a feature there (a column from others)"
    fresh = names_in("\n".join(added)) - names_in(before or "") - COMMON_NAMES
    if not fresh:
        return f"give the feature a name of its own in {relpath} (a column, function or constant)"
    for source in new_tests(project).values():
        if names_in(source) & fresh:
            return None
    listed = ", ".join(sorted(fresh)[:5])
    return f"write a test in tests/ that proves the feature works: it should use {listed}"


def stricter_gate(project: Project) -> str | None:
    gate_now = (yaml_of(project.now("params.yaml")) or {}).get("quality_gate") or {}
    gate_before = (yaml_of(project.before("params.yaml")) or {}).get("quality_gate") or {}
    if not any(
        _stricter(gate_before.get(metric) or {}, bounds) for metric, bounds in gate_now.items()
    ):
        return (
            "raise a `min` (or lower a `max`) under quality_gate in params.yaml above what "
            "`new` set, then run `make train` and watch the gate stop it"
        )
    import json

    try:
        metadata = json.loads((project.root / "models" / "metadata.json").read_text())
    except (OSError, ValueError):
        return "no trained model: run `make train` until the model passes the stricter gate"
    trained_gate = (metadata.get("params") or {}).get("quality_gate")
    if trained_gate != gate_now:
        return (
            "models/metadata.json was trained with another quality gate: improve the model "
            "(params.yaml's model settings, or features) until `make train` passes the new one"
        )
    return None


def _stricter(before: dict, now: Any) -> bool:
    if not isinstance(now, dict):
        return False
    low, high = now.get("min"), now.get("max")
    raised = isinstance(low, int | float) and low > before.get("min", float("-inf"))
    lowered = isinstance(high, int | float) and high < before.get("max", float("inf"))
    return raised or lowered


# -- stage: ci ---------------------------------------------------------------------------
CI_WORKFLOW = ".github/workflows/ci.yml"


def python_matrix(project: Project) -> str | None:
    workflow = yaml_of(project.now(CI_WORKFLOW))
    jobs = (workflow or {}).get("jobs") if isinstance(workflow, dict) else None
    for job in (jobs or {}).values():
        matrix = ((job or {}).get("strategy") or {}).get("matrix") or {}
        for key, values in matrix.items() if isinstance(matrix, dict) else ():
            versions = values if isinstance(values, list) else []
            used = f"matrix.{key}" in str(job.get("steps")) + str(job.get("runs-on"))
            if "python" in str(key).lower() and len(set(map(str, versions))) >= 2 and used:
                return None
    return (
        f"run the tests on two Python versions in {CI_WORKFLOW}: a `strategy: matrix:` with "
        "a python-version list, used by the setup-python step (${{ matrix.python-version }})"
    )


def own_pre_commit_hook(project: Project) -> str | None:
    def hook_ids(text: str | None) -> set[str]:
        config = yaml_of(text)
        repos = config.get("repos") if isinstance(config, dict) else None
        return {
            str(hook.get("id"))
            for repo in repos or []
            if isinstance(repo, dict)
            for hook in repo.get("hooks") or []
            if isinstance(hook, dict)
        }

    config = ".pre-commit-config.yaml"
    if hook_ids(project.now(config)) - hook_ids(project.before(config)):
        return None
    return (
        f"add a hook to {config} (pre-commit-hooks has more, e.g. check-case-conflict: copy a "
        "local hook), then run `.venv/bin/pre-commit run --all-files`"
    )


# -- stage: api --------------------------------------------------------------------------
_ROUTE = r"""@\w+\.(?:route|get|post|put|patch|delete)\(\s*["']([^"']+)["']"""


def route_with_test(project: Project) -> str | None:
    relpath = f"src/{project.package}/serving/routes.py"
    paths_now = set(re.findall(_ROUTE, project.now(relpath) or ""))
    added = paths_now - set(re.findall(_ROUTE, project.before(relpath) or ""))
    if not added:
        return f"add a route to {relpath} (a new path with a blueprint decorator)"
    listed = ", ".join(sorted(added))
    openapi = project.now(f"src/{project.package}/serving/openapi.py") or ""
    if not all(f'"{path}"' in openapi for path in added):
        return f"describe {listed} in serving/openapi.py: /openapi.json and /docs list every route"
    for source in new_tests(project).values():
        if any(path in source for path in added):
            return None
    return f"write a test that calls {listed} and checks its answer"


def bad_request_test(project: Project) -> str | None:
    for source in new_tests(project).values():
        if "status" in source and any(code in source for code in BAD_REQUEST_CODES):
            return None
    return (
        "write a test for one more bad request (tests/test_api.py shows how) that asserts "
        "its status code (400, 413, 422 ...) and its error message"
    )


# -- stage: docker -----------------------------------------------------------------------
def base_images_pinned(project: Project) -> str | None:
    text = project.now("Dockerfile") or ""
    stages: set[str] = set()
    unpinned = []
    for match in re.finditer(r"^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I):
        image, alias = match.group(1), match.group(2)
        # A stage of this file, `scratch` (no image) or an ARG ($NAME) is not pulled here.
        pulled = image not in stages and image != "scratch" and not image.startswith("$")
        if pulled and not re.search(r"@sha256:[0-9a-f]{64}$", image):
            unpinned.append(image)
        if alias:
            stages.add(alias)
    if text and not unpinned:
        return None
    return (
        f"pin {', '.join(unpinned) or 'the base images'} by digest (image:tag@sha256:...; "
        "`docker buildx imagetools inspect IMAGE` shows it): the same bytes on every build"
    )


def source_label(project: Project) -> str | None:
    url = (
        f"https://github.com/{project.answers['github_username']}/{project.answers['project_slug']}"
    )
    text = project.now("Dockerfile") or ""
    if re.search(r"org\.opencontainers\.image\.source\s*=\s*\"?" + re.escape(url), text):
        return None
    return (
        f'label the image with its source (LABEL org.opencontainers.image.source="{url}"): '
        "GitHub's registry then links the image to your repository"
    )


# -- stage: monitoring -------------------------------------------------------------------
def drift_explained(project: Project) -> str | None:
    import json

    try:
        summary = json.loads((project.root / "reports" / "drift" / "summary.json").read_text())
    except (OSError, ValueError):
        summary = {}
    drifted = summary.get("drifted") or []
    if not summary.get("drift"):
        return (
            "make drift happen: `make serve`, then `make simulate-traffic SHIFT=<column>=0.5std` "
            "and `make monitor` (it writes reports/drift/summary.json)"
        )
    section = _section(project.now(NOTES) or "", "drift")
    before = _section(project.before(NOTES) or "", "drift")
    words = len(re.findall(r"\w+", section)) - len(re.findall(r"\w+", before))
    if words < 40 or not any(column in section for column in drifted):
        return (
            f"explain the report in your own words under a '## Drift' heading in {NOTES} "
            f"(40 words or more, naming the column that drifted: {', '.join(drifted)})"
        )
    return None


def _section(markdown: str, word: str) -> str:
    """The text under the first `##` heading that contains `word`, up to the next heading."""
    match = re.search(rf"^##+[^\n]*{word}[^\n]*\n(.*?)(?=^#|\Z)", markdown, re.I | re.M | re.S)
    return match.group(1) if match else ""


# -- stage: extras -----------------------------------------------------------------------
def disruption_budget(project: Project) -> str | None:
    import yaml

    deployment_labels: dict = {}
    budgets = []
    for path in sorted((project.root / "k8s").glob("*.y*ml")):
        try:
            documents = list(yaml.safe_load_all(path.read_text()))
        except (OSError, yaml.YAMLError):
            continue
        for doc in documents:
            if not isinstance(doc, dict):
                continue
            if doc.get("kind") == "Deployment":
                template = (doc.get("spec") or {}).get("template") or {}
                deployment_labels = (template.get("metadata") or {}).get("labels") or {}
            elif doc.get("kind") == "PodDisruptionBudget":
                budgets.append(doc.get("spec") or {})
    for spec in budgets:
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        limits = "minAvailable" in spec or "maxUnavailable" in spec
        if selector and limits and selector.items() <= deployment_labels.items():
            return None
    return (
        "add a PodDisruptionBudget to k8s/ (minAvailable: 1, selecting the deployment's pod "
        "labels) so a node drain never takes every replica at once"
    )


@dataclass(frozen=True)
class Exercise:
    id: str
    stage: str
    task: str
    check: Callable[[Project], str | None]
    needs: Callable[[dict], bool] = lambda answers: True  # noqa: E731 - for the answers given

    def unavailable(self, answers: dict) -> bool:
        return not self.needs(answers)


EXERCISES = [
    Exercise(
        "feature-with-test",
        "pipeline",
        "Add a feature to training/features.py and a test that proves it",
        feature_with_test,
    ),
    Exercise(
        "stricter-gate",
        "pipeline",
        "Make the quality gate stricter, watch training fail, then improve the model "
        "until it passes",
        stricter_gate,
    ),
    Exercise("python-matrix", "ci", "Run CI's tests on two Python versions", python_matrix),
    Exercise("pre-commit-hook", "ci", "Add a pre-commit hook of your choice", own_pre_commit_hook),
    Exercise(
        "route-with-test", "api", "Add a route to the API and a test that calls it", route_with_test
    ),
    Exercise(
        "bad-request-test",
        "api",
        "Test one more bad request: its status and message",
        bad_request_test,
    ),
    Exercise("pinned-base-images", "docker", "Pin every base image by digest", base_images_pinned),
    Exercise("source-label", "docker", "Label the image with its source repository", source_label),
    Exercise(
        "drift-explained",
        "monitoring",
        "Trigger drift with simulated traffic and explain the report in docs/my-notes.md",
        drift_explained,
    ),
    Exercise(
        "disruption-budget",
        "extras",
        "Keep a replica up during node maintenance: a PodDisruptionBudget",
        disruption_budget,
        needs=lambda answers: bool(answers.get("include_kubernetes")),
    ),
]


@dataclass(frozen=True)
class Outcome:
    exercise: Exercise
    status: str  # "passed", "open" or "not in this project"
    hint: str = ""


# The repository stage (copier.yml: `stage`) whose files each exercise's stage needs.
NEEDS_STAGE = {"extras": "all"}


def check(project: Project) -> list[Outcome]:
    from generator.questions import choice_values

    order = choice_values("stage")  # the stages a project grows through, in order
    reached = order.index(project.answers.get("stage", order[-1]))
    outcomes = []
    for exercise in EXERCISES:
        later = order.index(NEEDS_STAGE.get(exercise.stage, exercise.stage)) > reached
        if later:
            outcomes.append(Outcome(exercise, "not in this project", LATER_STAGE))
            continue
        if exercise.unavailable(project.answers):
            outcomes.append(Outcome(exercise, "not in this project"))
            continue
        hint = exercise.check(project)
        outcomes.append(Outcome(exercise, "open" if hint else "passed", hint or ""))
    return outcomes


def run_check(args) -> int:
    """Print each exercise's outcome (a table, or JSON with --json); exit 1 while one is open."""
    import json

    from rich.console import Console

    from generator.errors import EXIT_EXERCISES_OPEN, EXIT_OK, fail

    try:
        outcomes = check(Project(Path(args.path)))
    except AnswerError as error:
        return fail(Console(stderr=True), error.problems)
    counted = [o for o in outcomes if o.status != "not in this project"]
    passed = sum(o.status == "passed" for o in counted)
    if args.json:
        rows = [
            {
                "id": o.exercise.id,
                "stage": o.exercise.stage,
                "task": o.exercise.task,
                "status": o.status,
                "hint": o.hint,
            }
            for o in outcomes
        ]
        print(json.dumps({"passed": passed, "total": len(counted), "exercises": rows}, indent=2))
    else:
        console = Console(highlight=False)
        console.print(f"[bold]Exercises: {passed} of {len(counted)} passed[/]")
        mark = {"passed": "[green]\\[x][/]", "open": "[red]\\[ ][/]", "not in this project": " - "}
        for stage, title in STAGES.items():
            console.print(f"\n[bold]{stage}[/]: {escape(title)}")
            for o in (o for o in outcomes if o.exercise.stage == stage):
                console.print(f"  {mark[o.status]} {escape(o.exercise.task)}")
                if o.status != "passed":
                    console.print(f"      next: {escape(o.hint or o.status)}", style="dim")
    return EXIT_OK if passed == len(counted) else EXIT_EXERCISES_OPEN


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)
