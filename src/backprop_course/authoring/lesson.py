"""Reads a lesson source: a jupytext percent-format file whose `# %%` lines carry the cells' markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext

from ..course.author_errors import AuthorError

# What a cell's `# %%` line may say (`# %% [markdown] exercise="norm"`, `# %% id="xor_data" locked=true`).
MARKERS = {
    "id": "the cell's id; every cell other than an exercise's, the given cell and author-only ones has one",
    "exercise": "a graded function: its Markdown cell is the lesson before the answer cell, its code "
    "cell the visible checks after it (the build adds the answer and the graded cells)",
    "given": "the given code cell: its imports, then the given helpers from the reference",
    "locked": "a read-only code cell",
    "solution": "an answer cell written in full, the solution between ### BEGIN SOLUTION and ### END SOLUTION",
    "manually_graded": "the Markdown answer graded by hand (its grade_id and points come from the contract)",
    "author_only": "left out of the notebook: it binds, for ruff and for running the lesson as it is, "
    "the names the notebook gets elsewhere",
}
# Markers that say what a cell is; a cell has at most one of them (plain cells have none).
ROLES = ("exercise", "given", "manually_graded", "author_only")
# What jupytext notes on a cell about the file's layout (say, two blank lines before the next
# `# %%` where it expects one): not markers, and the cell's text is the same without them.
LAYOUT = ("lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker", "skipline", "noskipline")
# A cell's `# %%` line, as jupytext's percent format starts a cell.
CELL_LINE = re.compile(r"^#\s*%%(\s|$)")


class LessonError(AuthorError):
    """A lesson source that the build cannot turn into a notebook; the message says where and why."""


@dataclass(frozen=True)
class LessonCell:
    """One cell of a lesson: Markdown or code, its text, and the markers of its `# %%` line."""

    cell_type: str
    source: str
    markers: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # the line of its `# %%` line in the lesson (its source starts on the next)

    @property
    def role(self) -> str | None:
        return next((role for role in ROLES if role in self.markers), None)

    @property
    def exercise(self) -> str | None:
        return self.markers.get("exercise")

    def describe(self) -> str:
        """How an error message names this cell: its first line and markers."""
        first_line = self.source.strip().splitlines()[0] if self.source.strip() else "(empty)"
        return f"{self.cell_type} cell {self.markers or '(no markers)'} starting {first_line!r}"


@dataclass(frozen=True)
class Lesson:
    """The cells of one lesson source, in order, and where it was read from."""

    path: Path
    cells: tuple[LessonCell, ...]

    def error(self, message: str, cell: LessonCell | None = None, fix: str = "") -> LessonError:
        where = f" ({cell.describe()})" if cell is not None else ""
        return LessonError(f"{message}{where}", self.path, cell.line if cell is not None else None, fix)


def read_lesson(path: Path) -> Lesson:
    """The lesson at path, its markers checked: known names, one role per cell, ids where needed."""
    if not path.is_file():
        raise LessonError("no lesson source here (an assignment folder's lessons/)", path,
                          fix="each notebook of the contract needs lessons/<notebook>.py")
    text = path.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="py:percent")
    lines = _cell_lines(text, len(notebook.cells))
    cells = tuple(
        LessonCell(cell.cell_type, cell.source,
                   {key: value for key, value in cell.metadata.items() if key not in LAYOUT}, line)
        for cell, line in zip(notebook.cells, lines)
        if cell.cell_type in ("markdown", "code")
    )
    lesson = Lesson(path, cells)
    for cell in cells:
        _check_markers(lesson, cell)
    ids = [cell.markers["id"] for cell in cells if "id" in cell.markers]
    duplicates = sorted({cell_id for cell_id in ids if ids.count(cell_id) > 1})
    if duplicates:
        raise lesson.error(f"cell ids used more than once: {duplicates}")
    if sum(cell.role == "given" for cell in cells) != 1:
        raise lesson.error("needs exactly one code cell marked given=true")
    return lesson


def _cell_lines(text: str, count: int) -> list[int | None]:
    """The line of each of count cells' `# %%` lines (None where the file's text cannot say)."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if CELL_LINE.match(line)]
    if len(found) == count:
        return found
    if len(found) == count - 1:  # text before the first `# %%` is a cell of its own
        return [None, *found]
    return [None] * count


def _check_markers(lesson: Lesson, cell: LessonCell) -> None:
    unknown = sorted(set(cell.markers) - set(MARKERS))
    if unknown:
        raise lesson.error(f"unknown markers {unknown}; the markers are {sorted(MARKERS)}", cell,
                           "correct the marker on this `# %%` line")
    roles = [role for role in ROLES if role in cell.markers]
    if len(roles) > 1:
        raise lesson.error(f"a cell has one role, this one {roles}", cell)
    code_only = {"given", "locked", "solution", "author_only"} & set(cell.markers)
    if code_only and cell.cell_type != "code":
        raise lesson.error(f"{sorted(code_only)} marks a code cell", cell)
    if "manually_graded" in cell.markers and cell.cell_type != "markdown":
        raise lesson.error("manually_graded marks a Markdown cell", cell)
    if cell.role is None and "id" not in cell.markers:
        raise lesson.error('every plain cell needs an id (`# %% id="..."`)', cell)
    if cell.role is not None and "id" in cell.markers:
        raise lesson.error(f"the id of a {cell.role} cell comes from the build; leave id out", cell)
