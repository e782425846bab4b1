"""How the course's cells are told apart: by nbgrader's metadata and the contract's ids."""

from __future__ import annotations

from nbformat import NotebookNode

ANSWER_PREFIX = "answer_"
VISIBLE_CHECK_PREFIX = "check_"
TEST_PREFIX = "test_"
LESSON_PREFIX = "lesson_"
# The locked cell that defines the helpers students are given (numpy, the given functions, ...).
GIVEN_CELL_ID = "given_code"


def answer_id(function_name: str) -> str:
    """The grade_id of the cell where the student writes function_name (a method, Class.method,
    is written in its class's cell)."""
    return f"{ANSWER_PREFIX}{function_name.split('.')[0]}"


def lesson_id(function_name: str) -> str:
    """The id of the Markdown cell that teaches function_name, before its answer."""
    return f"{LESSON_PREFIX}{_in_id(function_name)}"


def visible_check_id(function_name: str) -> str:
    """The grade_id of the locked cell of function_name's visible checks, right after its answer."""
    return f"{VISIBLE_CHECK_PREFIX}{_in_id(function_name)}"


def test_id(function_name: str) -> str:
    """The grade_id every graded cell of function_name starts with."""
    return f"{TEST_PREFIX}{_in_id(function_name)}"


def _in_id(function_name: str) -> str:
    """A function's name as a cell id has it: a method's Class.method as Class_method (ids have no dots)."""
    return function_name.replace(".", "_")


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader grade_id, or None for a cell nbgrader does not track."""
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_graded_test(cell: NotebookNode) -> bool:
    """Whether the cell is a graded test cell (graded, and not an answer)."""
    nbgrader = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and nbgrader.get("grade", False) and not nbgrader.get("solution", False)
