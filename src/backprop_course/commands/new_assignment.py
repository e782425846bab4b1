"""Author's verb `new-assignment NAME`: a new assignment folder that builds and grades at once.

It copies the starter (starter/: one notebook, one graded function with two checks, one mistake,
a lesson and a sample student) into assignments/NAME/, its names filled in, then builds the
source notebooks, the release and solutions, the sample submission and the catalog page, as
`make notebooks` does (build.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..course.paths import CourseDir
from .build import Outcome, Show, build

STARTER = Path(__file__).with_name("starter")
# nbgrader's assignment ids become folder names and, with _checks, a Python module name.
VALID_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
NOTEBOOK = "part1"


class NewAssignmentError(ValueError):
    """The assignment cannot be started: a bad name, or one the course already has."""


def new_assignment(course: CourseDir, name: str, show: Show = print) -> Outcome:
    """Write assignments/<name>/ from the starter and build it (showing each file written); what
    the build did."""
    for path in write_starter(course, name):
        show(f"wrote {path.relative_to(course.root)}")
    return build(course, [name], catalog=True, show=show)


def write_starter(course: CourseDir, name: str) -> list[Path]:
    """Write assignments/<name>/ from the starter, its names filled in; the files written."""
    if not VALID_NAME.fullmatch(name):
        raise NewAssignmentError(f"{name!r}: an assignment name is lowercase letters, digits and _, "
                                 "starting with a letter (it names a folder and a Python module)")
    folder = course.root / "assignments" / name
    if folder.exists() or (course.root / "source" / name).exists():
        raise NewAssignmentError(f"the course already has an assignment {name!r} ({folder} or source/{name})")
    names = {"{name}": name, "{module}": name, "{notebook}": NOTEBOOK}
    written = []
    for template in sorted(STARTER.rglob("*")):
        if not template.is_file() or "__pycache__" in template.parts:
            continue
        relative = template.relative_to(STARTER)
        if relative == Path("lessons/notebook.py"):
            relative = Path("lessons") / f"{NOTEBOOK}.py"
        text = template.read_text(encoding="utf-8")
        for placeholder, value in names.items():
            text = text.replace(placeholder, value)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
