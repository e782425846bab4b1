"""Turns lesson cells into notebook cells; an exercise expands from the contract, the reference and the checks.

An exercise's Markdown cell becomes its lesson (`lesson_<f>`) followed by the answer cell
(`answer_<f>`, the reference's source with its solution between ### BEGIN/END SOLUTION); its
code cell becomes the read-only visible checks (`check_<f>`) followed by one graded cell per
check of the contract (`test_<f>_<check>`), worth the check's points.
"""

from __future__ import annotations

import nbformat

from ..course.cells import GIVEN_CELL_ID, answer_id, lesson_id, visible_check_id
from ..course.contract import Check, Notebook
from ..course.helper_module import helper_import
from .cells import code_cell, markdown_cell
from .lesson import Lesson, LessonCell


def given_source(cell: LessonCell, notebook: Notebook) -> str:
    """The given cell's code: the lesson's imports, the helper module's, then the given helpers from the reference."""
    return cell.source.strip("\n") + "\n\n" + given_helpers(notebook)


def given_helpers(notebook: Notebook) -> str:
    """What the given cell adds to the lesson's code: the helper module's import, the given helpers."""
    return helper_import(notebook.contract) + "\n\n\n" + notebook.contract.given_code(notebook.given)


def answer_cell(notebook: Notebook, function_name: str) -> nbformat.NotebookNode:
    source = notebook.contract.solution_source(function_name)
    return code_cell(answer_id(function_name), source, solution=True)


def hidden_test_cell(notebook: Notebook, check: Check) -> nbformat.NotebookNode:
    """One graded cell per check: in the release it only fails until the function is written.

    When nbgrader grades the notebook, the hidden lines run the grader first (it prints the
    feedback) and end the cell with the score, which nbgrader reads as partial credit.
    """
    unit = "point" if check.points == 1 else "points"
    contract = notebook.contract
    example = contract.functions[check.function].public_example
    written = f"assert_implemented({check.function}, {example})"
    if contract.functions[check.function].scenario is not None:  # its steps, played on the public example
        written = f'assert_plays("{check.function}", {example})'
    source = f"""
# Hidden tests grade the {check.title} of {check.function} here ({check.points} {unit}).
# Until then this cell checks that the function is written.
### BEGIN HIDDEN TESTS
import backprop_course.nbgrader_glue.hidden_tests as _backprop_hidden_tests
_backprop_score = _backprop_hidden_tests.grade("{contract.name}", "{check.function}", "{check.name}", globals())
### END HIDDEN TESTS
{written}
### BEGIN HIDDEN TESTS
_backprop_score
### END HIDDEN TESTS
"""
    return code_cell(check.grade_id, source, grade=True, locked=True, points=check.points)


def check_exercises(lesson: Lesson, notebook: Notebook) -> None:
    """Each graded function of notebook is one exercise, in the contract's order: Markdown, then code."""
    found = [(cell.exercise, cell.cell_type) for cell in lesson.cells if cell.role == "exercise"]
    wanted = [(function.name, kind) for function in notebook.functions for kind in ("markdown", "code")]
    if found != wanted:
        raise lesson.error(
            f"the exercises must be {', '.join(f'{name} ({kind})' for name, kind in wanted)} in this order, "
            f"one Markdown and one code cell each; found {', '.join(f'{name} ({kind})' for name, kind in found)}"
        )
    manual = [cell for cell in lesson.cells if cell.role == "manually_graded"]
    if len(manual) != (1 if notebook.manual_points else 0):
        raise lesson.error(f"{notebook.name} has {notebook.manual_points} points graded by hand: "
                           f"{'one' if notebook.manual_points else 'no'} cell marked manually_graded=true")


def expand(cell: LessonCell, notebook: Notebook) -> list[nbformat.NotebookNode]:
    """The notebook cells of one lesson cell (see the module's docstring for exercises)."""
    if cell.role == "exercise" and cell.cell_type == "markdown":
        written_with = next(function.name for function in notebook.functions
                            if function.answer_id == answer_id(cell.exercise))  # a method: its class's first
        answer = [answer_cell(notebook, cell.exercise)] if written_with == cell.exercise else []
        return [markdown_cell(lesson_id(cell.exercise), cell.source), *answer]
    if cell.role == "exercise":
        return [
            code_cell(visible_check_id(cell.exercise), cell.source, locked=True),
            *(hidden_test_cell(notebook, check) for check in notebook.contract.checks[cell.exercise]),
        ]
    if cell.role == "given":
        return [code_cell(GIVEN_CELL_ID, given_source(cell, notebook), locked=True)]
    if cell.role == "manually_graded":
        return [markdown_cell(notebook.manual_grade_id, cell.source, grade=True, solution=True,
                              points=notebook.manual_points)]
    if cell.role == "author_only":
        return []
    nbgrader = {key: True for key in ("locked", "solution") if cell.markers.get(key)}
    make = code_cell if cell.cell_type == "code" else markdown_cell
    return [make(cell.markers["id"], cell.source, **nbgrader)]
