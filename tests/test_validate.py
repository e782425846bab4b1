"""`nbgrader validate`: the solutions pass every test; the unanswered release passes none."""

from __future__ import annotations

import pytest

from backprop_course.nbgrader_glue.apps import nbgrader

from .support.backprop import CHECKS, NOTEBOOKS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_solutions_pass_validation(course, notebook):
    result = nbgrader("validate", str(course.solutions / notebook.filename), course=course)
    assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_the_release_passes_no_test(course, notebook):
    inverted = nbgrader("validate", "--invert", str(course.release / notebook.filename), course=course)
    assert "Success! The notebook does not pass any tests." in inverted.stdout, inverted.stdout + inverted.stderr
    plain = nbgrader("validate", str(course.release / notebook.filename), course=course)
    graded_cells = sum(len(CHECKS[function.name]) for function in notebook.functions)
    graded_cells += 1 if notebook.manual_points else 0
    assert f"VALIDATION FAILED ON {graded_cells} CELL(S)!" in plain.stdout, plain.stdout + plain.stderr
