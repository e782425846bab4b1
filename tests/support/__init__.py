"""What the tests share: the repository's own course, corpora of submissions, batches and servers."""

from __future__ import annotations

from pathlib import Path

from backprop_course.course.paths import CourseDir, copy_course

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_COURSE = CourseDir(REPO_ROOT)


def course_copy(target: Path) -> CourseDir:
    """A fresh copy of the repository's course in target: nothing graded yet."""
    return copy_course(target, REPO_COURSE)
