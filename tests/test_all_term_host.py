"""A grading host that runs all term: whatever TMPDIR is, a run leaves nothing behind in it or in
the process table (also when stopped with SIGTERM halfway), gives the same scores, and records
no zero for a failure of the host."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from backprop_course.authoring.samples import expected_scores
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.apps import BIN_DIR
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .support import REPO_COURSE, course_copy
from .support.backprop import ASSIGNMENT, NOTEBOOKS
from .support.batches import SAMPLES, mixed_batch
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [pytest.mark.slow, needs_sandbox]


def ours_autograde(course: CourseDir) -> list[str]:
    return [str(BIN_DIR / "backprop-course"), "--course-dir", str(course.root), "autograde", ASSIGNMENT, "-j", "2",
            "--no-progress"]


def nbgrader_autograde(course: CourseDir) -> list[str]:
    return [str(BIN_DIR / "nbgrader"), "autograde", ASSIGNMENT, "--force"]


COMMANDS = {"backprop-course autograde": ours_autograde, "nbgrader autograde": nbgrader_autograde}


def environment(tmpdir: Path | None) -> dict[str, str]:
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}", PYTHONUNBUFFERED="1")
    env.pop("TMPDIR", None)
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return env


def run(command: list[str], course: CourseDir, tmpdir: Path | None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=course.root, env=environment(tmpdir), capture_output=True, text=True,
                          timeout=900)


def processes_naming(text: str) -> str:
    """Processes whose command line names text (the run's course or temporary folder)."""
    found = subprocess.run(["pgrep", "-af", text], capture_output=True, text=True).stdout
    return "\n".join(line for line in found.splitlines() if "pgrep" not in line)


def assert_nothing_left(tmpdir: Path, course: CourseDir) -> None:
    time.sleep(1.0)  # the kernels of the last notebooks are being reaped
    assert sorted(path.name for path in tmpdir.iterdir()) == []
    assert sandboxed_kernels() == ""
    assert processes_naming(str(tmpdir)) == ""
    assert processes_naming(str(course.root)) == ""


@pytest.fixture(scope="module")
def built_batch(tmp_path_factory) -> tuple[CourseDir, list[str]]:
    """The mixed batch, released and submitted once for the module, not graded: copy it (batch)."""
    course = course_copy(tmp_path_factory.mktemp("batch") / "course")
    return course, mixed_batch(course)


@pytest.fixture
def batch(tmp_path, built_batch) -> tuple[CourseDir, list[str], Path]:
    """A fresh copy of the mixed batch (its configuration finds the course from its own path)."""
    built, students = built_batch
    course = CourseDir(Path(shutil.copytree(built.root, tmp_path / "course")), assignment=ASSIGNMENT)
    tmpdir = tmp_path / "private-tmp"
    tmpdir.mkdir()
    return course, students, tmpdir


def test_after_both_commands_the_temporary_folder_is_empty_and_no_process_is_left(batch):
    course, students, tmpdir = batch
    ours = run(ours_autograde(course), course, tmpdir)
    assert ours.returncode == 1, ours.stdout + ours.stderr  # the garbled notebook
    assert f"graded {len(students)} submissions; not in full: garbled" in ours.stdout
    assert_nothing_left(tmpdir, course)
    theirs = run(nbgrader_autograde(course), course, tmpdir)
    assert "There was an error processing assignment 'backprop' for student 'garbled'" in theirs.stdout + theirs.stderr
    assert_nothing_left(tmpdir, course)
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    assert {nb.name: scores["alice"][nb.name].auto_score for nb in NOTEBOOKS} == expected_scores(course)["alice"]


@pytest.mark.parametrize("command", COMMANDS)
def test_stopped_by_sigterm_halfway_it_leaves_nothing_either(batch, command):
    course, students, tmpdir = batch
    process = subprocess.Popen(COMMANDS[command](course), cwd=course.root, env=environment(tmpdir),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(12)  # well into the batch: several notebooks graded, others being graded
    assert process.poll() is None, "the run ended before it could be stopped"
    process.send_signal(signal.SIGTERM)
    printed, _ = process.communicate(timeout=120)
    assert process.returncode != 0, printed
    assert_nothing_left(tmpdir, course)
    for student, notebooks in notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT).items():
        if command == "backprop-course autograde":  # ours keeps only whole students
            assert set(notebooks) == {nb.name for nb in NOTEBOOKS}, student


@pytest.fixture(scope="module")
def tmpdir_scores(tmp_path_factory, built_batch) -> dict[str, dict[str, dict[str, tuple[float, float]]]]:
    """The mixed batch graded by `backprop-course autograde -j 2` with TMPDIR unset, a private
    per-user folder below /tmp (0700) and a folder under /var/tmp: cell scores per student."""
    per_user = Path("/tmp/user") / str(os.getuid())
    per_user.parent.mkdir(mode=0o755, exist_ok=True)
    per_user.mkdir(mode=0o700, exist_ok=True)
    var_tmp = Path("/var/tmp") / f"backprop-test-{os.getpid()}"
    var_tmp.mkdir(mode=0o1777, exist_ok=True)
    found = {}
    for name, tmpdir in (("unset", None), ("per-user below /tmp", per_user), ("under /var/tmp", var_tmp)):
        built, students = built_batch
        course = CourseDir(Path(shutil.copytree(built.root, tmp_path_factory.mktemp("tmpdir") / "course")),
                           assignment=ASSIGNMENT)
        done = run(ours_autograde(course), course, tmpdir)
        assert f"graded {len(students)} submissions; not in full: garbled" in done.stdout, done.stdout + done.stderr
        db_url = f"sqlite:///{course.gradebook}"
        found[name] = {student: cell_scores(db_url, ASSIGNMENT, student) for student in students}
        if tmpdir is not None:
            assert not any(tmpdir.glob("backprop-run-*")), name
    var_tmp.rmdir()
    return found


def test_every_student_gets_the_same_scores_whatever_tmpdir_is(tmpdir_scores):
    baseline = tmpdir_scores["unset"]
    expected = expected_scores(REPO_COURSE)
    for student in SAMPLES:
        assert sum(score for score, _ in baseline[student].values()) == sum(expected[student].values())
    for name, scores in tmpdir_scores.items():
        assert scores == baseline, name


def test_a_host_that_cannot_start_kernels_records_no_zero_and_says_so(tmp_path, built_batch):
    """Kernels that cannot start (here: a memory cap too small for Python itself, the
    instructor's mistake, not the students') leave every student ungraded, not at zero.

    The mixed batch keeps its short cell limits (CAP_CONFIG): the run that grades it in the end
    stops the looper after seconds, not after the default cell limit."""
    built, students = built_batch
    course = CourseDir(Path(shutil.copytree(built.root, tmp_path / "course")), assignment=ASSIGNMENT)
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.SandboxedGrading.memory_limit = 16 * 1024**2\n")
    ours = run(ours_autograde(course), course, None)
    assert ours.returncode == 1
    assert "not graded, the grading host failed (run autograde again)" in ours.stdout, ours.stdout
    assert notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT) == {}
    theirs = run(nbgrader_autograde(course), course, None)
    assert theirs.returncode != 0
    assert "not graded, the grading host failed" in theirs.stdout + theirs.stderr
    assert notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT) == {}, "nbgrader recorded a score"
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.SandboxedGrading.memory_limit = 2 * 1024**3\n")
    again = run(ours_autograde(course), course, None)
    assert f"graded {len(students)} submissions; not in full: garbled" in again.stdout, again.stdout


def test_a_worker_killed_mid_run_loses_no_notebook_and_leaves_nothing(batch):
    import psutil

    course, students, tmpdir = batch
    process = subprocess.Popen(ours_autograde(course), cwd=course.root, env=environment(tmpdir),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(10)  # the workers are grading
    writer = psutil.Process(process.pid)
    workers = [child for child in writer.children() if child.exe() == writer.exe()]  # forks of the writer
    assert workers, "no worker process found"
    workers[0].kill()
    printed, _ = process.communicate(timeout=900)
    assert f"graded {len(students)} submissions; not in full: garbled" in printed, printed
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    for student in ("alice", "looper", "deleter", "reorderer"):
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected_scores(course)["alice"]
    assert_nothing_left(tmpdir, course)
