"""The assignments this package ships, for `backprop-course init` to add to a course: inside an
installed wheel (setup.py copies them there), or the checkout's own in a repository."""

from __future__ import annotations

from pathlib import Path

from .paths import assignment_folders

PACKAGED = Path(__file__).resolve().parents[1] / "course_files"
CHECKOUT = Path(__file__).resolve().parents[3]  # src/backprop_course/course/ -> the repository
SHIPPED_SOURCE = "source"  # beside assignments/: the instructor's notebooks, source/<name>/


def shipped_root() -> Path | None:
    """The folder whose assignments/<name>/ and source/<name>/ the package ships; None when neither
    the package nor a checkout around it has any."""
    return next((root for root in (PACKAGED, CHECKOUT) if assignment_folders(root)), None)


def shipped_assignments() -> list[str]:
    root = shipped_root()
    return list(assignment_folders(root)) if root is not None else []
