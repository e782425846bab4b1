"""The repository's course released once per test run, handed out by copy.

`nbgrader generate_assignment` takes seconds per assignment; what it leaves in a copy of this
course is the same every time: release/ (the same files as the repository's) and a gradebook
(gradebook.db) holding the course, its assignments, their notebooks and cells. So the tests
release the course once per run, in a folder its workers share (support/run_shared.py), and copy
release/ and gradebook.db into each course that they would release: the copy is what a fresh
release leaves. Nothing in that
gradebook names a folder (nbgrader_config.py finds the course from its own path), so a copy
works in its new folder as the original in its own.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from backprop_course.commands.demo import release
from backprop_course.course.paths import CourseDir

from . import REPO_COURSE, course_copy
from .run_shared import built_once

# The one kind of setting a test appends to a course's nbgrader_config.py before it releases:
# the sandbox's caps, which generate_assignment does not read.
RELEASE_NEUTRAL_SETTING = "c.SandboxedGrading."


def released_course(assignments: tuple[str, ...] | None = None) -> CourseDir:
    """The repository's course, copied and released once per test run (every assignment by
    default, as `release(course)`), shared by the run's workers; not to be written to: copy it."""
    key = tuple(REPO_COURSE.assignment_names if assignments is None else assignments)
    folder = built_once(f"released-{'+'.join(key)}", lambda folder: release(course_copy(folder / "course"), list(key)))
    return CourseDir(folder / "course", assignment=REPO_COURSE.assignment)


def released_copy(target: Path, assignments: list[str] | None = None) -> CourseDir:
    """A fresh copy of the repository's course in target, as `release(course, assignments)`
    leaves it (by default: every assignment released)."""
    course = course_copy(target)
    release_by_copy(course, assignments)
    return course


def release_by_copy(course: CourseDir, assignments: list[str] | None = None) -> None:
    """What `release(course, assignments)` does, by copying the run's released course: for a
    copy of the repository's course (course_copy) with its own SQLite gradebook not yet made and
    nothing but sandbox settings appended to its nbgrader_config.py. Any other course is released
    by nbgrader itself."""
    if not _same_release_input(course):
        release(course, assignments)
        return
    released = released_course(None if assignments is None else tuple(assignments))
    shutil.copy2(released.gradebook, course.gradebook)
    for assignment in released.assignment_names if assignments is None else assignments:
        shutil.rmtree(course.of(assignment).release, ignore_errors=True)
        shutil.copytree(released.of(assignment).release, course.of(assignment).release)


def _same_release_input(course: CourseDir) -> bool:
    """Whether nbgrader generate_assignment would make of course what it makes of the repository's."""
    if course.db_url != f"sqlite:///{course.root / 'gradebook.db'}" or course.gradebook.exists() or course.options:
        return False
    ours = REPO_COURSE.root / "nbgrader_config.py"
    config = (course.root / "nbgrader_config.py").read_text()
    base = ours.read_text()
    if not config.startswith(base):
        return False
    if any(line.strip() and not line.startswith(RELEASE_NEUTRAL_SETTING) for line in config[len(base):].splitlines()):
        return False
    return all(_same_tree(REPO_COURSE.root / name, course.root / name) for name in ("source", "assignments"))


def _same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right, ignore=[])
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(left / name, right / name) for name in compared.common_dirs)
