"""The mistake corpus through real `nbgrader autograde` and `generate_feedback`, graded twice."""

from __future__ import annotations

import collections
import difflib

import nbformat
import pytest

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.demo import autograde_step, feedback
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .corpora.backprop import CORPUS
from .support import course_copy
from .support.backprop import ASSIGNMENT, CHECKS, NOTEBOOK_OF, NOTEBOOKS
from .support.batches import students_of
from .support.released import release_by_copy

pytestmark = pytest.mark.slow

# Every corpus mistake, the function that never returns included: it loops only on inputs
# larger than the visible checks use, so the grader's own time limit is what stops it.
BATCH = CORPUS
# Where the student's code runs: it prints whether it can see the course directory.
SHOW_SANDBOX = "import os\nprint('course visible:', os.path.exists({course!r}))"
# Correct, but loud: warnings, stderr and stdout from inside the function cost nothing.
NOISY_STUDENT = "noisy"
NOISY_FORWARD = """
import os, sys, warnings
def neuron_forward(X, w, b):
    warnings.warn("student warning")
    print("to stderr", file=sys.stderr)
    os.write(2, b"straight to file descriptor 2\\n")
    print("to stdout")
    return 1 / (1 + np.exp(-(X @ w + b)))
"""


# Correct answers, but graded cells deleted: the grader puts them back and grades them.
DELETER = "deleter"
DELETED = ("test_neuron_forward_values", "test_neuron_gradients_dw", "test_neuron_gradients_db")
# One notebook of the submission is not a notebook at all: that student's other notebook and
# every other student are graded as usual.
NOT_A_NOTEBOOK = "garbled"


def delete_graded_cells(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") not in DELETED
    ]
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def corpus_course(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("corpus") / "course")
    correct = answers_from_source((course.sample_answers / "alice.py").read_text())
    students = {**students_of(BATCH), NOISY_STUDENT: {}, DELETER: {}}
    for student, mistakes in students.items():
        answers = dict(correct, learning_rate_plot=SHOW_SANDBOX.format(course=str(course.root)))
        answers.update({f"answer_{name}": code.strip("\n") for name, (_, code) in mistakes.items()})
        if student == NOISY_STUDENT:
            answers["answer_neuron_forward"] = NOISY_FORWARD.strip("\n")
        write_submission(course.release, answers, course.submission(student))
    delete_graded_cells(course.submission(DELETER) / "single_neuron.ipynb")
    write_submission(course.release, correct, course.submission(NOT_A_NOTEBOOK))
    (course.submission(NOT_A_NOTEBOOK) / "single_neuron.ipynb").write_text("this is not a notebook {")
    release_by_copy(course)
    autograde_step(course)
    feedback(course)
    first = snapshot(course, students)
    autograde_step(course)
    feedback(course)
    return course, students, first, snapshot(course, students)


def snapshot(course, students):
    """Per-cell scores and the feedback pages of every corpus student."""
    db_url = f"sqlite:///{course.gradebook}"
    return {
        student: (
            cell_scores(db_url, ASSIGNMENT, student),
            {nb.name: (course.feedback / student / ASSIGNMENT / f"{nb.name}.html").read_text() for nb in NOTEBOOKS},
        )
        for student in students
    }


def test_each_mistake_costs_points_only_in_its_function_and_is_named(corpus_course):
    course, students, graded, _ = corpus_course
    for student, mistakes in students.items():
        scores, pages = graded[student]
        lost = collections.Counter()
        for function_name in (name for nb in NOTEBOOKS for name in (f.name for f in nb.functions)):
            for check in CHECKS[function_name]:
                score, max_score = scores[check.grade_id]
                lost[function_name] += max_score - score
        assert {name for name, points in lost.items() if points > 0} == set(mistakes), student
        for function_name, (mistake_id, _) in mistakes.items():
            assert f"[{mistake_id}]" in pages[NOTEBOOK_OF[function_name].name], (student, mistake_id)


def test_grading_twice_gives_identical_scores_and_feedback(corpus_course):
    _, students, first, second = corpus_course
    for student in students:
        assert first[student][0] == second[student][0], student
        for notebook, page in first[student][1].items():
            again = second[student][1][notebook]
            assert page == again, "\n".join(difflib.unified_diff(page.splitlines(), again.splitlines(), n=1))


def test_student_code_runs_where_the_course_is_out_of_sight(corpus_course):
    course, students, _, _ = corpus_course
    for student in students:
        notebook = nbformat.read(course.autograded / student / ASSIGNMENT / "multilayer.ipynb", as_version=4)
        plot_cell = next(cell for cell in notebook.cells if cell.get("id") == "learning_rate_plot")
        printed = "".join(output.get("text", "") for output in plot_cell.outputs)
        assert "course visible: False" in printed, printed


def test_deleted_graded_cells_are_put_back_and_graded(corpus_course):
    course, _, graded, _ = corpus_course
    scores, pages = graded[DELETER]
    points = {check.grade_id: check.points for checks in CHECKS.values() for check in checks}
    assert {grade_id: scores[grade_id] for grade_id in DELETED} == {
        grade_id: (points[grade_id], points[grade_id]) for grade_id in DELETED
    }
    assert "was missing from the submission and was put back" in pages["single_neuron"]


def test_a_file_that_is_not_a_notebook_costs_only_that_notebook(corpus_course):
    course, _, _, _ = corpus_course
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    assert scores[NOT_A_NOTEBOOK]["multilayer"].auto_score == 12
    assert scores[NOT_A_NOTEBOOK]["single_neuron"].auto_score == 0
