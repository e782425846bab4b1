"""Instructor verb: release/ and solutions/ from source/, through nbgrader's own generators."""

from __future__ import annotations

from .contract import ASSIGNMENT
from .nbgrader_apps import nbgrader
from .paths import CourseDir

STEPS = (
    ("generate_assignment", ASSIGNMENT, "--force"),
    ("generate_solution", ASSIGNMENT, "--force"),
)


def generate(course: CourseDir) -> None:
    """Write release/<assignment> and solutions/<assignment> (and the gradebook's assignment)."""
    for step in STEPS:
        nbgrader(*step, course_dir=course.root)
