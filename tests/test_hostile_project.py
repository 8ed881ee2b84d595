"""Hostile input to a project and to `new`: a clear answer, no broken project, no lost record.

Two families (issue 16, part B):

1. A project's `.copier-answers.yml`, broken by hand or by an editor: `update`,
   `doctor` and `roadmap --progress` exit 2 with one line naming the file
   (and the line, for YAML), never a traceback; a failed `update
   --template` leaves no commit behind, `git log` and `git status` as before.
2. Signals and destinations for `new`: SIGHUP, SIGQUIT, a second signal
   during cleanup, Ctrl-C while the libraries load leave nothing beside DEST;
   an existing empty DEST (`.`, a mount point, a symbolic link) is filled in
   place; long names, `a/../b` and missing parents do what a shell user expects.

Signals are sent to real processes at a moment read from the outside (the
staging directory has files, a commit appeared, a library is loaded), in
bounded polling loops.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, cli, commit_all, git_env, run, template_repo

ANSWERS = ".copier-answers.yml"
STAGING = ".mlops-new-*"  # the temporary directory `new` renders into
INTERRUPTED = "Interrupted; nothing was written."


# -- shared: a project made from a tagged template repository ---------------------
@pytest.fixture(scope="module")
def home(tmp_path_factory) -> dict[str, str]:
    """A git identity of its own: the machine's ~/.gitconfig must not matter."""
    return git_env(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The template's repository: v1.0.0, then v1.1.0 with one changed line."""
    path = template_repo(tmp_path_factory.mktemp("template") / "repo", "v1.0.0")
    readme = path / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nTemplate v1.1.0.\n")
    commit_all(path, "Template v1.1.0")
    run(["git", "tag", "v1.1.0"], cwd=path)
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory, repo, home) -> Path:
    """A committed project of the repository's v1.0.0 (copied by each test).

    Rendered from this checkout, whose template v1.0.0 is a copy of, and then
    pointed at the repository: what `new --template REPO --vcs-ref v1.0.0`
    records, without cloning.
    """
    project = tmp_path_factory.mktemp("made") / "proj"
    result = cli("new", "--defaults", "--no-push", project, env_extra=home)
    assert result.returncode == 0, result.stderr
    answers = project / ANSWERS
    kept = [
        line
        for line in answers.read_text().splitlines(keepends=True)
        if not line.startswith(("_src_path:", "_commit:"))
    ]
    answers.write_text(
        "".join(kept).replace(
            "NEVER EDIT MANUALLY\n", f"NEVER EDIT MANUALLY\n_commit: v1.0.0\n_src_path: {repo}\n"
        )
    )
    commit_all(project, "Made from the template repository")
    return project


@pytest.fixture
def project(tmp_path, made) -> Path:
    """This test's own copy of the project, at tmp_path/proj."""
    copy = tmp_path / "proj"
    shutil.copytree(made, copy, symlinks=True)
    return copy


def git_state(project: Path) -> tuple[str, str]:
    """Every commit id and `git status`: what a failed command must leave as it was."""
    log = run(["git", "log", "--format=%H"], cwd=project).stdout
    status = run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project).stdout
    return log, status


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# -- family 1: a broken answers file -------------------------------------------------
def replace(old: str, new: str):
    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write_bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def append_bytes(data: bytes):
    return lambda path: path.write_bytes(path.read_bytes() + data)


def as_utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def bookkeeping_only(path: Path) -> None:
    kept = [
        line for line in path.read_text().splitlines(keepends=True) if line.startswith(("#", "_"))
    ]
    path.write_text("".join(kept))


def a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()  # empty: git sees the file deleted, and nothing else


def line_of(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


# (id, how the file is broken, what the error says given the file's original lines)
BROKEN = [
    (
        "invalid-yaml",
        replace("cloud_provider: aws", "cloud_provider: aws: gcp"),
        lambda lines: f"is not valid YAML at line {line_of(lines, 'cloud_provider:')}",
    ),
    (
        "a-list",
        write_bytes(b"- project_name\n- use_case\n"),
        lambda lines: "must be a mapping of question: answer",
    ),
    (
        "not-utf8",
        append_bytes(b"author_name: Jos\xe9\n"),
        lambda lines: f"is not UTF-8 text (byte 0xe9 on line {len(lines) + 1}); save it as UTF-8",
    ),
    ("utf16", as_utf16, lambda lines: "is saved as UTF-16; save it as UTF-8"),
    ("empty", write_bytes(b""), lambda lines: "holds no answers"),
    ("bookkeeping-only", bookkeeping_only, lambda lines: "holds no answers"),
    ("a-directory", a_directory, lambda lines: "cannot be read (Is a directory)"),
    (
        "unknown-cloud",
        replace("cloud_provider: aws", "cloud_provider: heroku"),
        lambda lines: "cloud_provider: must be one of: aws, gcp, azure, none (got 'heroku')",
    ),
    (
        "use-case-outside-choices",
        replace("use_case: churn", "use_case: mnist"),
        lambda lines: "use_case: must be one of: churn, breast_cancer, wine, diabetes, own_csv",
    ),
    (
        "region-of-another-cloud",
        replace("cloud_provider: aws", "cloud_provider: gcp"),
        lambda lines: "cloud_region: must be a Google Cloud region",
    ),
    (
        "unquoted-version",
        replace("python_version: '3.12'", "python_version: 3.10"),
        lambda lines: 'python_version: must be text; put it in quotes, e.g. "3.1"',
    ),
]
COMMANDS = [
    ("update", ["update", "proj"]),
    ("doctor", ["doctor", "proj"]),
    ("roadmap-progress", ["roadmap", "--progress", "proj"]),
]


@pytest.mark.parametrize(("command", "argv"), [pytest.param(c, a, id=c) for c, a in COMMANDS])
@pytest.mark.parametrize(("breaking", "expected"), [pytest.param(b, e, id=i) for i, b, e in BROKEN])
def test_a_broken_answers_file_is_named_and_nothing_changes(
    tmp_path, project, home, command, argv, breaking, expected
):
    lines = (project / ANSWERS).read_text().splitlines()
    breaking(project / ANSWERS)
    commit_all(project, "A hand edit")  # committed: update's own checks pass, the file is read
    before = git_state(project)
    result = cli(*argv, cwd=tmp_path, env_extra=home)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"error: proj/{ANSWERS}: "), line
    assert expected(lines) in line, line
    assert git_state(project) == before


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "_commit",
            "does not record the template version the project was made from (_commit); "
            "it cannot be merged",
        ),
        (
            "_src_path",
            "does not say where the template is (_src_path); pass --template URL-OR-PATH",
        ),
    ],
)
def test_update_names_the_missing_bookkeeping(tmp_path, project, home, key, expected):
    text = (project / ANSWERS).read_text()
    (project / ANSWERS).write_text(
        "".join(line for line in text.splitlines(keepends=True) if not line.startswith(key))
    )
    commit_all(project, f"Lost {key}")
    before = git_state(project)
    result = cli("update", "proj", cwd=tmp_path, env_extra=home)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [f"error: proj/{ANSWERS}: {expected}"]
    assert git_state(project) == before


# -- family 1: `update --template` that fails leaves no commit ------------------------
def clone(repo: Path, path: Path) -> Path:
    run(["git", "clone", "--quiet", repo, path])
    return path


def fork_without_the_projects_version(repo: Path, tmp: Path) -> Path:
    fork = clone(repo, tmp / "fork")
    run(["git", "tag", "-d", "v1.0.0"], cwd=fork)
    return fork


def fork_with_an_older_tag(repo: Path, tmp: Path) -> Path:
    fork = clone(repo, tmp / "fork")
    (fork / "NOTES.md").write_text("An old experiment.\n")
    commit_all(fork, "Experiment")
    run(["git", "tag", "v0.5.0"], cwd=fork)
    return fork


def fork_with_a_stricter_validator(repo: Path, tmp: Path) -> Path:
    """A fork whose own v1.0.0 refuses the default project name the project has."""
    fork = template_repo(tmp / "fork", "v0.0.1")
    replace(
        "{%- elif project_name | length > 60 %}",
        "{%- elif project_name == 'Customer Churn Predictor' %}must not be the example name"
        "\n    {%- elif project_name | length > 60 %}",
    )(fork / "copier.yml")
    commit_all(fork, "Stricter")
    run(["git", "tag", "v1.0.0"], cwd=fork)
    return fork


FAILED_UPDATES = [
    (
        "template-path-missing",
        lambda repo, tmp: tmp / "nowhere",
        [],
        "cannot read the template there",
    ),
    (
        "version-missing-in-fork",
        fork_without_the_projects_version,
        [],
        "does not have version v1.0.0, the one this project was made from",
    ),
    (
        "to-unknown-ref",
        lambda repo, tmp: clone(repo, tmp / "fork"),
        ["--to", "v9.9.9"],
        "--to v9.9.9: the template at",
    ),
    (
        "downgrade-refused",
        fork_with_an_older_tag,
        ["--to", "v0.5.0"],
        "Downgrades are not supported",
    ),
    (
        "validator-refuses",
        fork_with_a_stricter_validator,
        [],
        f"proj/{ANSWERS}: project_name: must not be the example name",
    ),
]


@pytest.mark.parametrize(
    ("make_template", "options", "expected"),
    [pytest.param(m, o, e, id=i) for i, m, o, e in FAILED_UPDATES],
)
def test_a_failed_update_with_template_leaves_no_commit(
    tmp_path, project, repo, home, make_template, options, expected
):
    template = make_template(repo, tmp_path)
    before = git_state(project)
    answers = (project / ANSWERS).read_bytes()
    result = cli("update", "proj", "--template", template, *options, cwd=tmp_path, env_extra=home)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = error_lines(result.stderr)
    assert expected in line and line.endswith("nothing was changed"), line
    assert "Recorded" not in result.stdout
    assert git_state(project) == before
    assert (project / ANSWERS).read_bytes() == answers


def test_an_update_stopped_after_recording_the_template_is_undone(tmp_path, project, repo, home):
    fork = clone(repo, tmp_path / "fork")
    before = git_state(project)
    reflog = project / ".git" / "logs" / "HEAD"
    entries = len(reflog.read_text().splitlines())
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "update", "proj", "--template", str(fork)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), **home},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The moment: the commit recording --template exists; copier merges next.
        assert poll(process, lambda: len(reflog.read_text().splitlines()) > entries)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=120)
    finally:
        stop(process)
    assert process.returncode == 130, err
    assert error_lines(err) == ["Interrupted; nothing was changed."]
    assert git_state(project) == before


# -- family 2: signals during `new` ------------------------------------------------------
def start_new(cwd: Path, dest: str, home: dict[str, str], ignored=()) -> subprocess.Popen:
    """`new DEST` started as from a terminal: the stop signals at their defaults, but `ignored`.

    A test run may itself have inherited a stop signal ignored (a background
    job), and `new` keeps a signal it starts with ignored (as under nohup).
    """

    def signals() -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_IGN if signum in ignored else signal.SIG_DFL)

    return subprocess.Popen(
        [sys.executable, "-m", "generator", "new", "--defaults", "--no-push", "--no-git", dest],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **home},
        preexec_fn=signals,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def poll(process: subprocess.Popen, ready, timeout: float = 120) -> bool:
    """Check `ready()` every 2 ms until it holds (True) or the process ends (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if ready():
                return True
        except OSError:  # a file read while it is being written or removed
            pass
        time.sleep(0.002)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def rendering_in(where: Path, name: str):
    """True once the project staged under `where` has a few files."""

    def ready() -> bool:
        for staging in where.glob(STAGING):
            staged = staging / name
            if staged.is_dir() and sum(1 for p in staged.rglob("*") if p.is_file()) >= 3:
                return True
        return False

    return ready


def interrupt_new(
    tmp_path: Path,
    home,
    dest: str,
    where: Path,
    signals: list[int],
    storm: bool = False,
    prepare=lambda: None,
) -> tuple[int, str, object]:
    """Run `new DEST`, send `signals` while it renders under `where`; retry if it won the race.

    `prepare()` runs before each try; (exit code, stderr, what it returned) of
    the interrupted run are returned.

    With `storm`, the last signal is then sent again every 2 ms until the
    process exits: signals arriving during its cleanup.
    """
    for _attempt in range(3):
        prepared = prepare()
        process = start_new(tmp_path, dest, home)
        try:
            if poll(process, rendering_in(where, Path(dest).name)):
                for signum in signals:
                    process.send_signal(signum)
                deadline = time.monotonic() + 60
                while storm and process.poll() is None and time.monotonic() < deadline:
                    process.send_signal(signals[-1])
                    time.sleep(0.002)
            _, err = process.communicate(timeout=120)
        finally:
            stop(process)
        if process.returncode != 0:
            return process.returncode, err, prepared
        shutil.rmtree(tmp_path / Path(dest).parts[0])  # finished first: again
    pytest.fail("new finished before it could be interrupted, three times")


def listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGQUIT], ids=["sighup", "sigquit"])
def test_a_closed_terminal_or_sigquit_leaves_nothing_beside_dest(tmp_path, home, signum):
    before = listing(tmp_path)
    code, err, _ = interrupt_new(tmp_path, home, "proj", tmp_path, [signum])
    assert code == 130, err
    assert error_lines(err) == [INTERRUPTED]
    assert listing(tmp_path) == before  # no proj, no .mlops-new-* staging directory


def test_under_nohup_a_closed_terminal_does_not_stop_new(tmp_path, home):
    # nohup starts a command with SIGHUP ignored: it must stay ignored.
    process = start_new(tmp_path, "proj", home, ignored=(signal.SIGHUP,))
    try:
        assert poll(process, rendering_in(tmp_path, "proj")), "new ended before it rendered"
        process.send_signal(signal.SIGHUP)
        _, err = process.communicate(timeout=300)
    finally:
        stop(process)
    assert process.returncode == 0, err
    assert_a_project(tmp_path / "proj")
    assert listing(tmp_path) == ["proj"]


@pytest.mark.parametrize(
    "signals",
    [
        [signal.SIGTERM, signal.SIGTERM],
        [signal.SIGINT, signal.SIGINT],
        [signal.SIGHUP, signal.SIGTERM, signal.SIGINT],
    ],
    ids=["sigterm-twice", "sigint-twice", "sighup-then-sigterm-and-sigint"],
)
def test_signals_during_cleanup_do_not_cut_it_short(tmp_path, home, signals):
    before = listing(tmp_path)
    code, err, _ = interrupt_new(tmp_path, home, "proj", tmp_path, signals, storm=True)
    assert code == 130, err
    assert error_lines(err) == [INTERRUPTED]
    assert listing(tmp_path) == before


def loaded(pid: int, library: str) -> bool:
    return library in Path(f"/proc/{pid}/maps").read_text()


def test_ctrl_c_while_the_libraries_load_prints_one_line(tmp_path, home):
    import yaml

    if not (yaml.__with_libyaml__ and Path("/proc/self/maps").exists()):
        pytest.skip("needs /proc and PyYAML's C library, loaded as `new` starts")
    process = start_new(tmp_path, "proj", home)
    try:
        # PyYAML's C library loads with the modules of `new`, before rich and copier.
        assert poll(process, lambda: loaded(process.pid, "_yaml")), "never saw PyYAML load"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        stop(process)
    assert process.returncode == 130, err
    assert error_lines(err) == [INTERRUPTED]
    assert listing(tmp_path) == []


def chgrp_other(path: Path) -> int:
    """Give `path` a group other than the user's default one, when possible; its gid."""
    others = [g for g in ([65534] if os.geteuid() == 0 else os.getgroups()) if g != os.getegid()]
    if others:
        os.chown(path, -1, others[0])
    return path.stat().st_gid


def an_empty_dest(path: Path) -> tuple[int, int, int]:
    """An empty DEST with a mode and group of its own: (mode, gid, inode) to compare."""
    path.mkdir()
    path.chmod(0o2751)
    gid = chgrp_other(path)
    stat = path.stat()
    return stat.st_mode, gid, stat.st_ino


def identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_mode, stat.st_gid, stat.st_ino


def test_an_interrupted_fill_leaves_the_empty_dest_as_it_was(tmp_path, home):
    dest = tmp_path / "proj"
    code, err, kept = interrupt_new(
        tmp_path, home, "proj", dest, [signal.SIGHUP], prepare=lambda: an_empty_dest(dest)
    )
    assert code == 130, err
    assert error_lines(err) == [INTERRUPTED]
    assert listing(dest) == [], "DEST must stay empty: no project, no staging directory"
    assert identity(dest) == kept


def test_an_interrupted_new_removes_the_parents_it_made(tmp_path, home):
    before = listing(tmp_path)
    code, err, _ = interrupt_new(
        tmp_path, home, "made/for/proj", tmp_path / "made" / "for", [signal.SIGTERM]
    )
    assert code == 130, err
    assert listing(tmp_path) == before, "made/ and made/for/ must go too"


# -- family 2: destinations ------------------------------------------------------------
def new(cwd: Path, dest: str, home) -> subprocess.CompletedProcess:
    return cli("new", "--defaults", "--no-push", "--no-git", dest, cwd=cwd, env_extra=home)


def assert_a_project(path: Path) -> None:
    for name in ("Makefile", "README.md", ANSWERS, "uv.lock"):
        assert (path / name).is_file(), name
    assert not list(path.glob(STAGING)), "a staging directory was left in DEST"


def test_an_empty_dest_is_filled_in_place_keeping_its_mode_and_group(tmp_path, home):
    dest = tmp_path / "proj"
    kept = an_empty_dest(dest)
    result = new(tmp_path, "proj", home)
    assert result.returncode == 0, result.stderr
    assert_a_project(dest)
    assert identity(dest) == kept  # the same directory: mode, setgid bit, group, inode
    assert listing(tmp_path) == ["proj"]


def test_new_dot_inside_an_empty_directory(tmp_path, home):
    dest = tmp_path / "proj"
    dest.mkdir()
    kept = identity(dest)
    result = new(dest, ".", home)
    assert result.returncode == 0, result.stderr
    assert_a_project(dest)
    assert identity(dest) == kept
    assert "cd .\n" in result.stdout


def test_a_symlink_to_an_empty_directory_stays_a_symlink(tmp_path, home):
    target = tmp_path / "real"
    target.mkdir()
    (tmp_path / "proj").symlink_to(target)
    result = new(tmp_path, "proj", home)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "proj").is_symlink()
    assert os.readlink(tmp_path / "proj") == str(target)
    assert_a_project(target)
    assert listing(tmp_path) == ["proj", "real"]


def test_a_symlink_to_nowhere_is_refused(tmp_path, home):
    (tmp_path / "proj").symlink_to(tmp_path / "gone")
    result = new(tmp_path, "proj", home)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        f"error: DEST: proj is a symbolic link to {tmp_path / 'gone'}, which does not exist"
    ]
    assert listing(tmp_path) == ["proj"]


def test_an_empty_mount_point_is_filled_in_place(tmp_path, home):
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to mount a tmpfs without privileges")
    dest = tmp_path / "mnt"
    dest.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), **home}
    # A mount namespace of its own: the tmpfs is gone when the shell exits, so
    # what is checked is printed from inside it.
    script = (
        f'mount -t tmpfs none "{dest}" || exit 77\n'
        f'"{sys.executable}" -m generator new --defaults --no-push --no-git "{dest}" '
        ">/dev/null || exit $?\n"
        f'stat -c "mount:%m" "{dest}"; ls -A "{dest}"\n'
    )
    result = subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode == 77 or "unshare:" in result.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    shown = result.stdout.splitlines()
    assert shown[0] == f"mount:{dest}", "DEST must still be the mount point"
    assert {"Makefile", "README.md", ANSWERS} <= set(shown[1:])
    assert not [name for name in shown if name.startswith(".mlops-new-")]


def test_a_dest_name_of_255_bytes_works(tmp_path, home):
    name = "é" * 127 + "x"  # 255 bytes in UTF-8: the most a Linux filesystem allows
    assert len(os.fsencode(name)) == 255
    result = new(tmp_path, name, home)
    assert result.returncode == 0, result.stderr
    assert_a_project(tmp_path / name)
    assert listing(tmp_path) == [name]


def test_a_dest_name_over_the_limit_is_refused_before_asking(tmp_path, home):
    name = "n" * 256
    result = new(tmp_path, f"{name}/proj", home)
    assert result.returncode == 2
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"error: DEST: cannot create {name}/proj: the name nnnn")
    assert line.endswith("is 256 bytes; this filesystem allows 255"), line
    assert listing(tmp_path) == []


def test_dot_dot_in_dest_is_read_as_cd_reads_it(tmp_path, home):
    result = new(tmp_path, "a/../b", home)
    assert result.returncode == 0, result.stderr
    assert_a_project(tmp_path / "b")
    assert listing(tmp_path) == ["b"], "no a/ may be made on the way"
    assert "cd b\n" in result.stdout


def test_missing_parents_are_made_like_mkdir_p(tmp_path, home):
    result = new(tmp_path, "courses/2026/proj", home)
    assert result.returncode == 0, result.stderr
    assert_a_project(tmp_path / "courses" / "2026" / "proj")
    assert listing(tmp_path / "courses" / "2026") == ["proj"]
