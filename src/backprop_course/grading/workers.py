"""Workers that grade notebooks: processes on this machine, or the workers of a Dask cluster.

They run a task on each job, task(job, context): the job and what it returns are plain data, and
the context, which all jobs of a run share, reaches each worker once. A worker needs neither the
course folder nor the gradebook.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
import time
import weakref
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as local_wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait as mp_wait
from pathlib import Path

from ..sandbox import scratch
from ..sandbox.host import this_host

# Notebooks in flight per worker thread: enough that none waits for its next one.
IN_FLIGHT_PER_THREAD = 3
# How often the size of a Dask cluster is asked again (it may grow or shrink during a run).
CLUSTER_SIZE_SECONDS = 10.0
# Seconds that the processes of a broken pool have, at the end of the run, to finish stopping
# (their pool told them to stop when it broke) before they are killed.
RETIRED_GRACE_SECONDS = 10.0
# How the files that carry a task's outcome from a worker process to the main process begin.
RESULT_PREFIX = "result-"

_grading = False  # a worker process is running a task right now
_context = None  # what every task of the run shares, sent to this worker process once


def _worker_started(run_folder: Path, context) -> None:
    """In each worker process: its folders go inside the run's folder; Ctrl-C is the main
    process's to handle; SIGTERM ends the worker, after stopping the kernel of the notebook it
    is grading, if any."""
    global _context
    scratch.adopt(run_folder)
    _context = context
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum, frame):
    if _grading:
        raise SystemExit(1)  # unwinds through the grading, which stops its kernel; _guarded then exits
    os._exit(1)


def _host_verdict() -> tuple[str | None, str]:
    verdict = this_host()
    return verdict.problem, verdict.line


def _guarded(task: Callable, job, context):
    """Run task(job, context); told to stop meanwhile, leave at once once its kernel is stopped
    (the pool would try to send the stop back, on a queue that may be broken for good when a
    worker was killed)."""
    global _grading
    _grading = True
    try:
        return task(job, context)
    except SystemExit:
        os._exit(1)
    finally:
        _grading = False


def _local_task(task: Callable, job) -> str:
    """In a worker process: run task on job and leave what it returned or raised in a file of the
    worker's folder. Only the file's path goes back through the pool's pipe: a message that short
    is one atomic write, which a worker killed meanwhile cannot leave half sent (the pool would
    wait for the rest of a half-sent result for ever, and never notice the worker's death)."""
    try:
        outcome = (_guarded(task, job, _context), None)
    except Exception as error:  # noqa: BLE001 - raised in the main process, as the pool would
        outcome = (None, error)
    handle, path = tempfile.mkstemp(prefix=RESULT_PREFIX, dir=scratch.run_folder())
    with os.fdopen(handle, "wb") as file:
        try:
            pickle.dump(outcome, file, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - what was raised does not pickle: say what it was
            file.seek(0)
            file.truncate()
            pickle.dump((None, RuntimeError(f"{type(error).__name__}: {error}")), file)
    return path


def _receive(received: Future, sent: Future) -> None:
    """In the main process, once the pool is done with sent: its outcome (read from the worker's
    file, which is then removed) into received, the future the caller holds. Never raises: a
    callback's exception would be lost, and received would never be done."""
    if sent.cancelled():
        received.cancel()
        return
    try:
        path = Path(sent.result())
        try:
            with path.open("rb") as file:
                value, error = pickle.load(file)
        finally:
            path.unlink(missing_ok=True)
    except BaseException as failure:  # noqa: BLE001 - the pool's own error (a lost worker) or a bad file
        value, error = None, failure
    if error is not None:
        received.set_exception(error)
    else:
        received.set_result(value)


class LocalWorkers:
    """Worker processes on this machine. When one dies (killed from outside), the pool breaks and
    every notebook not yet back is lost: a new pool grades them again."""

    lost = (BrokenProcessPool,)

    def __init__(self, jobs: int, task: Callable, context):
        self.jobs, self.task, self.context = jobs, task, context
        self.pool = self._new_pool()
        self.retired: list = []  # the processes of broken pools

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_started,
                                   initargs=(scratch.run_folder(), self.context))

    def submit(self, job) -> Future:
        if self.pool._broken:  # noqa: SLF001 - the only way to ask a pool whether it still works
            self.retired += (self.pool._processes or {}).values()  # noqa: SLF001
            self.pool.shutdown(wait=False)
            self.pool = self._new_pool()
        received = Future()
        self.pool.submit(_local_task, self.task, job).add_done_callback(lambda sent: _receive(received, sent))
        return received

    def window(self) -> int:
        """How many notebooks to have in flight."""
        return IN_FLIGHT_PER_THREAD * self.jobs

    def first_completed(self, futures: list) -> set:
        """Those of futures that are done, once one is."""
        return local_wait(futures, return_when=FIRST_COMPLETED).done

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for process in list((self.pool._processes or {}).values()):  # noqa: SLF001 - stop kernels now
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        self.pool.shutdown(wait=True, cancel_futures=cancel)
        self._end_retired()

    def _end_retired(self) -> None:
        """Kill what is left of broken pools after a grace period (their pools told them to stop):
        the interpreter's exit waits for their pools' threads, which wait for these processes."""
        deadline = time.monotonic() + RETIRED_GRACE_SECONDS
        for process in self.retired:
            if not mp_wait([process.sentinel], timeout=max(0.0, deadline - time.monotonic())):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
        self.retired = []


class DaskWorkers:
    """The workers of a Dask cluster (distributed), at a scheduler's address. Dask itself grades a
    notebook again elsewhere when the worker grading it dies."""

    def __init__(self, address: str, task: Callable, context):
        from distributed import Client, KilledWorker

        self.client = Client(address)
        self.task = task
        self.context = self.client.scatter(context, broadcast=True)  # sent to each worker once
        # Those in flight only: a future let go of lets Dask drop its result from its worker.
        self.futures: weakref.WeakSet = weakref.WeakSet()
        self.lost = (KilledWorker,)  # Dask gave up after its own retries
        self.threads, self.asked = 1, float("-inf")

    def hosts(self) -> dict[str, tuple[str | None, str]]:
        """What each worker's host allows its sandboxes (sandbox/host.py): {worker: (why no sandbox
        can start there or None, the host's line)}."""
        return self.client.run(_host_verdict)

    def submit(self, job):
        future = self.client.submit(_guarded, self.task, job, self.context, pure=False)
        self.futures.add(future)
        return future

    def window(self) -> int:
        """How many notebooks to have in flight: a few per thread of the cluster as it is now."""
        if time.monotonic() - self.asked > CLUSTER_SIZE_SECONDS:
            self.threads, self.asked = max(1, sum(self.client.nthreads().values())), time.monotonic()
        return IN_FLIGHT_PER_THREAD * self.threads

    def first_completed(self, futures: list) -> set:
        """Those of futures that are done, once one is."""
        from distributed import wait

        return wait(futures, return_when="FIRST_COMPLETED").done

    def close(self, cancel: bool = False) -> None:
        """Cancel what has not started; a notebook already on a worker finishes within its limits
        (a Dask task cannot be interrupted), and its kernel stops with it."""
        if cancel:
            self.client.cancel(list(self.futures))
        self.client.close()
