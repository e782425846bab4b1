"""Instructor verb `autograde`: grade a class concurrently, then record it with nbgrader's own
Autograde, one student at a time, in this process: the only writer of the gradebook.

Steps, as a pipeline:
1. find the submissions and sanitize each notebook here, with nbgrader's own sanitize steps
   (they read the gradebook's copy of the instructor's cells);
2. grade the notebooks concurrently in workers (grading/workers.py: processes on this machine, or
   a Dask cluster), each in a fresh sandboxed kernel; a notebook whose worker dies is graded again;
3. as each student's notebooks come back, the recorder (recording/recorder.py) stores them
   and runs nbgrader's Autograde for that student, which writes the gradebook rows, autograded
   notebooks and logs exactly as `nbgrader autograde` would.
An interrupted run removes the submission it was recording, so the gradebook holds only whole
students, and stops every kernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from ..course.contract import Contract
from ..course.paths import CourseDir, contract_files
from ..grading.workers import DaskWorkers, LocalWorkers
from ..nbgrader_glue.course_config import course_config
from ..nbgrader_glue.preprocessors import SandboxedGrading, autograde_preprocessors
from ..recording.bulk_writer import BulkWriter
from ..recording.notebook_pipeline import Context, NotebookResult, grade_submitted
from ..recording.recorder import Recorder, StudentLine, jobs_for, submissions
from ..recording.snapshot import take_snapshot
from ..sandbox import cgroups, scratch
from ..sandbox.caps import describe as describe_caps
from ..sandbox.sandbox import SandboxUnavailableError, describe, prepare_host, require_sandbox

MAX_TRIES = 3  # a notebook whose worker dies is graded again, up to this many times in all


def autograde(course: CourseDir, assignment: str, jobs: int | None = None, scheduler: str | None = None,
              show: Callable[[str], None] = print, progress: bool = True) -> dict[str, StudentLine]:
    """Grade every submission of assignment (see the module's docstring); a line per student.

    The gradebook, the limits and whether to use the sandbox are the course's configuration
    (its nbgrader_config.py and command-line options).
    """
    grading = SandboxedGrading(config=course_config(course))
    unsafe, limits = grading.unsafe, grading.limits()
    if not unsafe and not scheduler:  # on a Dask cluster, the workers' hosts sandbox (asked below)
        require_sandbox()
    store = scratch.new_folder("precomputed-")
    # Where nbgrader's own Autograde records a student, the grading is done (the workers'), and
    # its metadata check already ran among the sanitize steps: the repeated check is left out.
    config = course_config(course, **{
        "Autograde.autograde_preprocessors": autograde_preprocessors(check_metadata_again=False),
        "SandboxedGrading.precomputed": str(store),
    })
    try:
        with warnings.catch_warnings():
            # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings on every student.
            warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            api.coursedir.root = str(course.root)
            if not unsafe:  # the run's first line says what each sandbox gets (on Dask: the workers', below)
                lines = prepare_host(limits) or [f"sandbox: {describe(limits)}"]
                for line in lines[1:] if scheduler else lines:
                    show(line)
            try:
                snapshot = take_snapshot(api.coursedir.db_url, assignment, api.coursedir.course_id)
            except MissingEntry:
                raise AssignmentMissingError(f"the assignment {assignment!r} is not in the gradebook "
                                             f"{course.gradebook_name}: release it first "
                                             f"(nbgrader generate_assignment {assignment})") from None
            contract = contract_files(course.root, assignment)
            context = Context(config, snapshot, limits, not unsafe, grading.fork_kernels, contract)
            workers = (DaskWorkers(scheduler, grade_submitted, context) if scheduler
                       else LocalWorkers(jobs or os.cpu_count() or 1, grade_submitted, context))
            if scheduler and not unsafe:
                _check_worker_hosts(workers, limits, show)
            writer = BulkWriter(api.coursedir, config, assignment)
            recorder = Recorder(api, writer, assignment, store, show, stopped=lambda: Stop.requested)
            with _stopping_on_signals():
                try:
                    _run(api, assignment, workers, recorder, progress, context.loaded_contract())
                    recorder.flush()
                except BaseException:
                    workers.close(cancel=True)
                    recorder.roll_back()
                    raise
                finally:
                    writer.close()
            workers.close()
    finally:
        scratch.remove_run_folder()
        # what a worker that was killed while it graded left: its control groups and sockets
        cgroups.sweep()
        scratch.sweep()
    return recorder.lines


def _check_worker_hosts(workers: DaskWorkers, limits, show: Callable[[str], None]) -> None:
    """Refuse (SandboxUnavailableError) unless every worker's host can sandbox; else show what
    their sandboxes get, one line per kind of host. This host need not sandbox at all (a pod)."""
    found = workers.hosts()
    refused = {worker: problem for worker, (problem, _) in found.items() if problem is not None}
    if not found or refused:
        workers.close(cancel=True)
        raise SandboxUnavailableError("the Dask cluster has no worker" if not found else "; ".join(
            f"worker {worker}: {problem}" for worker, problem in sorted(refused.items())))
    by_line: dict[str, list[str]] = {}
    for worker, (_, line) in sorted(found.items()):
        by_line.setdefault(line, []).append(worker)
    for line, where in by_line.items():
        show(f"sandbox: {line}; caps: {describe_caps(limits)} (on {len(where)} Dask worker(s): {', '.join(where)})")


class AssignmentMissingError(RuntimeError):
    """The assignment to grade is not in the gradebook: it was never released."""


def _run(api: NbGraderAPI, assignment: str, workers, recorder: Recorder, progress: bool,
         contract: Contract | None) -> None:
    found = submissions(api.coursedir, assignment, recorder.show)
    source = Path(api.coursedir.format_path(api.coursedir.source_directory, ".", assignment))
    students = iter(found.items())
    jobs_of, waiting = {}, {}
    tries: Counter[tuple[str, str]] = Counter()

    def submit_more() -> None:
        """Keep the workers fed with a few notebooks each, never the whole class: what is read,
        in flight and held as results (here and on the workers) stays the same at any size."""
        while len(jobs_of) < workers.window():
            student, paths = next(students, (None, None))
            if student is None:
                return
            jobs = jobs_for(student, paths, contract, source)
            recorder.lines[student] = StudentLine(student)
            waiting[student] = len(jobs)
            jobs_of.update({workers.submit(job): job for job in jobs})
            if not jobs:
                recorder.record(student)

    bar = tqdm(total=sum(map(len, found.values())), unit="notebook", disable=not progress, leave=False)
    submit_more()
    while jobs_of:
        for future in workers.first_completed(list(jobs_of)):
            job = jobs_of.pop(future)
            try:
                result = future.result()
            except workers.lost as error:  # its worker died: not the student's doing
                tries[job.student, job.notebook] += 1
                if tries[job.student, job.notebook] < MAX_TRIES:
                    jobs_of[workers.submit(job)] = job
                    continue
                result = NotebookResult(job, error=f"its worker died {MAX_TRIES} times: {error}", host_failed=True)
            recorder.keep(result)
            bar.update()
            waiting[job.student] -= 1
            if waiting[job.student] == 0:
                with _above(bar):
                    recorder.record(job.student)
        submit_more()
    bar.close()


@contextlib.contextmanager
def _above(bar: tqdm):
    with bar.external_write_mode():
        yield


class Stop:
    """Whether Ctrl-C or SIGTERM asked this run to stop (nbgrader's API catches every exception
    of the app it runs, KeyboardInterrupt included, so the request is also kept here)."""

    requested = False


@contextlib.contextmanager
def _stopping_on_signals():
    """Ctrl-C and SIGTERM stop the run, through the same clean-up."""

    def stop(signum, frame):
        Stop.requested = True
        raise KeyboardInterrupt

    Stop.requested = False
    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def summary(lines: dict[str, StudentLine]) -> tuple[str, int]:
    """The run's last line, and its exit code: 1 when a student was not graded in full."""
    ungraded = [line.student for line in lines.values() if line.host_failed]
    partial = [line.student for line in lines.values() if not line.recorded_in_full and not line.host_failed]
    text = f"graded {len(lines) - len(ungraded)} submissions"
    if partial:
        text += f"; not in full: {', '.join(partial)}"
    if ungraded:
        text += f"; not graded, the grading host failed (run autograde again): {', '.join(ungraded)}"
    return text, 1 if partial or ungraded else 0
