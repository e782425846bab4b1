"""Runs the real nbgrader command-line apps in a course directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BIN_DIR = Path(sys.executable).parent


class NbgraderError(RuntimeError):
    """An nbgrader app exited with an error; the message holds the end of its log."""


def nbgrader(*args: str, course_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run `nbgrader ARGS` in course_dir with this environment's bin first on PATH.

    nbgrader looks up `alembic` (gradebook migrations) and the kernel's Python by name, so they
    must come from the same environment as this package.
    """
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        [str(BIN_DIR / "nbgrader"), *args],
        cwd=course_dir,
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


def nbgrader_batch(*args: str, course_dir: Path) -> list[str]:
    """Run an nbgrader app over all submissions; return the students whose submission failed.

    nbgrader goes on with the other students when one submission cannot be processed (a file
    that is not a notebook, say) and exits with 1 at the end; only a failure that names no
    student is an error of the whole run.
    """
    return nbgrader_batch_log(*args, course_dir=course_dir)[0]


def nbgrader_batch_log(*args: str, course_dir: Path) -> tuple[list[str], str]:
    """nbgrader_batch, and the app's log."""
    result = nbgrader(*args, course_dir=course_dir, check=False)
    failed = sorted(set(FAILED_SUBMISSION.findall(result.stdout + result.stderr)))
    if result.returncode != 0 and not failed:
        raise _error(args, result)
    return failed, result.stdout + result.stderr
