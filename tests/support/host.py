"""Tests side by side on one host (pytest-xdist's workers, `make test`): a worker tells the other
workers' processes from its own, and a section that measures the whole host runs alone."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil

# One lock for every test run on this host: a test holds it shared, a host-measuring section alone.
LOCK_FILE = Path(tempfile.gettempdir()) / "backprop-course-tests.lock"
# Taken alone by a host-measuring section from before it waits for LOCK_FILE to its end, and passed
# through shared by a test before it takes LOCK_FILE: no test starts while a section waits (flock
# prefers no one, so tests that follow each other on the other workers would starve the section).
TURNSTILE = Path(tempfile.gettempdir()) / "backprop-course-tests.turnstile"

_shared: int | None = None  # the descriptor this process holds the lock shared on, during a test


def other_workers() -> set[int]:
    """The pids of the other pytest-xdist workers of this run (none in a run without workers)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return set()
    with contextlib.suppress(psutil.Error):
        return {child.pid for child in psutil.Process(os.getppid()).children()} - {os.getpid()}
    return set()


def of_another_worker(pid: int, others: set[int]) -> bool:
    """Whether process pid descends from one of the other workers (others: other_workers()). A
    process left behind by its parent has none of them above it, and counts as this worker's too."""
    try:
        return any(parent.pid in others for parent in psutil.Process(pid).parents())
    except psutil.Error:
        return False


def _open_lock(path: Path) -> int:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666)  # tests of other users (a non-root run) share it
    return descriptor


@contextlib.contextmanager
def sharing_host() -> Iterator[None]:
    """Around one test (its fixtures' setup and teardown included): other tests may run beside it."""
    global _shared
    descriptor, turnstile = _open_lock(LOCK_FILE), _open_lock(TURNSTILE)
    try:
        fcntl.flock(turnstile, fcntl.LOCK_SH)  # waits while a section waits or runs
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    finally:
        os.close(turnstile)
    _shared = descriptor
    try:
        yield
    finally:
        _shared = None
        os.close(descriptor)


@contextlib.contextmanager
def host_alone() -> Iterator[None]:
    """A section that measures the whole host (its shared memory, ...): it starts once every test
    of the other workers has ended, and none starts until it ends."""
    own = _shared is None
    descriptor = _open_lock(LOCK_FILE) if own else _shared
    turnstile = _open_lock(TURNSTILE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_UN)  # this test's shared hold first: another section may be waiting
        fcntl.flock(turnstile, fcntl.LOCK_EX)  # no test of another worker starts from now
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # once every test of the other workers has ended
        try:
            yield
        finally:
            if not own:
                fcntl.flock(descriptor, fcntl.LOCK_SH)
    finally:
        os.close(turnstile)
        if own:
            os.close(descriptor)
