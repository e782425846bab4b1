"""Tests side by side on one host (pytest-xdist's workers, `make test`): each worker finds its own
processes among its descendants, and a section that measures the whole host runs alone."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
# One lock for every test run on this host: a test holds it shared, a host-measuring section alone.
LOCK_FILE = Path(tempfile.gettempdir()) / "backprop-course-tests.lock"

_shared: int | None = None  # the descriptor this process holds the lock shared on, during a test


def adopt_orphans() -> None:
    """Make this process the parent of its orphaned descendants (instead of init), so that a process
    the code under test leaves behind is still among this process's descendants."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def descendants() -> set[int]:
    """The pids of this process's descendants (orphans included, after adopt_orphans)."""
    return {child.pid for child in psutil.Process().children(recursive=True)}


def _open_lock() -> int:
    descriptor = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    with contextlib.suppress(OSError):
        os.chmod(LOCK_FILE, 0o666)  # tests of other users (a non-root run) share it
    return descriptor


@contextlib.contextmanager
def sharing_host() -> Iterator[None]:
    """Around one test (its fixtures' setup and teardown included): other tests may run beside it."""
    global _shared
    descriptor = _open_lock()
    fcntl.flock(descriptor, fcntl.LOCK_SH)
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
    descriptor = _open_lock() if own else _shared
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # converts this test's shared hold: it is given up first
    try:
        yield
    finally:
        if own:
            os.close(descriptor)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
