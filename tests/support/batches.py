"""The mixed batch: the samples beside students who loop, crash, print too much, delete or reorder
cells, or submit a file that is not a notebook."""

from __future__ import annotations

import hashlib
import sqlite3

import nbformat
from nbformat.v4 import new_code_cell

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.autograde import autograde
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.apps import nbgrader_batch_log

from .attack_corpus import ATTACKS
from .backprop import SINGLE_NEURON
from .released import release_by_copy

# Short limits for the batch, written into each course's nbgrader_config.py.
CAP_CONFIG = "\nc.SandboxedGrading.cell_timeout = 6\nc.SandboxedGrading.call_timeout = 1\n"
EXTRA_CELLS = {
    "looper": "while True:\n    pass",
    "crasher": "import os\nos.kill(os.getpid(), 9)",
    "printer": "print('y' * 3_000_000)",
}
SAMPLES = ("alice", "bob", "carol")
# The two ways a class is graded: one student after another by nbgrader, two at a time by ours.
SERIAL, CONCURRENT = "nbgrader autograde", "backprop-course autograde --jobs 2"


def grade_in_mode(course: CourseDir, mode: str, options: tuple[str, ...]) -> list[str]:
    """Grade every submission of course's assignment (SERIAL or CONCURRENT, with nbgrader's command-line
    options); the students a run could not grade."""
    assignment = course.assignment
    if mode == SERIAL:
        failed, _ = nbgrader_batch_log("autograde", assignment, "--force", *options, course=course)
        return failed
    lines = autograde(CourseDir(course.root, options=options, assignment=assignment), assignment, jobs=2,
                      show=lambda line: None, progress=False)
    return sorted(student for student, line in lines.items() if line.host_failed or not line.recorded_in_full)


def mixed_batch(course, extra_config: str = CAP_CONFIG) -> list[str]:
    """The samples, students who loop, crash or print too much (with correct answers), one with
    deleted graded cells, one with cells in reverse order and one whose notebook is not a
    notebook; the student ids."""
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write(extra_config)
    release_by_copy(course)  # what release(course) leaves, copied from the session's release
    answers = {name: answers_from_source((course.sample_answers / f"{name}.py").read_text()) for name in SAMPLES}
    for student in SAMPLES:
        write_submission(course.release, answers[student], course.submission(student))
    for student, code in EXTRA_CELLS.items():
        write_submission(course.release, answers["alice"], course.submission(student))
        path = course.submission(student) / SINGLE_NEURON.filename
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(3, new_code_cell(code))
        nbformat.write(notebook, path)
    write_submission(course.release, answers["alice"], course.submission("deleter"))
    path = course.submission("deleter") / SINGLE_NEURON.filename
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells if cell.get("id") != "test_neuron_gradients_dw"]
    nbformat.write(notebook, path)
    write_submission(course.release, answers["alice"], course.submission("reorderer"))
    path = course.submission("reorderer") / SINGLE_NEURON.filename
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.reverse()  # every graded cell before its function, the given cell last
    nbformat.write(notebook, path)
    write_submission(course.release, answers["bob"], course.submission("garbled"))
    (course.submission("garbled") / SINGLE_NEURON.filename).write_text("not a notebook {")
    return [*SAMPLES, *EXTRA_CELLS, "deleter", "reorderer", "garbled"]


def students_of(corpus) -> dict[str, dict[str, tuple[str, str]]]:
    """Spread the corpus over students so that each has at most one mistake per function."""
    students: list[dict[str, tuple[str, str]]] = []
    for mistake_id, function_name, code in corpus:
        home = next((student for student in students if function_name not in student), None)
        if home is None:
            home = {}
            students.append(home)
        home[function_name] = (mistake_id, code)
    return {f"corpus{number:02d}": mistakes for number, mistakes in enumerate(students)}


def files_under(course) -> dict[str, str]:
    """sha256 of every file that grading must not change: config, source, release, solutions,
    and every submission."""
    roots = [course.root / "nbgrader_config.py", course.source, course.release, course.solutions, course.submitted]
    found = {}
    for root in roots:
        for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
            found[str(path.relative_to(course.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def submit_attackers(course, correct: dict[str, str], places: dict[str, str]) -> None:
    """A submission per attack of the corpus: the release with its stubs (or the correct answers,
    for the attacks that spoil grading), the attack's cell appended to the first notebook."""
    for attack in ATTACKS:
        write_submission(course.release, correct if attack.correct_functions else {}, course.submission(attack.student))
        path = course.submission(attack.student) / course.contract.notebooks[0].filename
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.append(new_code_cell(attack.cell(**places)))
        nbformat.write(notebook, path)


def assert_gradebook_holds_only_grades(gradebook) -> None:
    """The SQLite gradebook is sound, and holds no student nor hand grade that grading did not write."""
    with sqlite3.connect(gradebook) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM student WHERE id = 'intruder'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM grade WHERE manual_score IS NOT NULL OR extra_credit IS NOT NULL"
                          ).fetchone() == (0,)
