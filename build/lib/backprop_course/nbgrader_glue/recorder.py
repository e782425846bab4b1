"""The single writer of `backprop-course autograde`: worker results in, nbgrader's own Autograde
run per student, which takes them instead of grading again (SandboxedGrading.precomputed), out
come the gradebook rows, autograded notebooks and feedback of `nbgrader autograde`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import CheckCellMetadata
from traitlets.config import Config

from ..grader.caps import Limits
from ..grader.workers import Graded, Job
from . import precomputed
from .gradebook import submission_scores
from .precomputed import grading_key
from .preprocessors import NO_PRECOMPUTED_RESULT, sanitize_preprocessors
from .ungraded import leave_ungraded


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


class Recorder:
    """The single writer: stores worker results, runs nbgrader's Autograde per student."""

    def __init__(self, api: NbGraderAPI, assignment: str, store: Path, show: Callable[[str], None],
                 stopped: Callable[[], bool]):
        self.api, self.assignment, self.store, self.show, self.stopped = api, assignment, store, show, stopped
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
        """Remove the submission being recorded when the run stopped: no student is left half-written."""
        student, self.recording = self.recording, None
        if student is None:
            return
        taken_out = leave_ungraded(self.api.coursedir.db_url, self.assignment, student, self.api.log)
        shutil.rmtree(Path(self.api.coursedir.format_path(self.api.coursedir.autograded_directory, student,
                                                           self.assignment)), ignore_errors=True)
        self.show(f"{student}: stopped while recording; " + ("the submission was taken out of the gradebook"
                                                              if taken_out else "its hand grading was kept"))
