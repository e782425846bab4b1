"""Instructor verb `init`: add the package's assignments to an existing nbgrader course.

For each chosen assignment: its folder (assignments/<name>/) and its instructor's notebooks
(<source_directory>/<name>/), copied from the package (course/shipped.py); and once, at the end of
the course's nbgrader_config.py, a marked block that wires in the course's grading (the same call
as this repository's own nbgrader_config.py). Nothing else of the course is touched: its other
assignments, its gradebook, the rest of its configuration. Running it again changes nothing; a
folder that differs from the package's (the instructor edited it) is left as it is, and said so.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from nbgrader.coursedir import CourseDirectory

from ..course.paths import ASSIGNMENTS_DIRECTORY, CourseDir
from ..course.shipped import SHIPPED_SOURCE, shipped_assignments, shipped_root
from ..nbgrader_glue.course_config import course_config

CONFIG_FILE = "nbgrader_config.py"
BEGIN, END = "# >>> backprop-course >>>", "# <<< backprop-course <<<"
# What nbgrader_config.py needs (see the repository's own); the guard stops nbgrader's apps, which
# would otherwise carry on with their defaults and run student code outside the sandbox.
CONFIG_BLOCK = f"""
{BEGIN}
# Added by `backprop-course init`: contract-graded assignments (assignments/<name>/), every
# notebook graded in the sandbox, safe feedback and formgrader pages. Remove the block to take it out.
c = get_config()  # noqa: F821
try:
    from backprop_course.nbgrader_glue.preprocessors import use_course_grading

    use_course_grading(c)
except Exception as error:
    raise SystemExit(f"nbgrader_config.py: the backprop course's grading cannot be set up "
                     f"({{type(error).__name__}}: {{error}}); nothing was run") from None
{END}
"""
WIRED = "use_course_grading(c)"  # a configuration that has it already (this repository's) needs no block
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


class InitError(RuntimeError):
    """The course cannot take the assignments: not a course, or an assignment the package lacks."""


def init_course(course: CourseDir, names: list[str] | None = None) -> list[str]:
    """Add the named assignments (default: every one the package ships) to course; what was done,
    a line per step."""
    config = course.root / CONFIG_FILE
    if not config.is_file():
        raise InitError(f"{course.root} is not an nbgrader course: it has no {CONFIG_FILE} "
                        f"(make one with `nbgrader quickstart COURSE`, or in the course's folder)")
    shipped, available = shipped_root(), shipped_assignments()
    unknown = sorted(set(names or []) - set(available))
    if shipped is None or unknown:
        raise InitError(f"the package has no assignment {', '.join(unknown) or 'at all'}: it ships "
                        f"{', '.join(available) or 'none'}")
    source = CourseDirectory(config=course_config(course)).source_directory
    lines = []
    for name in names or available:
        for shipped_folder, course_folder in ((ASSIGNMENTS_DIRECTORY, ASSIGNMENTS_DIRECTORY), (SHIPPED_SOURCE, source)):
            lines.append(_copy(shipped / shipped_folder / name, course.root / course_folder / name, course.root))
    lines.append(_wire_config(config))
    return lines


def _copy(origin: Path, target: Path, root: Path) -> str:
    shown = target.relative_to(root)
    if not target.exists():
        shutil.copytree(origin, target, ignore=LEFT_OUT)
        return f"added {shown}/"
    if _same_tree(origin, target):
        return f"{shown}/ is already the package's: unchanged"
    return f"{shown}/ exists and differs from the package's: left as it is (remove it to take the package's)"


def _same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right, ignore=["__pycache__", ".ipynb_checkpoints"])
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(
        _same_tree(left / name, right / name) for name in compared.common_dirs)


def _wire_config(config: Path) -> str:
    text = config.read_text()
    if BEGIN in text or WIRED in text:
        return f"{CONFIG_FILE} already wires in the course's grading: unchanged"
    with config.open("a") as handle:
        handle.write(("" if text.endswith("\n") or not text else "\n") + CONFIG_BLOCK)
    return f"{CONFIG_FILE}: the course's grading appended, between `{BEGIN}` and `{END}`"
