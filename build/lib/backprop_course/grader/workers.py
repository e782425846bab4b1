"""Workers that grade notebooks: processes on this machine, or the workers of a Dask cluster.

A job is plain data (the sanitized notebook as JSON, its key, the limits): a worker needs
neither the course folder nor the gradebook, and grades each notebook in a fresh sandbox.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as local_as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import scratch
from .caps import Limits
from .kernel_session import KernelUnavailableError
from .notebook_grading import grade_notebook


@dataclass(frozen=True)
class Job:
    """One notebook to grade: what a worker receives (plain data, no paths)."""

    student: str
    notebook: str
    source: str  # the sanitized notebook, as nbformat JSON
    key: str
    limits: Limits
    sandboxed: bool


@dataclass(frozen=True)
class Graded:
    """What a worker sends back: the graded notebook, or why there is none."""

    job: Job
    notebook_json: str | None
    events: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    host_failed: bool = False  # no kernel could start: not the student's doing, nothing to record


_grading = False  # a worker process is grading a notebook right now


def _worker_started(run_folder: Path) -> None:
    """In each worker process: its folders go inside the run's folder; Ctrl-C is the main
    process's to handle; SIGTERM ends the worker, after stopping the kernel of the notebook it
    is grading, if any."""
    scratch.adopt(run_folder)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum, frame):
    if _grading:
        raise SystemExit(1)  # unwinds through the grading, which stops its kernel; grade_job then exits
    os._exit(1)


def grade_job(job: Job) -> Graded:
    """Grade one notebook in a fresh kernel (this runs in a worker)."""
    global _grading
    start = time.perf_counter()
    _grading = True
    try:
        nb = nbformat.reads(job.source, as_version=4)
        grading = grade_notebook(nb, job.notebook, job.student, sandboxed=job.sandboxed, limits=job.limits)
    except SystemExit:
        # Told to stop. The pool would try to send this back, on a queue that may be broken for
        # good (a worker was killed): the kernel is already stopped, so leave at once.
        os._exit(1)
    except KernelUnavailableError as error:
        return Graded(job, None, error=str(error), seconds=time.perf_counter() - start, host_failed=True)
    except Exception as error:  # noqa: BLE001 - reported for this notebook; nbgrader grades it again
        return Graded(job, None, error=f"{type(error).__name__}: {error}", seconds=time.perf_counter() - start)
    finally:
        _grading = False
    return Graded(job, nbformat.writes(grading.nb), tuple(grading.events), seconds=time.perf_counter() - start)


class LocalWorkers:
    """Worker processes on this machine. When one dies (killed from outside), the pool breaks and
    every notebook not yet back is lost: a new pool grades them again."""

    lost = (BrokenProcessPool,)

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_started,
                                   initargs=(scratch.run_folder(),))

    def submit(self, job: Job) -> Future:
        if self.pool._broken:  # noqa: SLF001 - the only way to ask a pool whether it still works
            self.pool.shutdown(wait=False)
            self.pool = self._new_pool()
        return self.pool.submit(grade_job, job)

    def as_completed(self, futures: list) -> Iterator:
        return local_as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for process in list(self.pool._processes.values()):  # noqa: SLF001 - stop kernels now
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        self.pool.shutdown(wait=True, cancel_futures=cancel)


class DaskWorkers:
    """The workers of a Dask cluster (distributed), at a scheduler's address. Dask itself grades a
    notebook again elsewhere when the worker grading it dies."""

    def __init__(self, address: str):
        from distributed import Client, KilledWorker

        self.client = Client(address)
        self.futures: list = []
        self.lost = (KilledWorker,)  # Dask gave up after its own retries

    def submit(self, job: Job):
        future = self.client.submit(grade_job, job, pure=False)
        self.futures.append(future)
        return future

    def as_completed(self, futures: list) -> Iterator:
        from distributed import as_completed

        return as_completed(futures)

    def close(self, cancel: bool = False) -> None:
        """Cancel what has not started; a notebook already on a worker finishes within its limits
        (a Dask task cannot be interrupted), and its kernel stops with it."""
        if cancel:
            self.client.cancel(self.futures)
        self.client.close()
