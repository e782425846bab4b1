"""Grading as an instructor who is not root, with the package installed from its wheel: the attack
corpus's attacks on the host and the neighbour hogs of isolation_corpus.py, graded by
`backprop-course autograde --jobs 2` beside honest students. The run's first line says the
isolation (the grader's uid shared, no control group) and what this host cannot guarantee; honest
students keep full marks unless that line says the process cap is shared; attackers earn only what
their functions earn; the course and the gradebook come out as they should, and the report shows
every student's isolation."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import course_copy
from .support.attack_corpus import ATTACKS, target_places
from .support.backprop import ASSIGNMENT, NOTEBOOKS
from .support.batches import assert_gradebook_holds_only_grades, files_under
from .support.isolation_corpus import HOGS
from .support.released import release_by_copy
from .support.sandbox import needs_sandbox
from .support.wheel_venv import wheel_venv

pytestmark = [
    pytest.mark.slow,
    needs_sandbox,
    pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                       reason="needs root and setpriv to grade as a user who is not root"),
]

USER = 65534  # nobody
HOST_ATTACKS = ("kills_grader", "writes_gradebook", "detached_writer", "locks_gradebook", "changes_course",
                "reads_solutions")
NEIGHBOUR_HOGS = ("processes", "cpu", "disk")
HOLD_SECONDS = 5
CONFIG = "\nc.SandboxedGrading.cell_timeout = 8\nc.SandboxedGrading.call_timeout = 1\n"
DETACHED_WAIT = 8  # as in test_attacks.py: a detached attacker writes after this long, if it still can
POINTS = {notebook.name: float(notebook.autograded_points) for notebook in NOTEBOOKS}
SHARED_PROCESS_CAP = "a process cap per sandbox"  # host.py's words where the kernel counts per uid


def as_user(venv, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups", *command], cwd=cwd,
                          env=venv.env(cwd.parent / "home"), capture_output=True, text=True, timeout=900)


def submit(course, hogs: list, honest: list[str]) -> None:
    alice = answers_from_source((course.sample_answers / "alice.py").read_text())
    for student in honest:
        write_submission(course.release, alice, course.submission(student))
    for student, hog in hogs:
        write_submission(course.release, alice, course.submission(student))
        path = course.submission(student) / NOTEBOOKS[0].filename
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.append(new_code_cell(hog.cell(HOLD_SECONDS)))
        nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def graded():
    venv = wheel_venv()
    if isinstance(venv, str):
        pytest.skip(venv)
    work = Path(tempfile.mkdtemp(prefix="backprop-nonroot-"))
    work.chmod(0o755)
    try:
        course = course_copy(work / "course")
        with open(course.root / "nbgrader_config.py", "a") as config:
            config.write(CONFIG)
        release_by_copy(course)
        # each hog queued just before an honest student, so that they are graded at the same time
        hogs = [(f"{number}-a-{name}", next(hog for hog in HOGS if hog.name == name))
                for number, name in enumerate(NEIGHBOUR_HOGS)]
        honest = [f"{number}-h" for number in range(len(hogs))]
        submit(course, hogs, honest)
        attacks = [attack for attack in ATTACKS if attack.student in HOST_ATTACKS]
        correct = answers_from_source((course.sample_answers / "alice.py").read_text())
        places = {"course": str(course.root), "gradebook": str(course.gradebook), "tag": f"bp-{uuid.uuid4().hex[:8]}",
                  "python": venv.bin("python"), **target_places(course.contract)}
        for attack in attacks:
            write_submission(course.release, correct if attack.correct_functions else {},
                             course.submission(attack.student))
            path = course.submission(attack.student) / NOTEBOOKS[0].filename
            notebook = nbformat.read(path, as_version=4)
            notebook.cells.append(new_code_cell(attack.cell(**places)))
            nbformat.write(notebook, path)
        (work / "home").mkdir()
        for path in [work, *work.rglob("*")]:
            os.chown(path, USER, USER, follow_symlinks=False)
        before = files_under(course)
        started = time.monotonic()
        done = as_user(venv, venv.bin("backprop-course"), "autograde", ASSIGNMENT, "--jobs", "2", "--no-progress",
                       cwd=course.root)
        seconds = time.monotonic() - started
        at_end = hashlib.sha256(course.gradebook.read_bytes()).hexdigest()
        time.sleep(DETACHED_WAIT)
        report = as_user(venv, venv.bin("backprop-course"), "report", ASSIGNMENT, cwd=course.root)
        yield {"course": course, "done": done, "seconds": seconds, "before": before, "after": files_under(course),
               "gradebook_unchanged": at_end == hashlib.sha256(course.gradebook.read_bytes()).hexdigest(),
               "scores": notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT), "report": report,
               "honest": honest, "hogs": [student for student, _ in hogs], "attacks": attacks}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def isolation_of_run(graded) -> str:
    """The isolation the run's first line names: the grader's uid shared, a control group or not."""
    first = graded["done"].stdout.splitlines()[0]
    return "shared uid, no control group" if "shared uid, no control group" in first else "shared uid, control group"


def autograded(scores, student: str) -> dict[str, float]:
    return {name: score.auto_score for name, score in scores[student].items()}


def test_the_run_says_the_isolation_and_what_this_host_cannot_guarantee(graded):
    done = graded["done"]
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"sandbox: isolation: {isolation_of_run(graded)} (not root"), first
    if "no control group" in first:  # as for a user who is not root on most hosts
        assert "not guaranteed here: " in first and "memory and CPU per sandbox" in first
        assert "run the grading as root" in first
    assert "Traceback" not in done.stdout + done.stderr


def test_honest_students_and_neighbours_keep_full_marks_unless_the_run_said_it_could_not(graded):
    said_shared = SHARED_PROCESS_CAP in graded["done"].stdout.splitlines()[0]
    for student in [*graded["honest"], *graded["hogs"]]:
        if said_shared and student not in graded["honest"]:
            continue
        assert autograded(graded["scores"], student) == pytest.approx(POINTS), (student, graded["done"].stdout)


def test_host_attackers_earn_only_what_their_functions_earn(graded):
    contract = graded["course"].contract
    for attack in graded["attacks"]:
        assert autograded(graded["scores"], attack.student) == pytest.approx(attack.expected_points(contract)), \
            attack.student


def test_the_course_and_the_gradebook_come_out_as_they_should(graded):
    assert graded["after"] == graded["before"]
    assert graded["gradebook_unchanged"], "the gradebook changed after the run ended"
    assert_gradebook_holds_only_grades(graded["course"].gradebook)


def test_the_report_shows_every_student_s_isolation(graded):
    report = graded["report"]
    assert report.returncode == 0, report.stdout + report.stderr
    students = len(graded["honest"]) + len(graded["hogs"]) + len(graded["attacks"])
    assert f"isolation: {isolation_of_run(graded)} ({students})" in report.stdout
    print(f"graded {students} students as uid {USER} in {graded['seconds']:.0f} s")
