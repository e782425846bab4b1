"""The worker processes of a run on this machine: what a task returns or raises reaches the main
process, and a worker killed at any moment, even while it sends back a large result, is noticed:
its notebook fails with an error the run grades again, never a wait for ever."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import wait
from pathlib import Path

import psutil
import pytest

from backprop_course.grading.workers import RESULT_PREFIX, LocalWorkers
from backprop_course.sandbox import scratch

LARGE = 64 * 1024**2  # bytes of result: many times what a pipe holds
PATIENCE = 60.0  # seconds a test waits for a future before calling it lost for ever


def echo(job, context):
    return job, context


def fail(job, context):
    raise ValueError(f"bad job {job}")


def say_pid(folder, name) -> None:
    """Write this process's pid to folder/name, all at once."""
    Path(folder, f"{name}.part").write_text(str(os.getpid()))
    os.replace(Path(folder, f"{name}.part"), Path(folder, name))


def large_result(size, folder):
    """Says (in folder) that it is about to return, and which process it runs in; returns size bytes."""
    result = b"x" * size
    say_pid(folder, "returning")
    return result


def stubborn(name, folder):
    """Says (in folder) which process it runs in, then neither stops when told to nor returns."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    say_pid(folder, name)
    time.sleep(120)  # long past the test; not for ever, should the test fail


def pid_in(path: Path) -> int:
    """The pid that a task writes to path, once it has written all of it."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if path.exists():
            return int(path.read_text())
        time.sleep(0.005)
    raise AssertionError(f"no task wrote its pid to {path.name}")


def running(pid: int) -> bool:
    """Whether process pid runs (a zombie, gone but not yet reaped, does not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def workers_of():
    made = []

    def make(task, context, jobs=1) -> LocalWorkers:
        made.append(LocalWorkers(jobs, task, context))
        return made[-1]

    yield make
    for workers in made:
        workers.close(cancel=True)


def test_results_and_errors_reach_the_main_process_and_leave_no_file(workers_of):
    workers = workers_of(echo, {"shared": 1}, jobs=2)
    futures = {workers.submit(job): job for job in range(6)}
    for future, job in futures.items():
        assert future.result(timeout=PATIENCE) == (job, {"shared": 1})
    failing = workers_of(fail, None).submit(7)
    with pytest.raises(ValueError, match="bad job 7"):
        failing.result(timeout=PATIENCE)
    assert list(scratch.run_folder().rglob(f"{RESULT_PREFIX}*")) == []  # each read once, then removed


# Seconds between the task's return and the kill: while the result is prepared, and while it is
# being sent (the main process busy meanwhile, as when it records results, so that it reads slowly).
KILL_AFTER = [0.0, 0.02, 0.2, 0.5]


@pytest.mark.parametrize("kill_after", KILL_AFTER)
def test_a_worker_killed_while_it_sends_back_a_large_result_is_noticed(workers_of, tmp_path, kill_after):
    workers = workers_of(large_result, str(tmp_path))
    future = workers.submit(LARGE)
    marker = tmp_path / "returning"
    pid = pid_in(marker)
    busy_until = time.monotonic() + kill_after
    while time.monotonic() < busy_until:
        pass
    os.kill(pid, signal.SIGKILL)
    done, _ = wait([future], timeout=PATIENCE)
    if not done:  # the pool's reader waits for the rest of a half-sent result: end its wait, then fail
        workers.pool._result_queue._writer.close()  # noqa: SLF001 - the only other end of that pipe
    assert done, "the run would wait for ever for the killed worker's result"
    if future.exception() is not None:
        assert isinstance(future.exception(), workers.lost), repr(future.exception())
    else:  # it was sent in full before the kill
        assert future.result() == b"x" * LARGE
    marker.unlink()
    assert workers.submit(10).result(timeout=PATIENCE) == b"x" * 10  # a new pool grades what comes next


def test_a_worker_that_will_not_stop_when_its_pool_breaks_is_killed_at_the_end(workers_of, tmp_path, monkeypatch):
    """The run's exit waits for every process of a broken pool: one that ignores being told to
    stop is killed once the others are done, after a grace period."""
    monkeypatch.setattr("backprop_course.grading.workers.RETIRED_GRACE_SECONDS", 1.0)
    pool = workers_of(stubborn, str(tmp_path), jobs=2)
    futures = [pool.submit(name) for name in ("killed", "stubborn")]
    killed, stubborn_pid = pid_in(tmp_path / "killed"), pid_in(tmp_path / "stubborn")
    os.kill(killed, signal.SIGKILL)
    for future in futures:
        assert isinstance(future.exception(timeout=PATIENCE), pool.lost)
    pool.task = echo
    assert pool.submit(1).result(timeout=PATIENCE) == (1, str(tmp_path))
    assert running(stubborn_pid)
    pool.close()
    time.sleep(0.5)  # reaped by its pool's thread, which could now end
    assert not running(stubborn_pid)
