"""Instructor verb `autograde`: grade a class concurrently, then record it with nbgrader's own
Autograde, one student at a time, in this process: the only writer of the gradebook.

Steps, as a pipeline:
1. find the submissions and sanitize each notebook here, with nbgrader's own sanitize steps
   (they read the gradebook's copy of the instructor's cells);
2. grade the notebooks concurrently in workers (processes on this machine, or a Dask cluster),
   each in a fresh sandboxed kernel; a worker needs neither the course folder nor the gradebook;
3. as each student's notebooks come back, store them as precomputed results and run nbgrader's
   Autograde for that student, which finds them (SandboxedGrading.precomputed) and writes the
   gradebook rows, autograded notebooks and logs exactly as `nbgrader autograde` would.
An interrupted run removes the submission it was recording, so the gradebook holds only whole
students, and stops every kernel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as local_as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import CheckCellMetadata
from sqlalchemy.exc import SAWarning
from tqdm import tqdm
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..course.paths import CourseDir
from ..grader import cgroups, scratch
from ..grader.caps import Limits
from ..grader.kernel_session import KernelUnavailableError
from ..grader.notebook_grading import grade_notebook
from ..grader.sandbox import describe, prepare_host, require_sandbox
from ..nbgrader_glue import precomputed
from ..nbgrader_glue.precomputed import grading_key
from ..nbgrader_glue.preprocessors import (
    NO_PRECOMPUTED_RESULT,
    SandboxedGrading,
    autograde_preprocessors,
    sanitize_preprocessors,
)
from ..nbgrader_glue.ungraded import leave_ungraded


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


_stopping = False  # set in a worker process told to stop
MAX_TRIES = 3  # a notebook whose worker dies is graded again, up to this many times in all


def _worker_started(run_folder: Path) -> None:
    """In each worker process: its folders go inside the run's folder; Ctrl-C is the main
    process's to handle; SIGTERM stops the job at hand (its kernel is stopped on the way out) and
    every job after it."""
    scratch.adopt(run_folder)

    def stop(signum, frame):
        global _stopping
        _stopping = True
        raise SystemExit(1)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)


def grade_job(job: Job) -> Graded:
    """Grade one notebook in a fresh kernel (this runs in a worker)."""
    start = time.perf_counter()
    if _stopping:
        return Graded(job, None, error="the run was stopped")
    try:
        nb = nbformat.reads(job.source, as_version=4)
        grading = grade_notebook(nb, job.notebook, job.student, sandboxed=job.sandboxed, limits=job.limits)
    except KernelUnavailableError as error:
        return Graded(job, None, error=str(error), seconds=time.perf_counter() - start, host_failed=True)
    except Exception as error:  # noqa: BLE001 - reported for this notebook; nbgrader grades it again
        return Graded(job, None, error=f"{type(error).__name__}: {error}", seconds=time.perf_counter() - start)
    return Graded(job, nbformat.writes(grading.nb), tuple(grading.events), seconds=time.perf_counter() - start)


@dataclass
class StudentLine:
    """One student's result line."""

    student: str
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    recorded_in_full: bool = False  # nbgrader recorded every notebook of the submission
    host_failed: bool = False  # left ungraded: the grading host could not grade it (run again)

    def __str__(self) -> str:
        parts = [f"{name} {score:g}/{top:g}" for name, (score, top) in sorted(self.scores.items())]
        if self.host_failed:
            parts = ["not graded: the grading host failed, run autograde again"]
        text = f"{self.student:<16} " + "  ".join(parts)
        return text + (f"  ({'; '.join(self.problems)})" if self.problems else "")


def course_config(course: CourseDir, **overrides) -> Config:
    """The course's nbgrader_config.py, with overrides as {"Class.trait": value}."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    for dotted, value in overrides.items():
        section, trait = dotted.split(".")
        config[section][trait] = value
    return config


def submissions(coursedir: CourseDirectory, assignment: str) -> dict[str, list[Path]]:
    """Each student's submitted notebooks, from submitted/<student>/<assignment>/."""
    found = {}
    for folder in sorted(Path(coursedir.root, coursedir.submitted_directory).glob(f"*/{assignment}")):
        found[folder.parent.name] = sorted(folder.glob("*.ipynb"))
    return found


def sanitized_jobs(config: Config, coursedir: CourseDirectory, assignment: str, student: str,
                   paths: list[Path], limits: Limits, sandboxed: bool) -> tuple[list[Job], list[str]]:
    """The student's notebooks as nbgrader's sanitize steps leave them; and the ones that failed.

    The metadata check is left to nbgrader's own run: it changes nothing, and it is the most
    expensive step (a JSON schema validation of every cell).
    """
    steps = [step(config=config) for step in sanitize_preprocessors() if step is not CheckCellMetadata]
    jobs, problems = [], []
    for path in paths:
        resources = {"unique_key": path.stem, "output_files_dir": f"{path.stem}_files",
                     "nbgrader": {"student": student, "assignment": assignment, "notebook": path.stem,
                                  "db_url": coursedir.db_url}}
        try:
            nb = nbformat.read(path, as_version=4)
            for step in steps:
                nb, resources = step.preprocess(nb, resources)
        except Exception as error:  # noqa: BLE001 - nbgrader reports it again when it records
            problems.append(f"{path.name}: {type(error).__name__}: {str(error)[:120]}")
            continue
        key = grading_key(nb, student, path.stem, limits, sandboxed)
        jobs.append(Job(student, path.stem, nbformat.writes(nb), key, limits, sandboxed))
    return jobs, problems


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


def autograde(course: CourseDir, assignment: str, jobs: int | None = None, scheduler: str | None = None,
              db_url: str | None = None, unsafe: bool = False, show: Callable[[str], None] = print,
              progress: bool = True) -> dict[str, StudentLine]:
    """Grade every submission of assignment (see the module's docstring); a line per student."""
    if not unsafe:
        require_sandbox()
    # The recording run's grading is done (the workers'), and its metadata check already ran
    # among the sanitize steps: the check that nbgrader repeats after grading is left out.
    overrides = {"SandboxedGrading.unsafe": unsafe,
                 "Autograde.autograde_preprocessors": autograde_preprocessors(check_metadata_again=False)}
    if db_url:
        overrides["CourseDirectory.db_url"] = db_url
    store = scratch.new_folder("precomputed-")
    try:
        with warnings.catch_warnings():
            # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings on every student.
            warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
            config = course_config(course, **overrides, **{"SandboxedGrading.precomputed": str(store)})
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            api.coursedir.root = str(course.root)
            limits = SandboxedGrading(config=config).limits()
            if not unsafe:  # the run's first line says what each sandbox gets, whatever ran before it
                for line in prepare_host(limits) or [f"sandbox: {describe(limits)}"]:
                    show(line)
            workers = DaskWorkers(scheduler) if scheduler else LocalWorkers(jobs or os.cpu_count() or 1)
            recorder = Recorder(api, assignment, store, show)
            with _stopping_on_signals():
                try:
                    _run(api, assignment, limits, not unsafe, workers, recorder, progress)
                except BaseException:
                    workers.close(cancel=True)
                    recorder.roll_back()
                    raise
            workers.close()
    finally:
        scratch.remove_run_folder()
        cgroups.sweep()  # the groups of a worker that was killed while it graded
    return recorder.lines


def _run(api: NbGraderAPI, assignment: str, limits: Limits, sandboxed: bool, workers, recorder, progress: bool):
    jobs_of, waiting = {}, {}
    for student, paths in submissions(api.coursedir, assignment).items():
        jobs, problems = sanitized_jobs(api.config, api.coursedir, assignment, student, paths, limits, sandboxed)
        recorder.lines[student] = StudentLine(student, problems=problems)
        waiting[student] = len(jobs)
        jobs_of.update({workers.submit(job): job for job in jobs})
        if not jobs:
            recorder.record(student)
    bar = tqdm(total=len(jobs_of), unit="notebook", disable=not progress, leave=False)
    tries: Counter[str] = Counter()
    while jobs_of:
        for future in workers.as_completed(list(jobs_of)):
            job = jobs_of.pop(future)
            try:
                graded = future.result()
            except workers.lost as error:  # its worker died: not the student's doing
                tries[job.key] += 1
                if tries[job.key] < MAX_TRIES:
                    jobs_of[workers.submit(job)] = job
                    break  # wait again, for the new future too
                graded = Graded(job, None, error=f"its worker died {MAX_TRIES} times: {error}", host_failed=True)
            recorder.keep(graded)
            bar.update()
            waiting[job.student] -= 1
            if waiting[job.student] == 0:
                with _above(bar):
                    recorder.record(job.student)
    bar.close()


class Recorder:
    """The single writer: stores worker results, runs nbgrader's Autograde per student."""

    def __init__(self, api: NbGraderAPI, assignment: str, store: Path, show: Callable[[str], None]):
        self.api, self.assignment, self.store, self.show = api, assignment, store, show
        self.lines: dict[str, StudentLine] = {}
        self.recording: str | None = None

    def keep(self, graded: Graded) -> None:
        line = self.lines[graded.job.student]
        line.host_failed |= graded.host_failed
        if graded.notebook_json is None:
            line.problems.append(f"{graded.job.notebook}: {graded.error}")
            return
        nb = nbformat.reads(graded.notebook_json, as_version=4)
        precomputed.save(self.store, graded.job.key, nb, list(graded.events))
        line.problems += [f"{graded.job.notebook}: {event}" for event in dict.fromkeys(graded.events)]

    def record(self, student: str) -> None:
        line = self.lines[student]
        if line.host_failed:  # nothing is recorded for them, not even a zero: the next run grades them
            self.show(str(line) + f"  ({'; '.join(line.problems)})")
            return
        self.recording = student
        result = self.api.autograde(self.assignment, student, force=True, create=True)
        if Stop.requested:
            raise KeyboardInterrupt
        self.recording = None
        if NO_PRECOMPUTED_RESULT in result.get("log", ""):
            line.problems.append("nbgrader graded a notebook again: " + NO_PRECOMPUTED_RESULT)
        line.recorded_in_full = bool(result.get("success", False))
        if not line.recorded_in_full:
            line.problems.append("nbgrader could not grade all of it")
            errors = [text for text in result.get("log", "").splitlines() if "[ERROR]" in text or "Error:" in text]
            self.show("\n".join(f"{student}: {text.strip()}" for text in dict.fromkeys(errors)))
        line.scores = notebook_scores(self.api.coursedir.db_url, self.assignment, student)
        self.show(str(line))

    def roll_back(self) -> None:
        """Remove the submission being recorded when the run stopped: no student is left half-written."""
        student, self.recording = self.recording, None
        if student is None:
            return
        taken_out = leave_ungraded(self.api.coursedir.db_url, self.assignment, student, self.api.log)
        shutil.rmtree(Path(self.api.coursedir.format_path(self.api.coursedir.autograded_directory, student,
                                                           self.assignment)), ignore_errors=True)
        self.show(f"{student}: stopped while recording; " + ("the submission was taken out of the gradebook"
                                                              if taken_out else "its hand grading was kept"))


def notebook_scores(db_url: str, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """(score, max score) per notebook of a student's submission, from the gradebook."""
    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {nb.name: (nb.score, nb.max_score) for nb in submission.notebooks}


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
