"""The learning roadmap: rendered per cloud, tied to real files, printed and tracked by the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import roadmap
from helpers import cli

CLOUDS = ["aws", "gcp", "azure", "none"]
# The article's path, in its order (the headings must carry these words),
# with the monitoring stage this project adds after the portfolio project.
ARTICLE_PATH = [
    "Foundations",
    "DevOps and CI/CD",
    "cloud provider and its certification",
    "portfolio project",
    "Monitoring",
    "Document it on GitHub",
    "courses",
]
CERTIFICATIONS = {
    "aws": ["CLF-C02", "AIF-C01", "MLA-C01"],
    "gcp": ["Cloud Digital Leader", "Associate Cloud Engineer",
            "Professional Machine Learning Engineer"],
    "azure": ["AZ-900", "AI-300"],
    "none": ["CLF-C02", "Cloud Digital Leader", "AZ-900"],
}
# Retired or retiring exams that must be named as such, never recommended.
RETIREMENTS = {"aws": ["MLS-C01"], "azure": ["DP-100", "AI-900", "AI-102"],
               "none": ["MLS-C01", "DP-100"]}
# Written by `make train` and the other make tasks, not committed: a mention
# of one is checked by the slow tests that run them (tests/test_docs.py,
# tests/test_doc_commands.py), not by existence here.
TRAINING_OUTPUTS = {
    "models/metadata.json",
    "logs/predictions.jsonl",
    "reports/drift/report.html",
    "dvc.lock",
}
FILE_SUFFIXES = (".py", ".yml", ".yaml", ".json", ".md", ".toml", ".txt", ".cfg", ".conf")
FILE_NAMES = {"Makefile", "Dockerfile", ".dockerignore", ".gitignore", "LICENSE"}

CASES = [*[{"cloud_provider": c} for c in CLOUDS], {"cloud_provider": "aws", "docs_site": "false"}]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """rich wraps at the terminal width: wide enough that a row stays on one line."""
    monkeypatch.setenv("COLUMNS", "300")


def case_id(answers):
    return "-".join(f"{v}" for v in answers.values())


def mentions(markdown: str) -> tuple[set[str], set[str]]:
    """(file paths, make targets) written as code spans in `markdown`."""
    files, targets = set(), set()
    for span in re.findall(r"`([^`\n]+)`", markdown):
        span = span.strip()
        command = re.fullmatch(r"make ([a-z][a-z0-9-]*)(?: .*)?", span)
        if command:
            targets.add(command.group(1))
        elif " " not in span and not span.startswith("/") and (
            span in FILE_NAMES
            or ("/" in span and "." in span.rsplit("/", 1)[-1])
            or span.endswith(FILE_SUFFIXES)
        ):
            files.add(span)
    return files, targets


def make_targets(project: Path) -> set[str]:
    return set(re.findall(r"^([a-zA-Z][\w-]*):", (project / "Makefile").read_text(), re.M))


def sections(markdown: str) -> dict[str, str]:
    """`## ` heading -> the text under it."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture(params=CASES, ids=case_id)
def case(request, generated):
    project = generated(**request.param)
    return request.param, project, (project / "docs" / "roadmap.md").read_text(encoding="utf-8")


def test_mentions_parser_finds_files_and_targets():
    files, targets = mentions(
        "Run `make train`, read `src/pkg/train.py` and `Dockerfile`, call `/health`, "
        "use `grep -rn`, see `.github/workflows/ci.yml`, `make docker-run` and `PORT`."
    )
    assert files == {"src/pkg/train.py", "Dockerfile", ".github/workflows/ci.yml"}
    assert targets == {"train", "docker-run"}


def test_every_stage_of_the_article_is_there_in_order(case):
    _, _, text = case
    headings = [h for h in sections(text) if re.match(r"\d\. ", h)]
    assert len(headings) == len(ARTICLE_PATH)
    for heading, words in zip(headings, ARTICLE_PATH, strict=True):
        assert words in heading
    for heading in headings:
        body = sections(text)[heading]
        for part in ("**Goal:**", "**Time:** about", "**Why it matters for the job:**",
                     "**Checklist:**", "**Hands-on, in this repository:**", "**Resources**"):
            assert part in body, (heading, part)
        assert re.search(r"^- \[ \] ", body, re.M), heading
        assert re.search(r"\]\(https://", body), heading


def test_certification_path_with_codes_date_and_official_link(case):
    answers, _, text = case
    cloud = answers["cloud_provider"]
    (cloud_stage,) = [b for h, b in sections(text).items() if "certification" in h]
    page = r"\[official page\]\(https://[^)]+\)|official pages linked on each exam"
    assert re.search(rf"\*\*Certification path\*\* \(({page}), checked on \d{{4}}-\d\d-\d\d\)",
                     cloud_stage), cloud_stage
    exams = re.findall(r"^- \[ \] (.+)$", cloud_stage, re.M)
    exams = [line for line in exams if re.search(r": `[A-Z0-9-]+`, ", line)]
    assert len(exams) >= 2
    for line in exams:  # each exam links its official page, or the provider's page does
        assert "](https://" in line or "[official page](https://" in cloud_stage, line
    for name in CERTIFICATIONS[cloud]:
        assert name in cloud_stage, name
    for retired in RETIREMENTS.get(cloud, []):
        lines = cloud_stage.splitlines()
        assert any(retired in line and "retire" in line for line in lines), retired
        assert not re.search(rf"- \[ \] .*`{retired}`", cloud_stage), retired


def test_the_generated_roadmap_makes_no_market_claims(case):
    """The learner's public repository quotes no article and promises no salary
    (tests/test_fingerprints.py checks every generated file)."""
    _, _, text = case
    assert "the market" not in text.lower() and "article" not in text.lower()
    assert "lakh" not in text and "₹" not in text


def test_every_mentioned_file_and_make_target_exists(case):
    _, project, text = case
    files, targets = mentions(text)
    assert len(files) >= 10 and len(targets) >= 8  # the roadmap is tied to the repo
    missing = sorted(f for f in files - TRAINING_OUTPUTS if not (project / f).exists())
    assert missing == []
    assert sorted(targets - make_targets(project)) == []


def test_free_official_resources_come_before_courses(case):
    _, _, text = case
    for heading, body in sections(text).items():
        kinds = ["course" if "(course," in line else "official"
                 for line in body.splitlines() if line.startswith("- [") and "](http" in line
                 and not line.startswith("- [ ]")]
        assert kinds == sorted(kinds, key=lambda k: k != "official"), heading


def test_docs_site_items_follow_the_option(generated):
    with_site = (generated(cloud_provider="aws") / "docs/roadmap.md").read_text()
    without = (generated(cloud_provider="aws", docs_site="false") / "docs/roadmap.md").read_text()
    assert "`make docs`" in with_site
    assert "make docs" not in without


# -- the command ---------------------------------------------------------------
def plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


@pytest.mark.parametrize("cloud", CLOUDS)
def test_roadmap_command_prints_the_same_content(cloud, generated, tmp_path):
    project = generated(cloud_provider=cloud)
    text = (project / "docs" / "roadmap.md").read_text(encoding="utf-8")
    # Run outside any project so only --cloud and the defaults decide.
    result = cli("roadmap", "--cloud", cloud, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = plain(result.stdout)
    for heading in sections(text):
        if re.match(r"\d\. ", heading):
            assert plain(heading) in out
    for item in re.findall(r"^- \[ \] (.+)$", text, re.M):
        item = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", item)  # links print as their text
        assert plain(item.split(": `")[0]) in out, item
    for name in CERTIFICATIONS[cloud]:
        assert name in out


def test_roadmap_command_uses_the_projects_answers(generated):
    project = generated(cloud_provider="gcp")
    result = cli("roadmap", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Google Cloud" in result.stdout and "MLA-C01" not in result.stdout


def test_roadmap_command_rejects_an_unknown_cloud():
    result = cli("roadmap", "--cloud", "ibm")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_help_lists_roadmap():
    assert "roadmap" in cli("--help").stdout


# -- progress ---------------------------------------------------------------------
SAMPLE = """# Roadmap
## Why
- [ ] any section with boxes counts
## 1. First
- [x] a
- [X] b
* [ ] c
## Notes
just text
## 2. Second
- [ ] d
  - [x] e (nested)
- [ ]no space: not a box
"""


def test_read_progress_counts_per_section():
    stages = roadmap.read_progress(SAMPLE)
    assert [(s.title, len(s.done), s.total) for s in stages] == [
        ("Why", 0, 1), ("1. First", 2, 3), ("2. Second", 1, 2),
    ]
    stage, item = roadmap.next_step(stages)
    assert (stage.title, item) == ("Why", "any section with boxes counts")


def tick(text: str, heading: str, count: int | None) -> str:
    """Tick the first `count` boxes (all with None) under `heading`."""
    before, _, rest = text.partition(f"## {heading}\n")
    body, sep, after = rest.partition("\n## ")
    lines, ticked = body.split("\n"), 0
    for i, line in enumerate(lines):
        if line.startswith("- [ ] ") and (count is None or ticked < count):
            lines[i] = "- [x] " + line[6:]
            ticked += 1
    return before + f"## {heading}\n" + "\n".join(lines) + sep + after


def test_progress_of_a_project_with_some_boxes_ticked(generated, tmp_path):
    source = generated(cloud_provider="azure")
    project = tmp_path / "proj"
    (project / "docs").mkdir(parents=True)
    text = (source / "docs" / "roadmap.md").read_text(encoding="utf-8")
    headings = [h for h in sections(text) if re.match(r"\d\. ", h)]
    boxes = {h: len(re.findall(r"^- \[ \] ", sections(text)[h], re.M)) for h in headings}
    text = tick(text, headings[0], 3)
    text = tick(text, headings[1], None)
    text = tick(text, headings[2], 1)
    (project / "docs" / "roadmap.md").write_text(text, encoding="utf-8")

    result = cli("roadmap", "--progress", project)
    assert result.returncode == 0, result.stderr
    rows = {h: re.search(rf"{re.escape(h)}\s*│\s*(\d+)/(\d+)", result.stdout) for h in headings}
    counts = {h: (int(m.group(1)), int(m.group(2))) for h, m in rows.items()}
    assert counts[headings[0]] == (3, boxes[headings[0]])
    assert counts[headings[1]] == (boxes[headings[1]], boxes[headings[1]])
    assert counts[headings[2]] == (1, boxes[headings[2]])
    for heading in headings[3:]:
        assert counts[heading] == (0, boxes[heading])
    total = sum(boxes.values())
    assert re.search(rf"Total\s*│\s*{3 + boxes[headings[1]] + 1}/{total}\b", result.stdout)
    # The next step is the 4th box of the first stage: the road is taken in order.
    fourth = re.findall(r"^- \[ \] (.+)$", sections(text)[headings[0]], re.M)[0]
    assert "Next step" in result.stdout
    assert plain(fourth)[:60] in plain(result.stdout)


def test_progress_reads_a_file_path_too(tmp_path):
    path = tmp_path / "roadmap.md"
    path.write_text(SAMPLE)
    result = cli("roadmap", "--progress", path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"1\. First\s*│\s*2/3", result.stdout)
    assert re.search(r"Total\s*│\s*3/6", result.stdout)


def test_progress_without_a_roadmap_is_a_clear_error(tmp_path):
    result = cli("roadmap", "--progress", tmp_path)
    assert result.returncode == 2
    assert "docs/roadmap.md" in result.stderr and "not found" in result.stderr


@pytest.mark.slow
def test_installed_wheel_prints_the_roadmap(installed_cli, tmp_path):
    """The wheel carries template/_data/roadmap.yml: the command works outside a checkout."""
    from helpers import run

    result = run([installed_cli, "roadmap", "--cloud", "gcp"], cwd=tmp_path)
    assert "Professional Machine Learning Engineer" in result.stdout
    assert "Cloud Run" in result.stdout


def test_every_dated_fact_was_checked_within_a_year():
    """Certifications, free tiers, prices, versions: each fact in the roadmap data
    carries the day it was checked (and a source); over 12 months old fails,
    so the next release re-checks it against the source."""
    import datetime

    text = (Path(__file__).parent.parent / "template/_data/roadmap.yml").read_text(encoding="utf-8")
    today = datetime.date.today()
    certifications = re.findall(r"- \{ code: .*\}", text)
    assert len(certifications) >= 10
    dates = []
    for line in certifications:
        found = re.search(r'checked: "(\d{4}-\d{2}-\d{2})"', line)
        assert found, f"no checked date: {line}"
        dates.append((line, found.group(1)))
    fact_pattern = (
        r"  - fact: (.*)\n"
        r"    checked: \"(\d{4}-\d{2}-\d{2})\"\n"
        r"    source: \"(https://[^\"]+)\""
    )
    facts = re.findall(fact_pattern, text)
    assert len(facts) >= 3 and len(facts) == text.count("  - fact: ")
    dates += [(fact, day) for fact, day, _ in facts]
    for what, day in dates:
        age = today - datetime.date.fromisoformat(day)
        assert age.days <= 365, f"checked {day}, over 12 months ago: re-check {what}"
