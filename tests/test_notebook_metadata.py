"""The notebooks' nbgrader metadata (grade_ids, points, cell kinds) against the contract."""

from __future__ import annotations

import nbformat
import pytest

from .support import REPO_COURSE
from .support.backprop import CHECKS, MANUAL_GRADE_ID, NOTEBOOKS, PUBLIC_EXAMPLES

COURSE = REPO_COURSE
FOLDERS = {"source": COURSE.source, "release": COURSE.release, "solutions": COURSE.solutions}


def nbgrader_cells(path):
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells if "nbgrader" in cell.metadata]


@pytest.mark.parametrize("folder", sorted(FOLDERS))
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_graded_cells_and_points_match_the_contract(folder, notebook):
    cells = nbgrader_cells(FOLDERS[folder] / notebook.filename)
    points = {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader.get("points")
              for cell in cells if cell.metadata.nbgrader["grade"]}
    expected = {check.grade_id: check.points for function in notebook.functions for check in CHECKS[function.name]}
    if notebook.manual_points:
        expected[MANUAL_GRADE_ID] = notebook.manual_points
    assert points == expected
    answers = [cell.metadata.nbgrader["grade_id"] for cell in cells
               if cell.metadata.nbgrader["solution"] and cell.cell_type == "code"
               and cell.metadata.nbgrader["grade_id"].startswith("answer_")]
    assert answers == [function.answer_id for function in notebook.functions]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_each_answer_cell_defines_its_function_alone_and_the_release_raises(notebook):
    cells = {cell.metadata.nbgrader["grade_id"]: cell for cell in nbgrader_cells(COURSE.release / notebook.filename)}
    for function in notebook.functions:
        source = cells[function.answer_id].source
        assert source.startswith(f"def {function.name}{function.signature}:")
        assert source.count("def ") == 1
        assert source.rstrip().endswith("raise NotImplementedError()")
        for check in CHECKS[function.name]:
            assert cells[check.grade_id].metadata.nbgrader["locked"]
            visible_line = f"assert_implemented({function.name}, {PUBLIC_EXAMPLES[function.name]})"
            assert cells[check.grade_id].source.rstrip().endswith(visible_line)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_the_release_never_shows_the_grader_or_a_solution(notebook):
    text = (COURSE.release / notebook.filename).read_text()
    for hidden in ("backprop_course", "BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "hidden_tests"):
        assert hidden not in text
