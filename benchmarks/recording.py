"""How fast one writer records graded notebooks: nbgrader's own Autograde per student (the old
path, taking the gradings from the precomputed store) against the bulk writer (the new path),
on the same graded results, in this process. Used by grading.py and scale.py.

The gradings are made once (a submission of each sample student, graded in the sandbox) and
recorded for many students: copies of those submissions under other names.
"""

from __future__ import annotations

import copy
import shutil
import time
from dataclasses import dataclass, replace

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from backprop_course.course.paths import CourseDir, contract_files
from backprop_course.nbgrader_glue import precomputed
from backprop_course.nbgrader_glue.course_config import course_config
from backprop_course.nbgrader_glue.preprocessors import SandboxedGrading, autograde_preprocessors
from backprop_course.recording.bulk_writer import BulkWriter, StudentRecord
from backprop_course.recording.notebook_pipeline import (
    Context,
    NotebookResult,
    grade_submitted,
    sanitize_submitted,
)
from backprop_course.recording.recorder import jobs_for
from backprop_course.recording.snapshot import take_snapshot
from backprop_course.sandbox import scratch

BATCH = 50


@dataclass(frozen=True)
class Rate:
    """Notebooks recorded, and the writer's wall-clock and CPU seconds for them."""

    notebooks: int
    seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.notebooks / self.seconds

    @property
    def cpu_ms_per_notebook(self) -> float:
        return 1000 * self.cpu_seconds / self.notebooks

    def __str__(self) -> str:
        return (f"{self.per_second:7.1f} notebooks/s  ({self.notebooks} notebooks in {self.seconds:.2f} s; "
                f"{self.cpu_ms_per_notebook:.1f} ms of the writer's CPU per notebook)")


def context_of(course: CourseDir) -> tuple[CourseDirectory, Context]:
    config = course_config(course, **{"Autograde.autograde_preprocessors":
                                      autograde_preprocessors(check_metadata_again=False)})
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(course.root)
    grading = SandboxedGrading(config=config)
    snapshot = take_snapshot(coursedir.db_url, course.assignment, coursedir.course_id)
    return coursedir, Context(config, snapshot, grading.limits(), not grading.unsafe, grading.fork_kernels,
                              contract_files(course.root, course.assignment))


def graded_models(course: CourseDir, context: Context, models: list[str]) -> dict[str, list[NotebookResult]]:
    """The graded notebooks of each model student's submission (already in submitted/)."""
    return {model: [grade_submitted(job, context) for job in jobs_for(model, sorted(
        course.submission(model).glob("*.ipynb")), context.loaded_contract())] for model in models}


def copies(course: CourseDir, models: dict[str, list[NotebookResult]], count: int, prefix: str) -> list[str]:
    """count students whose submissions are copies of the models', in turn."""
    names = list(models)
    students = [f"{prefix}{number:05d}" for number in range(count)]
    for number, student in enumerate(students):
        shutil.copytree(course.submission(names[number % len(names)]), course.submission(student))
    return students


def bulk_rate(course: CourseDir, coursedir: CourseDirectory, context: Context,
              models: dict[str, list[NotebookResult]], count: int) -> Rate:
    """The new path: the bulk writer, in batches of BATCH students."""
    students = copies(course, models, count, "bulk")
    names = list(models)
    records = [StudentRecord(student, tuple(replace(result, job=replace(result.job, student=student))
                                            for result in models[names[number % len(names)]]))
               for number, student in enumerate(students)]
    writer = BulkWriter(coursedir, context.config, context.snapshot.assignment)
    start, cpu = time.perf_counter(), time.process_time()
    for first in range(0, len(records), BATCH):
        writer.write(records[first:first + BATCH])
    rate = Rate(sum(len(record.notebooks) for record in records), time.perf_counter() - start,
                time.process_time() - cpu)
    writer.close()
    return rate


def nbgrader_rate(course: CourseDir, coursedir: CourseDirectory, context: Context,
                  models: dict[str, list[NotebookResult]], count: int) -> Rate:
    """The old path: nbgrader's own Autograde per student, taking the gradings from the store."""
    students = copies(course, models, count, "nbgrader")
    store = scratch.new_folder("precomputed-")
    names = list(models)
    for number, student in enumerate(students):
        for result in models[names[number % len(names)]]:
            job = replace(result.job, student=student)
            nb, _ = sanitize_submitted(job, context)
            key = precomputed.grading_key(nb, student, job.notebook, context.limits, context.sandboxed,
                                          context.snapshot.assignment, context.loaded_contract())
            graded = nbformat.reads(result.autograded, as_version=4)
            precomputed.save(store, key, precomputed.record_of(graded, list(result.events)))
    config = copy.deepcopy(context.config)
    config.SandboxedGrading.precomputed = str(store)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    start, cpu = time.perf_counter(), time.process_time()
    for student in students:
        result = api.autograde(context.snapshot.assignment, student, force=True, create=True)
        assert result["success"], result.get("log", "")[-2000:]
    return Rate(len(students) * len(models[names[0]]), time.perf_counter() - start, time.process_time() - cpu)
