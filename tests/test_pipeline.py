"""The instructor pipeline through the real nbgrader apps: scores, feedback, export, re-runs."""

from __future__ import annotations

import csv

import pytest

from backprop_course.authoring.samples import expected_scores, sample_students
from backprop_course.commands.demo import run_demo
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .conftest import SOLUTION_STUDENT
from .support.backprop import ASSIGNMENT, CHECKS, NOTEBOOKS

pytestmark = pytest.mark.slow


def autograded_points(course) -> dict[str, dict[str, float]]:
    return {
        student: {name: found.auto_score for name, found in by_notebook.items()}
        for student, by_notebook in notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT).items()
    }


def test_sample_students_get_their_expected_scores(graded_course):
    points = autograded_points(graded_course)
    for student, expected in expected_scores(graded_course).items():
        assert points[student] == pytest.approx(expected), student


def test_the_solutions_submitted_as_a_student_get_full_marks(graded_course):
    points = autograded_points(graded_course)[SOLUTION_STUDENT]
    assert points == {notebook.name: notebook.autograded_points for notebook in NOTEBOOKS}
    assert sum(points.values()) == 15 + 12


def test_every_student_gets_feedback_that_names_each_lost_function(graded_course):
    points = autograded_points(graded_course)
    for student in sample_students(graded_course):
        for notebook in NOTEBOOKS:
            html = (graded_course.feedback / student / ASSIGNMENT / f"{notebook.name}.html").read_text()
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
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    scores = notebook_scores(f"sqlite:///{graded_course.gradebook}", ASSIGNMENT)
    assert set(rows) == set(scores)
    for student, by_notebook in scores.items():
        assert float(rows[student]["raw_score"]) == pytest.approx(sum(found.score for found in by_notebook.values()))
        assert float(rows[student]["max_score"]) == 15 + 15


def test_the_demo_runs_again_without_clean_up_and_grades_the_same(graded_course):
    before = autograded_points(graded_course)
    assert run_demo(graded_course) == 0
    assert autograded_points(graded_course) == before
