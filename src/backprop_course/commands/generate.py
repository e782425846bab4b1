"""Author's verb: release/ and solutions/ from source/, through nbgrader's own generators."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..course.paths import CourseDir
from ..nbgrader_glue.apps import nbgrader

STEPS = ("generate_assignment", "generate_solution")


def generate(course: CourseDir) -> None:
    """Write release/<assignment> and solutions/<assignment> from source/<assignment>, for the
    course's assignment.

    A throwaway gradebook records the cells, so that regenerating after an edit of source/ never
    clashes with the submissions of the course's own gradebook.
    """
    with tempfile.TemporaryDirectory(prefix="backprop-generate-") as scratch:
        db_url = f"--CourseDirectory.db_url=sqlite:///{Path(scratch) / 'gradebook.db'}"
        for step in STEPS:
            nbgrader(step, course.assignment, "--force", db_url, course=course)
