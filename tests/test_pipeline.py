"""The instructor pipeline through the real nbgrader apps, for every assignment of the course:
scores, feedback, export, re-runs."""

from __future__ import annotations

import csv

import pytest

from backprop_course.authoring.samples import expected_scores, sample_students
from backprop_course.commands.demo import run_demo
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .conftest import SOLUTION_STUDENT
from .support import REPO_COURSE
from .support.backprop import ASSIGNMENT, CHECKS, NOTEBOOKS

pytestmark = pytest.mark.slow
EVERY_ASSIGNMENT = pytest.mark.parametrize("assignment", REPO_COURSE.assignment_names)
# What each shipped assignment's notebooks are worth: autograded, and in all (the hand-graded part too).
AUTOGRADED = {"backprop": 15 + 12, "classification": 12 + 16, "autograd": 21 + 8 + 8}
IN_ALL = {"backprop": 15 + 15, "classification": 12 + 16, "autograd": 21 + 8 + 8}


def autograded_points(course, assignment: str = ASSIGNMENT) -> dict[str, dict[str, float]]:
    return {
        student: {name: found.auto_score for name, found in by_notebook.items()}
        for student, by_notebook in notebook_scores(f"sqlite:///{course.gradebook}", assignment).items()
    }


@EVERY_ASSIGNMENT
def test_sample_students_get_their_expected_scores(graded_course, assignment):
    points = autograded_points(graded_course, assignment)
    for student, expected in expected_scores(graded_course.of(assignment)).items():
        assert points[student] == pytest.approx(expected), student


@EVERY_ASSIGNMENT
def test_the_solutions_submitted_as_a_student_get_full_marks(graded_course, assignment):
    points = autograded_points(graded_course, assignment)[SOLUTION_STUDENT]
    notebooks = graded_course.of(assignment).contract.notebooks
    assert points == {notebook.name: notebook.autograded_points for notebook in notebooks}
    assert sum(points.values()) == AUTOGRADED[assignment]


@EVERY_ASSIGNMENT
def test_every_student_gets_feedback_that_names_each_lost_function(graded_course, assignment):
    course = graded_course.of(assignment)
    points = autograded_points(graded_course, assignment)
    for student in sample_students(course):
        for notebook in course.contract.notebooks:
            html = (graded_course.feedback / student / assignment / f"{notebook.name}.html").read_text()
            for function in notebook.functions:
                assert f"{function.name}: " in html, (student, function.name)
            if points[student][notebook.name] < notebook.autograded_points:
                assert "[" in html and "detail:" in html


def test_a_mistake_is_named_in_the_feedback(graded_course):
    html = (graded_course.feedback / "bob" / ASSIGNMENT / "multilayer.html").read_text()
    assert "sgd_step: params left unchanged: 0 of 1 point" in html
    assert "[sgd-mutates-input]" in html
    unchanged = (graded_course.feedback / "carol" / ASSIGNMENT / "single_neuron.html").read_text()
    checks = sum(len(CHECKS[function.name]) for function in NOTEBOOKS[0].functions)
    assert unchanged.count("[not-implemented]") == checks


def test_feedback_never_shows_the_hidden_tests(graded_course):
    for html in graded_course.feedback.rglob("*.html"):
        text = html.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "backprop_course" not in text, html


def test_export_writes_one_row_per_student_with_the_gradebook_totals(graded_course):
    with graded_course.grades_csv.open() as handle:
        rows = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    assert {assignment for assignment, _ in rows} == set(REPO_COURSE.assignment_names) == set(IN_ALL)
    for assignment in REPO_COURSE.assignment_names:
        scores = notebook_scores(f"sqlite:///{graded_course.gradebook}", assignment)
        assert {student for name, student in rows if name == assignment} == set(scores)
        for student, by_notebook in scores.items():
            row = rows[assignment, student]
            assert float(row["raw_score"]) == pytest.approx(sum(found.score for found in by_notebook.values()))
            assert float(row["max_score"]) == IN_ALL[assignment]


def test_the_demo_runs_again_without_clean_up_and_grades_the_same(graded_course):
    before = {name: autograded_points(graded_course, name) for name in REPO_COURSE.assignment_names}
    assert run_demo(graded_course) == 0
    assert {name: autograded_points(graded_course, name) for name in REPO_COURSE.assignment_names} == before
