"""Runs the real nbgrader command-line apps in a course directory."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from nbgrader.coursedir import CourseDirectory

from ..course.paths import CourseDir
from .course_config import course_config

BIN_DIR = Path(sys.executable).parent
# `nbgrader` itself, with this package's slow imports deferred (nbgrader_command.py); -P: the course
# directory it runs in is not put on the module path, as for the console script.
NBGRADER_COMMAND = [sys.executable, "-P", "-m", "backprop_course.nbgrader_glue.nbgrader_command"]


class NbgraderError(RuntimeError):
    """An nbgrader app exited with an error; the message holds the end of its log, log all of it."""

    def __init__(self, message: str, log: str = ""):
        super().__init__(message)
        self.log = log


def nbgrader(app: str, *args: str, course: CourseDir, check: bool = True) -> subprocess.CompletedProcess:
    """Run `nbgrader APP ARGS` in the course directory, with the course's command-line options
    (args, which come after them, take precedence) and this environment's bin first on PATH.

    nbgrader looks up `alembic` (gradebook migrations) and the kernel's Python by name, so they
    must come from the same environment as this package.
    """
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    args = (app, *course.options, *args)
    result = subprocess.run(
        NBGRADER_COMMAND + list(args),
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


def converter_for(converter_class: type, course: CourseDir, assignment: str, notebook: str = "*", log=None,
                  **overrides):
    """One of nbgrader's converters (GenerateAssignment, GenerateSolution, ...) for the assignment's
    notebook ("*": every one), made as nbgrader's own NbGraderAPI makes them: the course's
    configuration, with overrides as {"Class.trait": value} on top."""
    config = course_config(course, **{"CourseDirectory.assignment_id": assignment,
                                      "CourseDirectory.notebook_id": notebook, **overrides})
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(course.root)
    return converter_class(coursedir=coursedir, config=config, **({"log": log} if log else {}))


def convert(converter_class: type, course: CourseDir, assignment: str, notebook: str = "*", **overrides) -> str:
    """Run one of nbgrader's converters in this process, forced (as `--force`); its log.

    What it and its kernels print goes to its log, not to this process's output; a failure raises
    NbgraderError with the log's end.
    """
    log = logging.getLogger(f"{__name__}.{converter_class.__name__}")
    log.propagate = False
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        app = converter_for(converter_class, course, assignment, notebook, log, **overrides)
        app.force = True
        with _bin_first_on_path(), _stderr_into(text):
            app.start()
    except Exception as error:
        tail = "\n".join(text.getvalue().splitlines()[-30:])
        raise NbgraderError(f"nbgrader's {converter_class.__name__} failed on {assignment} ({error}):\n{tail}",
                            text.getvalue()) from error
    finally:
        log.removeHandler(handler)
    return text.getvalue()


@contextlib.contextmanager
def _bin_first_on_path():
    """This environment's bin first on PATH, as for the nbgrader apps (nbgrader() says why)."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{BIN_DIR}{os.pathsep}{old}"
    try:
        yield
    finally:
        os.environ["PATH"] = old


@contextlib.contextmanager
def _stderr_into(text: io.StringIO):
    """What is written to this process's standard error (file descriptor 2, which the kernels
    started meanwhile inherit) appended to text instead."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text.write(held.read().decode(errors="replace"))
