"""Measuring in the background while a block runs (tests and benchmarks): a thread that samples
at an interval, and the memory of a process with all its descendants."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import psutil


class Sampler:
    """sample() at every `interval` seconds, in a thread, from entering the block to leaving it."""

    interval = 0.1

    def sample(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while self._running:
            self.sample()
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()


def tree_rss(process: psutil.Process) -> int:
    """The RSS of process and all its descendants (a process gone meanwhile counts nothing)."""
    return trees_rss([process.pid]).get(process.pid, 0)


def trees_rss(roots: list[int]) -> dict[int, int]:
    """The RSS of each root process with all its descendants (a process gone meanwhile counts
    nothing; a root that is gone is left out).

    The descendants are read from each process's /proc children lists where the kernel has them,
    rather than from a pass over the whole process table, which is slow on a busy machine.
    """
    totals = {}
    for root in roots:
        try:
            pending, total = [psutil.Process(root)], 0
        except psutil.Error:
            continue
        while pending:
            process = pending.pop()
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
                pending.extend(_children(process))
        totals[root] = total
    return totals


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        pids = [int(pid) for task in Path(f"/proc/{process.pid}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    except OSError:
        return process.children()
    found = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            found.append(psutil.Process(pid))
    return found
