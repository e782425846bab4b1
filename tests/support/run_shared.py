"""What the workers of one test run build once and share (pytest-xdist, `make test`): a folder per
thing, built by the first worker that asks for it while the others wait on a file lock, then found
built by them. Outside a run with workers, the folder is this process's own."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

RUN_ID = "PYTEST_XDIST_TESTRUNUID"  # set by pytest-xdist in its workers: the same for a run's workers
BUILT = ".built"


def run_folder(run_id: str) -> Path:
    """The folder a run's workers share: readable by every user (a test grades as a user who is not root)."""
    return Path(tempfile.gettempdir()) / f"backprop-tests-{run_id}"


@cache
def _root() -> Path:
    run_id = os.environ.get(RUN_ID)
    if run_id is None:
        root = Path(tempfile.mkdtemp(prefix="backprop-tests-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    else:  # removed by the controller at the run's end (conftest.py)
        root = run_folder(run_id)
        root.mkdir(exist_ok=True)
    root.chmod(0o755)
    return root


def built_once(name: str, build: Callable[[Path], None]) -> Path:
    """The folder root/name after build(folder) filled it, once for the whole run (name: a file name
    that says what was built from what)."""
    root = _root()
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the worker that builds it holds it until it is built
        if not (folder / BUILT).exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed to build left
            folder.mkdir()
            folder.chmod(0o755)
            build(folder)
            (folder / BUILT).touch()
    return folder
