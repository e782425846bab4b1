"""A course of one assignment, the starter that `backprop-course new-assignment` writes, not yet
built: the smallest assignment to break and rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

from backprop_course.commands.new_assignment import write_starter
from backprop_course.course.paths import CourseDir

from . import REPO_ROOT

NAME = "tiny"


def starter_course(root: Path) -> CourseDir:
    """The starter assignment NAME in a new course at root, with the repository's nbgrader_config.py."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    course = CourseDir(root, assignment=NAME)
    write_starter(course, NAME)
    return course


def edit(course: CourseDir, filename: str, old: str, new: str) -> int:
    """Replace old by new (once) in a file of the assignment's folder; the line new starts on."""
    path = course.assignment_folder / filename
    text = path.read_text()
    assert text.count(old) == 1, f"{filename}: {old!r}"
    text = text.replace(old, new)
    path.write_text(text)
    return text[: text.index(new)].count("\n") + 1
