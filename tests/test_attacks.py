"""The attack corpus, graded in one batch with honest students through real `nbgrader autograde`.

Each attacker is checked on its own: it earns only what its functions earn, and the course,
the gradebook and the machine come out of the batch as they should.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
import uuid

import nbformat
import pytest

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.nbgrader_glue.apps import nbgrader_batch_log
from backprop_course.nbgrader_glue.gradebook import notebook_scores
from backprop_course.sandbox.caps import DEFAULT

from .support.attack_corpus import ATTACKS, target_places
from .support.backprop import ASSIGNMENT, CONTRACT, NOTEBOOKS, SINGLE_NEURON
from .support.batches import assert_gradebook_holds_only_grades, files_under, submit_attackers
from .support.released import released_copy
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [pytest.mark.slow, needs_sandbox]

HONEST = ("alice", "bob")
# Short limits, so that the attacks that wait out a limit keep the batch short.
CAP_OPTIONS = ("--SandboxedGrading.cell_timeout=8", "--SandboxedGrading.call_timeout=1")
POINTS = {notebook.name: notebook.autograded_points for notebook in NOTEBOOKS}
# How long a detached attacker waits before it writes: the gradebook is checked after that.
DETACHED_WAIT = 8


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    course = released_copy(tmp_path_factory.mktemp("attacks") / "course")
    tag = f"bp-attack-{uuid.uuid4().hex[:10]}"
    places = {"course": str(course.root), "gradebook": str(course.gradebook), "tag": tag, "python": sys.executable,
              **target_places(course.contract)}
    correct = answers_from_source((course.sample_answers / "alice.py").read_text())
    for student in HONEST:
        answers = answers_from_source((course.sample_answers / f"{student}.py").read_text())
        write_submission(course.release, answers, course.submission(student))
    submit_attackers(course, correct, places)
    before = files_under(course)
    failed, log = nbgrader_batch_log("autograde", ASSIGNMENT, "--force", *CAP_OPTIONS, course=course)
    graded_at = hashlib.sha256(course.gradebook.read_bytes()).hexdigest()
    time.sleep(DETACHED_WAIT)
    return {
        "course": course,
        "tag": tag,
        "failed": failed,
        "log": log,
        "before": before,
        "after": files_under(course),
        "gradebook_at_end": graded_at,
        "gradebook_later": hashlib.sha256(course.gradebook.read_bytes()).hexdigest(),
        "scores": notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT),
    }


def autograded(course, student: str, notebook: str = SINGLE_NEURON.name):
    return nbformat.read(course.autograded / student / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)


def limits_noted(notebook) -> set[str]:
    return {output.ename for cell in notebook.cells for output in cell.get("outputs", [])
            if output.output_type == "error" and output.ename in ("time-limit", "output-limit", "kernel-died")} | {
        mistake for mistake in ("time-limit", "kernel-died") for cell in notebook.cells
        for output in cell.get("outputs", []) if f"[{mistake}]" in output.get("text", "")}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.student)
def test_an_attacker_earns_only_what_its_functions_earn(attacked, attack):
    scores = attacked["scores"][attack.student]
    assert {name: scores[name].auto_score for name in POINTS} == attack.expected_points(CONTRACT), attack.what


def test_honest_students_keep_their_marks_and_the_batch_finishes(attacked):
    assert attacked["failed"] == []
    for student, total in (("alice", 27), ("bob", 22)):
        assert sum(score.auto_score for score in attacked["scores"][student].values()) == total
    assert set(attacked["scores"]) == {*HONEST, *(attack.student for attack in ATTACKS)}


def test_course_files_are_byte_identical(attacked):
    changed = {path for path in attacked["before"] if attacked["before"][path] != attacked["after"].get(path)}
    assert changed == set()
    assert attacked["before"].keys() == attacked["after"].keys()


def test_the_gradebook_holds_only_what_grading_wrote(attacked):
    gradebook = attacked["course"].gradebook
    assert attacked["gradebook_at_end"] == attacked["gradebook_later"], "written after grading ended"
    assert_gradebook_holds_only_grades(gradebook)
    with sqlite3.connect(gradebook) as db:
        db.execute("BEGIN EXCLUSIVE")  # nobody holds a lock on it
        db.rollback()


def test_nothing_a_submission_started_is_still_alive(attacked):
    left = subprocess.run(["pgrep", "-af", attacked["tag"]], capture_output=True, text=True).stdout.strip()
    assert left == ""
    assert sandboxed_kernels() == ""


def test_no_autograded_notebook_passes_the_output_cap(attacked):
    course = attacked["course"]
    for path in course.autograded.rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        output_bytes = sum(len(json.dumps(cell.get("outputs", []))) for cell in notebook.cells)
        assert output_bytes <= DEFAULT.output_bytes + 100_000, path


@pytest.mark.parametrize(("student", "mistake"), [
    ("loops_forever", "time-limit"),
    ("function_ignores_time_limit", "time-limit"),
    ("prints_100mb", "output-limit"),
    ("kills_own_kernel", "kernel-died"),
    ("exits_when_graded", "kernel-died"),
])
def test_limits_are_named_in_the_feedback_and_the_log(attacked, student, mistake):
    assert mistake in limits_noted(autograded(attacked["course"], student))
    assert any(student in line and f"[{mistake}]" in line for line in attacked["log"].splitlines())
