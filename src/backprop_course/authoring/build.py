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
from pathlib import Path

import nbformat

from ..course.contract import Notebook
from ..course.helper_module import helper_module_importable, helper_module_text
from ..course.paths import CourseDir
from . import markdown
from .build_time import evaluate_check, run
from .cells import notebook as notebook_of
from .expand import check_exercises, expand, given_source
from .gates import gate_checks
from .known import known
from .lesson import Lesson, LessonCell, read_lesson

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
    namespace: dict = {}
    filled = []
    for cell in cells:
        if cell.role == "given":
            run(given_source(cell, notebook), namespace, f"{lesson.path}: the given cell")
        elif cell.role == "exercise" and cell.cell_type == "markdown":
            run(contract.solution_source(cell.exercise), namespace, f"the answer of {cell.exercise}")
        elif cell.role == "exercise":
            label = f"{lesson.path}: the checks of {cell.exercise}"
            cell = dataclasses.replace(cell, source=evaluate_check(cell.source, namespace, label,
                                                                   functools.partial(known, contract)))
        filled.append(cell)
    return filled


STEPS = (drop_author_only, fill_markdown, gate_checks, fill_known_values)


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


def build_source(course: CourseDir) -> list[Path]:
    """Write every source notebook of the course's assignment, and the helper module beside them,
    into its source folder; their paths."""
    contract = course.contract
    course.source.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in contract.notebooks:
        path = course.source / notebook.filename
        nbformat.write(build_notebook(course, notebook), path)
        written.append(path)
    module = course.source / contract.helper_file
    module.write_text(helper_module_text(contract))
    return [*written, module]
