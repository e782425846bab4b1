"""Runs the real nbgrader command-line apps in a course directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ..course.paths import CourseDir

BIN_DIR = Path(sys.executable).parent


class NbgraderError(RuntimeError):
    """An nbgrader app exited with an error; the message holds the end of its log."""


def nbgrader(app: str, *args: str, course: CourseDir, check: bool = True) -> subprocess.CompletedProcess:
    """Run `nbgrader APP ARGS` in the course directory, with the course's command-line options
    (args, which come after them, take precedence) and this environment's bin first on PATH.

    nbgrader looks up `alembic` (gradebook migrations) and the kernel's Python by name, so they
    must come from the same environment as this package.
    """
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    args = (app, *course.options, *args)
    result = subprocess.run(
        [str(BIN_DIR / "nbgrader"), *args],
        cwd=course.root,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise _error(args, result)
    return result


def _error(args: tuple[str, ...], result: subprocess.CompletedProcess) -> NbgraderError:
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
    return NbgraderError(f"nbgrader {' '.join(args)} exited with {result.returncode}:\n{tail}")


# How nbgrader's converters log a submission they could not process (and then skip).
FAILED_SUBMISSION = re.compile(r"There was an error processing assignment '[^']*' for student '([^']*)'")


def nbgrader_batch(app: str, *args: str, course: CourseDir) -> list[str]:
    """Run an nbgrader app over all submissions; return the students whose submission failed.

    nbgrader goes on with the other students when one submission cannot be processed (a file
    that is not a notebook, say) and exits with 1 at the end; only a failure that names no
    student is an error of the whole run.
    """
    return nbgrader_batch_log(app, *args, course=course)[0]


def nbgrader_batch_log(app: str, *args: str, course: CourseDir) -> tuple[list[str], str]:
    """nbgrader_batch, and the app's log."""
    result = nbgrader(app, *args, course=course, check=False)
    failed = sorted(set(FAILED_SUBMISSION.findall(result.stdout + result.stderr)))
    if result.returncode != 0 and not failed:
        raise _error((app, *args), result)
    return failed, result.stdout + result.stderr


def export(course: CourseDir) -> None:
    """nbgrader's own CSV export of every grade, to the course's grades.csv."""
    nbgrader("export", "--to", str(course.grades_csv), course=course)
