"""Running released check cells in a plain Python namespace, as a student's notebook would: the
released given cell (which imports the released helper module), then each function's answer (the
student's, or the solutions') and its check cell, in order. For any assignment of a course."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import signal
import sys
import warnings
from pathlib import Path

import nbformat

from backprop_course.authoring.assignment_check.check_cells import MISTAKE_ID
from backprop_course.authoring.build import lesson_path
from backprop_course.authoring.gates import check_dependencies
from backprop_course.authoring.lesson import read_lesson
from backprop_course.course.paths import CourseDir


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
    are answers {function: code} (the solutions' for the others): the released given cell, then each
    function's answer and check cell in order, up to until's, going on past a failing cell as
    nbgrader validate does."""
    release, solutions = cells_by_id(course.release, notebook), cells_by_id(course.solutions, notebook)
    shown = {}
    with released_helper_module(course), _time_limit(60), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what numpy warns of a student's code (log of a negative, ...)
        namespace: dict = {}
        exec(release["given_code"].source, namespace)
        written = set()
        for function in notebook.functions:
            if function.answer_id not in written:  # a class's one cell, with the methods' answers in it
                written.add(function.answer_id)
                code = next((answers[other.name] for other in notebook.functions
                             if other.answer_id == function.answer_id and other.name in answers), None)
                exec(code or solutions[function.answer_id].source, namespace)
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                try:
                    exec(release[function.visible_check_id].source, namespace)
                except Exception as error:  # what the notebook would show under the cell
                    print(f"{type(error).__name__}: {error}")
            shown[function.name] = output.getvalue()
            if function.name == until:
                break
    return shown


@contextlib.contextmanager
def _time_limit(seconds: int):
    def stop(signum, frame):
        raise TimeoutError(f"the check ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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
