"""Builds the assignment's notebooks from the course's lessons: `backprop-course build-source`.

Each notebook is its lesson (assignments/<assignment>/lessons/<notebook>.py of the course
directory) put through STEPS,
then each lesson cell expanded into notebook cells (expand.py). Points and grade_ids come from
the contract, given code and solutions from the reference, known values from running the
reference, so none of these facts is typed twice.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from pathlib import Path

import nbformat

from ..course.contract import Notebook
from ..course.helper_module import helper_module_importable, helper_module_text
from ..course.paths import CourseDir
from . import markdown
from .build_time import Place, evaluate_check, run
from .cells import notebook as notebook_of
from .expand import check_exercises, expand, given_helpers
from .gates import gate_checks
from .known import known
from .lesson import Lesson, LessonCell, read_lesson
from .written import write_notebook, write_text

Cells = list[LessonCell]


def drop_author_only(lesson: Lesson, notebook: Notebook, cells: Cells) -> Cells:
    return [cell for cell in cells if cell.role != "author_only"]


def fill_markdown(lesson: Lesson, notebook: Notebook, cells: Cells) -> Cells:
    """`{{ name }}` placeholders in Markdown cells replaced by their values (markdown.py)."""
    filled = []
    for cell in cells:
        if cell.cell_type == "markdown":
            unknown = markdown.unknown_placeholders(cell.source)
            if unknown:
                raise lesson.error(f"unknown placeholders {unknown}; known: {sorted(markdown.PLACEHOLDERS)}", cell)
            cell = dataclasses.replace(cell, source=markdown.fill(cell.source, notebook))
        filled.append(cell)
    return filled


def fill_known_values(lesson: Lesson, notebook: Notebook, cells: Cells) -> Cells:
    """Check code run on the reference (given cell, answers, checks in order), known() calls as literals."""
    with helper_module_importable(notebook.contract):
        return _fill_known_values(lesson, notebook, cells)


def _fill_known_values(lesson: Lesson, notebook: Notebook, cells: Cells) -> Cells:
    contract = notebook.contract
    folder = Path(contract.folder)
    namespace: dict = {}
    filled = []
    for cell in cells:
        place = Place(lesson.path, cell.line + 1, folder) if cell.line else None
        if cell.role == "given":
            run(cell.source, namespace, "the given cell", place)
            run(given_helpers(notebook), namespace, "the given helpers from reference.py")
        elif cell.role == "exercise" and cell.cell_type == "markdown":
            answer = _place_of(contract.reference_function(cell.exercise), folder)
            run(contract.solution_source(cell.exercise), namespace, f"the answer of {cell.exercise}", answer)
        elif cell.role == "exercise":
            label = f"the checks of {cell.exercise}"
            cell = dataclasses.replace(cell, source=evaluate_check(cell.source, namespace, label,
                                                                   functools.partial(known, contract), place))
        filled.append(cell)
    return filled


def _place_of(answer, folder: Path) -> Place | None:
    """Where the reference defines answer (a function, class or method), or None if Python cannot say."""
    try:
        return Place(Path(inspect.getsourcefile(answer)), inspect.getsourcelines(answer)[1], folder)
    except (TypeError, OSError):
        return None


# gate_checks last: the lines it adds around check code would shift the lesson lines an error names.
STEPS = (drop_author_only, fill_markdown, fill_known_values, gate_checks)


def lesson_path(course: CourseDir, notebook: Notebook) -> Path:
    return course.lessons / f"{notebook.name}.py"


def build_notebook(course: CourseDir, notebook: Notebook) -> nbformat.NotebookNode:
    """The source notebook of notebook, from the course's lesson."""
    lesson = read_lesson(lesson_path(course, notebook))
    check_exercises(lesson, notebook)
    cells = list(lesson.cells)
    for step in STEPS:
        cells = step(lesson, notebook, cells)
    return notebook_of([built for cell in cells for built in expand(cell, notebook)])


def lesson_line(course: CourseDir, notebook: Notebook, cell_id: str) -> tuple[Path, int | None]:
    """The lesson of notebook, and the line of its cell that the built cell cell_id comes from
    (None when no cell of the lesson makes it)."""
    lesson = read_lesson(lesson_path(course, notebook))
    lines = [cell.line for cell in lesson.cells if any(built.id == cell_id for built in expand(cell, notebook))]
    return lesson.path, lines[0] if lines else None


def build_source(course: CourseDir) -> list[Path]:
    """Write every source notebook of the course's assignment, and the helper module beside them,
    into its source folder; the paths of those whose text changed (the others are left alone)."""
    contract = course.contract
    built = {course.source / notebook.filename: build_notebook(course, notebook) for notebook in contract.notebooks}
    written = [path for path, notebook in built.items() if write_notebook(path, notebook)]
    module = course.source / contract.helper_file
    return written + ([module] if write_text(module, helper_module_text(contract)) else [])
