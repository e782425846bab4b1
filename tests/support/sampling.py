"""Measuring in the background while a block runs (tests and benchmarks): a thread that samples
at an interval, and the memory of a process with all its descendants."""

from __future__ import annotations

import contextlib
import threading
import time

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
    total = 0
    with contextlib.suppress(psutil.Error):
        for member in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += member.memory_info().rss
    return total
