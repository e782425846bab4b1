"""The single writer of `backprop-course autograde`: worker results in; out come the gradebook
rows, autograded notebooks and feedback of `nbgrader autograde`.

A student whose notebooks are exactly the assignment's and all came back graded is recorded in
bulk, with others, in one transaction per batch (bulk_writer.py). Any other student (a notebook
that is missing, extra, or that nbgrader's steps could not read) is recorded by nbgrader's own
Autograde, which takes the workers' gradings instead of grading again (SandboxedGrading.precomputed)
and says what went wrong as `nbgrader autograde` would.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from ..course.contract import Contract
from ..course.student_ids import admitted
from ..nbgrader_glue import precomputed
from ..nbgrader_glue.contracts import contract_notebook
from ..nbgrader_glue.gradebook import scores_of, submission_scores
from ..nbgrader_glue.preprocessors import NO_PRECOMPUTED_RESULT
from ..nbgrader_glue.submission_files import files_beside
from ..nbgrader_glue.ungraded import leave_ungraded
from .bulk_writer import BulkWriter, StudentRecord
from .notebook_pipeline import Job, NotebookResult

BATCH_STUDENTS = 50  # students per transaction, at most
BATCH_SECONDS = 2.0  # and the longest a graded student waits to be recorded


@dataclass
class StudentLine:
    """One student's result line."""

    student: str
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    recorded_in_full: bool = False  # every notebook of the submission was recorded
    host_failed: bool = False  # left ungraded: the grading host could not grade it (run again)

    def __str__(self) -> str:
        parts = [f"{name} {score:g}/{top:g}" for name, (score, top) in sorted(self.scores.items())]
        if self.host_failed:
            parts = ["not graded: the grading host failed, run autograde again"]
        text = f"{self.student:<16} " + "  ".join(parts)
        return text + (f"  ({'; '.join(self.problems)})" if self.problems else "")


def submissions(coursedir: CourseDirectory, assignment: str,
                say: Callable[[str], None] | None = None) -> dict[str, list[Path]]:
    """Each student's submitted notebooks, from submitted/<student>/<assignment>/; a folder whose
    student id is refused (course/student_ids.py) is left out, with a line said."""
    found = {}
    for folder in sorted(Path(coursedir.root, coursedir.submitted_directory).glob(f"*/{assignment}")):
        if not admitted(folder.parent.name, f"folder {folder}", say or (lambda line: None)):
            continue
        found[folder.parent.name] = sorted(folder.glob("*.ipynb"))
    return found


def jobs_for(student: str, paths: list[Path], contract: Contract | None, source: Path | None = None) -> list[Job]:
    """A job per submitted notebook: its text as the student submitted it, and for a notebook
    graded with nbgrader's semantics (none of the contract's) the files beside it, the
    assignment's source folder's over the submission's (as nbgrader's autograde copies them)."""
    jobs = []
    for path in paths:
        files = {} if contract_notebook(contract, path.stem) else files_beside(path.parent, source)
        jobs.append(Job(student, path.stem, path.read_text(encoding="utf-8", errors="replace"), files))
    return jobs


class Recorder:
    """The single writer (see the module's docstring)."""

    def __init__(self, api: NbGraderAPI, writer: BulkWriter, assignment: str, store: Path,
                 show: Callable[[str], None], stopped: Callable[[], bool]):
        self.api, self.writer, self.assignment, self.store = api, writer, assignment, store
        self.show, self.stopped = show, stopped
        self.lines: dict[str, StudentLine] = {}
        self.results: dict[str, list[NotebookResult]] = {}
        self.pending: list[StudentRecord] = []
        self.since = time.monotonic()
        self.recording: str | None = None  # the student nbgrader's own Autograde is recording

    def keep(self, result: NotebookResult) -> None:
        line = self.lines[result.job.student]
        line.host_failed |= result.host_failed
        self.results.setdefault(result.job.student, []).append(result)
        if result.error is not None:
            line.problems.append(f"{result.job.notebook}: {result.error}")
        line.problems += [f"{result.job.notebook}: {event}" for event in dict.fromkeys(result.events)]

    def record(self, student: str) -> None:
        """The student's notebooks are all back: record them (in the next batch, or at once)."""
        line, results = self.lines[student], self.results.pop(student, [])
        if line.host_failed:  # nothing is recorded for them, not even a zero: the next run grades them
            self.show(str(line))
            return
        if results and all(result.autograded is not None for result in results) and (
                {result.job.notebook for result in results} == self.writer.notebook_names):
            self.pending.append(StudentRecord(student, tuple(sorted(results, key=lambda r: r.job.notebook))))
            if len(self.pending) >= BATCH_STUDENTS or time.monotonic() - self.since >= BATCH_SECONDS:
                self.flush()
            return
        self.flush()  # keep the order of the lines
        for result in results:  # nbgrader's own run takes their grading from the autograded notebook
            if result.autograded is not None:
                graded = nbformat.reads(result.autograded, as_version=4)
                precomputed.save(self.store, result.key,
                                 precomputed.record_of(graded, list(result.events), list(result.findings)))
        self._by_nbgrader(student)

    def flush(self) -> None:
        """Record the batch of students waiting, in one transaction."""
        batch, self.pending, self.since = self.pending, [], time.monotonic()
        if not batch:
            return
        self.writer.write(batch)
        for record in batch:
            line = self.lines[record.student]
            line.recorded_in_full = True
            line.scores = scores_of(self.writer.gradebook.find_submission(self.assignment, record.student))
            self.show(str(line))
        self.writer.done_reading()

    def _by_nbgrader(self, student: str) -> None:
        line = self.lines[student]
        self.recording = student
        result = self.api.autograde(self.assignment, student, force=True, create=True)
        if self.stopped():  # nbgrader's API catches KeyboardInterrupt like any other exception
            raise KeyboardInterrupt
        self.recording = None
        if NO_PRECOMPUTED_RESULT in result.get("log", ""):
            line.problems.append("nbgrader graded a notebook again: " + NO_PRECOMPUTED_RESULT)
        line.recorded_in_full = bool(result.get("success", False))
        if not line.recorded_in_full:
            line.problems.append("nbgrader could not grade all of it")
            errors = [text for text in result.get("log", "").splitlines() if "[ERROR]" in text or "Error:" in text]
            self.show("\n".join(f"{student}: {text.strip()}" for text in dict.fromkeys(errors)))
        line.scores = submission_scores(self.api.coursedir.db_url, self.assignment, student)
        self.show(str(line))

    def roll_back(self) -> None:
        """When the run stopped: the batch being written was rolled back (BulkWriter.write), and
        the student nbgrader was recording is taken out, so that no student is left half-written."""
        self.pending = []
        student, self.recording = self.recording, None
        if student is None:
            return
        taken_out = leave_ungraded(self.api.coursedir.db_url, self.assignment, student, self.api.log)
        shutil.rmtree(Path(self.api.coursedir.format_path(self.api.coursedir.autograded_directory, student,
                                                           self.assignment)), ignore_errors=True)
        self.show(f"{student}: stopped while recording; " + ("the submission was taken out of the gradebook"
                                                              if taken_out else "its hand grading was kept"))
