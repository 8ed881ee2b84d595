"""The harness's choice of projects: read from copier.yml, all pairs, deterministic."""

from __future__ import annotations

import itertools
import textwrap

import pytest
import yaml

from matrix import NOT_ASKED, REPO, STAGE, OptionSpace, as_set_options, row_id


def feasible_pairs(space: OptionSpace) -> set:
    """Every pair of option values that some valid project holds (brute force)."""
    pairs = set()
    for row in space.full():
        asked = [(k, v) for k, v in row.items() if v is not NOT_ASKED]
        pairs |= set(itertools.combinations(asked, 2))
    return pairs


def covered_pairs(rows) -> set:
    pairs = set()
    for row in rows:
        asked = [(k, v) for k, v in row.items() if v is not NOT_ASKED]
        pairs |= set(itertools.combinations(asked, 2))
    return pairs


def test_every_choice_and_bool_question_of_copier_yml_is_an_option():
    config = yaml.safe_load((REPO / "copier.yml").read_text())
    expected = [
        key
        for key, spec in config.items()
        if not key.startswith("_")
        and isinstance(spec, dict)
        and (spec.get("choices") or spec.get("type") == "bool")
    ]
    space = OptionSpace()
    assert space.keys == [key for key in expected if key != STAGE]
    assert {"use_case", "cloud_provider"} <= set(space.keys)
    assert space.stages == tuple(config[STAGE]["choices"].values())


def test_each_earlier_stage_is_one_project_with_rotated_options():
    space = OptionSpace()
    rows = space.staged()
    assert [row[STAGE] for row in rows] == list(space.stages[:-1])
    assert len({row["use_case"] for row in rows}) >= 4  # small projects of several kinds
    for row in rows:  # the extras are chosen at the last stage only
        assert row["include_kubernetes"] is NOT_ASKED and row["experiment_tracking"] is NOT_ASKED


def test_pairwise_covers_every_pair_including_each_use_case_with_each_cloud():
    space = OptionSpace()
    rows = space.pairwise()
    assert covered_pairs(rows) == feasible_pairs(space)
    use_cases = space.options[space.keys.index("use_case")].values
    clouds = space.options[space.keys.index("cloud_provider")].values
    held = {(r["use_case"], r["cloud_provider"]) for r in rows}
    assert held == set(itertools.product(use_cases, clouds))
    assert len(rows) < space.size()


def test_pairwise_is_deterministic():
    assert OptionSpace().pairwise() == OptionSpace().pairwise()


def test_new_options_and_follow_ups_are_picked_up_from_copier_yml(tmp_path):
    copier_yml = tmp_path / "copier.yml"
    copier_yml.write_text(
        textwrap.dedent("""\
        _subdirectory: template
        project_name:
          type: str
          default: Demo
        use_case:
          type: str
          choices: [churn, wine, diabetes]
          default: churn
        cloud_provider:
          type: str
          choices: {AWS: aws, None: none}
          default: aws
        include_kubernetes:
          type: bool
          default: false
        registry:
          type: str
          when: "{{ cloud_provider != 'none' }}"
          choices: [ecr, ghcr]
          default: ecr
        docs_site:
          type: bool
          default: true
        """)
    )
    space = OptionSpace(copier_yml)
    assert space.keys == [
        "use_case",
        "cloud_provider",
        "include_kubernetes",
        "registry",
        "docs_site",
    ]
    rows = space.pairwise()
    assert covered_pairs(rows) == feasible_pairs(space)
    # A follow-up is not asked when its `when:` is false, and its pairs with
    # cloud_provider=none are not demanded.
    assert all(r["registry"] is NOT_ASKED for r in rows if r["cloud_provider"] == "none")
    assert ("cloud_provider", "none") in {p for r in rows for p in r.items()}
    assert len(list(space.full())) == 3 * (2 + 1) * 2 * 2  # aws x 2 registries + none
    assert len(rows) < len(list(space.full()))


def test_rows_become_cli_answers_and_readable_ids():
    row = {
        "use_case": "wine",
        "cloud_provider": "gcp",
        "include_jenkins": True,
        "registry": NOT_ASKED,
    }
    assert as_set_options(row) == [
        "--set",
        "use_case=wine",
        "--set",
        "cloud_provider=gcp",
        "--set",
        "include_jenkins=true",
    ]
    assert row_id(row) == "wine-gcp-include_jenkins=y"


def test_behaviour_key_ignores_only_what_train_and_test_cannot_read(tmp_path):
    from test_matrix import behaviour_key

    def project(name, license_text="MIT", readme="# A", test="def test_a(): pass\n"):
        root = tmp_path / name
        (root / "tests").mkdir(parents=True)
        (root / "tests" / "test_a.py").write_text(test)
        (root / "LICENSE").write_text(license_text)
        (root / "README.md").write_text(readme)
        (root / "pyproject.toml").write_text(f'[project]\nlicense = "{license_text}"\n')
        return root

    base = behaviour_key(project("base"))
    assert behaviour_key(project("licence", license_text="Apache-2.0", readme="# B")) == base
    assert behaviour_key(project("test", test="def test_b(): pass\n")) != base
    # A test that reads README.md makes README.md part of the key.
    reads = "def test_a(): open('README.md')\n"
    assert behaviour_key(project("r1", test=reads)) != behaviour_key(
        project("r2", test=reads, readme="# B")
    )


def test_a_folder_joins_the_behaviour_key_only_when_code_builds_a_path_from_it(tmp_path):
    from test_matrix import behaviour_key

    def project(name, code, page):
        root = tmp_path / name
        (root / "src").mkdir(parents=True)
        (root / "src" / "app.py").write_text(code)
        (root / "docs").mkdir()
        (root / "docs" / "deploy.md").write_text(page)
        return root

    # An OpenAPI operation id named "docs" does not read the docs folder...
    ids = 'SPEC = {"operationId": "docs"}\n'
    assert behaviour_key(project("i1", ids, "# AWS")) == behaviour_key(project("i2", ids, "# GCP"))
    # ...a path built from it does.
    reads = 'from pathlib import Path\nPAGES = Path(__file__).parent / "docs"\n'
    assert behaviour_key(project("r1", reads, "# AWS")) != behaviour_key(
        project("r2", reads, "# GCP")
    )


def test_the_lint_cache_reruns_a_linter_when_a_file_it_reads_changes(tmp_path):
    from checks import lint
    from helpers import require_tool

    require_tool("ruff")
    cache = tmp_path / "cache"

    def project(name, code):
        root = tmp_path / name
        root.mkdir()
        (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
        (root / "app.py").write_text(code)
        return root

    lint(project("clean", "X = 1\n"), cache=cache)
    assert len(list(cache.iterdir())) == 2  # ruff check and ruff format passed
    lint(project("same", "X = 1\n"), cache=cache)  # same inputs: nothing new to record
    assert len(list(cache.iterdir())) == 2
    # Same file names, other content: ruff runs again and its failure is not hidden.
    with pytest.raises(AssertionError, match="ruff format --check"):
        lint(project("sloppy", "X=1\n"), cache=cache)
