"""A uid of its own for each sandbox running on this host, from a configurable range.

Limits that the kernel counts per user (RLIMIT_NPROC above all) would otherwise be shared by
every sandbox on the host, so that one student could take the process slots of the others. A
sandbox holds its uid with an exclusive lock on a file in one folder per host (not in TMPDIR:
every grading process on the host must see the same locks, whatever its environment), which the
kernel releases when the holder ends, however it ends. Only root can run a kernel as another user.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_DIR = Path("/run/backprop-course/uids")
WAIT_STEP = 0.2  # seconds between two looks for a free uid when all are taken


@dataclass
class Slot:
    """A uid held by this process until release()."""

    uid: int
    handle: int  # the locked file's descriptor

    def release(self) -> None:
        if self.handle >= 0:
            os.close(self.handle)  # closing drops the lock
            self.handle = -1


def acquire(first_uid: int, count: int, lock_dir: Path = LOCK_DIR) -> Slot:
    """Lock a free uid of first_uid .. first_uid + count - 1 (waiting while all are taken), and
    make sure no process of an earlier holder still runs under it."""
    lock_dir.mkdir(parents=True, exist_ok=True, mode=0o755)
    while True:
        for uid in range(first_uid, first_uid + count):
            handle = os.open(lock_dir / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            kill_processes_of(uid)
            return Slot(uid, handle)
        time.sleep(WAIT_STEP)


def processes_of(uid: int) -> list[int]:
    """The live processes running under uid (real, effective, saved or filesystem uid), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):  # gone meanwhile
            # The status file, not the folder's owner: a process that made itself non-dumpable
            # has a folder owned by root.
            status = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
            if str(uid) in status["Uid"].split() and not status["State"].strip().startswith("Z"):
                found.append(int(entry.name))  # a zombie holds nothing but its pid, and init reaps it
    return found


def kill_processes_of(uid: int, rounds: int = 50) -> None:
    """SIGKILL every process of uid, until none is left (a fork may race a round)."""
    for _ in range(rounds):
        left = processes_of(uid)
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
