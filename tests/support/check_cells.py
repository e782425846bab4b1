"""Running released check cells in a plain Python namespace, as a student's notebook would: the
released given cell (which imports the released helper module), then each function's answer (the
student's, or the solutions') and its check cell, in order. For any assignment of a course."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path

import nbformat

from backprop_course.authoring.assignment_check.check_cells import MISTAKE_ID, run_check_cells
from backprop_course.authoring.build import lesson_path
from backprop_course.authoring.gates import check_dependencies
from backprop_course.authoring.lesson import read_lesson
from backprop_course.course.paths import CourseDir

CHECK_SECONDS = 60  # a check cell that runs longer shows so, and the next one runs


@contextlib.contextmanager
def released_helper_module(course: CourseDir):
    """`import <helper module>` finds the released file (and nothing of this package's)."""
    contract = course.contract
    spec = importlib.util.spec_from_file_location(contract.helper_module, course.release / contract.helper_file)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(contract.helper_module)
    sys.modules[contract.helper_module] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(contract.helper_module)
        if previous is not None:
            sys.modules[contract.helper_module] = previous


def check_waits(course: CourseDir, notebook) -> dict[str, tuple[str, ...]]:
    """{function: the functions whose checks its check cell waits for}, as the build derives it."""
    return check_dependencies(notebook, list(read_lesson(lesson_path(course, notebook)).cells))


def cells_by_id(folder: Path, notebook) -> dict[str, nbformat.NotebookNode]:
    return {cell.id: cell for cell in nbformat.read(folder / notebook.filename, as_version=4).cells}


def run_check(course: CourseDir, function_name: str, student_code: str | None) -> str:
    """What the released check cell of function_name shows when the student's answer is student_code
    (None: the solution), the check cells before it run first, as Run All runs them."""
    notebook = course.contract.notebook_of[function_name]
    answers = {} if student_code is None else {function_name: student_code}
    return run_checks(course, notebook, answers, until=function_name)[function_name]


def run_checks(course: CourseDir, notebook, answers: dict[str, str], until: str | None = None) -> dict[str, str]:
    """What each released check cell of notebook shows, {function: output}, when the student's answers
    are answers {function: code} (the solutions' for the others), up to until's: the package's
    run_check_cells on the released cells, the solutions' answer cells and the released helper module."""
    release, solutions = cells_by_id(course.release, notebook), cells_by_id(course.solutions, notebook)
    cells = {cell_id: cell.source for cell_id, cell in release.items()}
    cells.update({function.answer_id: solutions[function.answer_id].source for function in notebook.functions})
    with released_helper_module(course):
        shown = run_check_cells(cells, notebook, answers, until, seconds=CHECK_SECONDS)
    return {name: output for name, (_, output) in shown.items()}


def check_cell_outcomes(course: CourseDir, entries, exceptions) -> tuple[int, list[str], str]:
    """Run each (corpus, mistake id, function, code) entry through its released check cell.

    An entry is right when the first id the cell prints is its own, or, where exceptions
    {(corpus, mistake id): (what it shows instead, why)} lists it, when the cell shows that and does
    not name it. Returns how many were named, the wrong ones, and a table of every outcome.
    """
    rows, wrong = [], []
    for corpus, mistake_id, function_name, code in entries:
        shown = run_check(course, function_name, code)
        printed = MISTAKE_ID.findall(shown)
        named = printed[:1] == [mistake_id]
        exception = exceptions.get((corpus, mistake_id))
        ok = named if exception is None else (exception[0] in shown and mistake_id not in printed)
        rows.append(f"{corpus:14} {mistake_id:34} {function_name:17} {', '.join(printed) or '-':40} "
                    f"{'named' if named else 'see reason'}")
        if not ok:
            wrong.append(f"{corpus} {mistake_id}: {shown.strip()[-400:]}")
    count = sum(row.endswith(" named") for row in rows)
    lines = [f"{'corpus':14} {'expected id':34} {'function':17} {'printed ids':40} outcome", *rows,
             f"named {count} of {len(rows)}",
             *(f"not named: {corpus} {mistake_id}: {why}" for (corpus, mistake_id), (_, why) in exceptions.items())]
    return count, wrong, "\n".join(lines)
