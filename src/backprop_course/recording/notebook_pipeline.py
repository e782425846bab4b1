"""One submitted notebook through nbgrader's own autograde steps, as a worker runs it: sanitize
(reading the instructor's cells from the assignment's snapshot), grade in the sandbox,
post-process, and read the grades back, without writing any gradebook.

What comes back is plain data: the autograded notebook as nbgrader writes it, each graded
cell's score and each answer cell's comment (as SaveAutoGrades would store them), and the
findings of its graded functions (as SaveFindings would store them).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, NbGraderPreprocessor, SaveAutoGrades
from traitlets.config import Config

from ..course.contract import Contract
from ..course.loading import ContractFiles, load_contract
from ..grading.cell_runs import NotebookAbandonedError
from ..grading.notebook_grading import UngradedCellsError, grade_notebook
from ..nbgrader_glue import precomputed
from ..nbgrader_glue.contracts import RESOURCES_KEY as CONTRACT_KEY
from ..nbgrader_glue.preprocessors import SandboxedGrading, SaveFindings
from ..sandbox.caps import Limits
from ..sandbox.kernel_session import KernelUnavailableError
from .snapshot import Snapshot, snapshot_url


@dataclass(frozen=True)
class Context:
    """What every job of a run shares, sent to each worker once: the configuration (with the
    steps nbgrader runs), the assignment's snapshot and its contract's files (None: graded with
    nbgrader's semantics)."""

    config: Config
    snapshot: Snapshot
    limits: Limits
    sandboxed: bool
    forked: bool = True
    contract: ContractFiles | None = None

    def loaded_contract(self) -> Contract | None:
        return load_contract(self.contract) if self.contract is not None else None


@dataclass(frozen=True)
class Job:
    """One submitted notebook to grade: plain data, no paths."""

    student: str
    notebook: str
    submitted: str  # the notebook file's text, as the student submitted it
    # the files beside it, for a notebook graded with nbgrader's semantics: {relative path: bytes}
    files: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CellGrade:
    """What SaveAutoGrades stores for one cell: a graded cell's score, an answer's comment."""

    grade_id: str
    is_grade: bool
    auto_score: float | None = None
    is_commented: bool = False
    auto_comment: str | None = None


@dataclass(frozen=True)
class NotebookResult:
    """What a worker sends back: the autograded notebook and its grades, or why there is none."""

    job: Job
    autograded: str | None = None  # the notebook file nbgrader would write, as text
    grades: tuple[CellGrade, ...] = ()
    key: str = ""  # what decided its grading (precomputed.py), for nbgrader's own run
    events: tuple[str, ...] = ()
    findings: tuple[dict, ...] = ()  # grading/behaviour.py's, as records
    error: str | None = None
    host_failed: bool = False  # no kernel could start: not the student's doing, nothing to record
    abandoned: bool = False  # given up, as nbgrader gives up on it (error says why): nbgrader's run records it
    seconds: float = 0.0
    steps: dict = field(default_factory=dict)  # seconds per stage, for the benchmarks


class ReadGrades(NbGraderPreprocessor):
    """In the place of SaveAutoGrades: the same scores and comments, into resources, not a gradebook."""

    def preprocess(self, nb, resources):
        grades = []
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            is_grade, commented = utils.is_grade(cell), utils.is_solution(cell) or utils.is_task(cell)
            if not (is_grade or commented):
                continue
            score = utils.determine_grade(cell, self.log)[0] if is_grade else None
            comment = None
            if commented and cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell) and (
                    not utils.is_task(cell)):
                comment = "No response."
            grades.append(CellGrade(grade_id, is_grade, score, commented, comment))
        resources["backprop_grades"] = tuple(grades)
        return nb, resources


def exporter(config: Config, steps: list) -> NotebookExporter:
    """nbgrader's own exporter for its autograde passes, with steps as its only preprocessors."""
    quiet = copy.deepcopy(config)
    quiet.Exporter.default_preprocessors = []
    # The notebook is validated once, after the last step, rather than after every step (a
    # tenth of a worker's own time per notebook); a step that breaks it is still caught.
    quiet.Exporter.optimistic_validation = True
    found = NotebookExporter(config=quiet)
    for step in steps:
        found.register_preprocessor(step)
    return found


def _exporters(context: Context) -> tuple[NotebookExporter, NotebookExporter]:
    """The sanitize pass's exporter, and the one of the steps after grading (with the grades read
    instead of saved, and neither late penalties, findings saved nor the repeated metadata check:
    the writer does the first two, the sanitize pass did the last)."""
    cached = _cache.get(id(context))
    if cached is None:
        config = context.config
        after = [step for step in config.Autograde.autograde_preprocessors
                 if not issubclass(step, (SandboxedGrading, AssignLatePenalties, SaveFindings, CheckCellMetadata))]
        after = [ReadGrades if step is SaveAutoGrades else step for step in after]
        cached = _cache[id(context)] = (context, exporter(config, config.Autograde.sanitize_preprocessors),
                                        exporter(config, after))
    return cached[1], cached[2]


# The exporters of each context this process has seen (the context is kept, so its id stays its own).
_cache: dict[int, tuple[Context, NotebookExporter, NotebookExporter]] = {}


def sanitize_submitted(job: Job, context: Context) -> tuple[NotebookNode, dict]:
    """The submitted notebook as nbgrader's sanitize pass writes it and reads it back, and the
    resources its steps use."""
    resources = {"unique_key": job.notebook, "output_files_dir": f"{job.notebook}_files",
                 "nbgrader": {"student": job.student, "assignment": context.snapshot.assignment,
                              "notebook": job.notebook, "db_url": snapshot_url(context.snapshot)},
                 CONTRACT_KEY: context.contract}
    sanitized, resources = _exporters(context)[0].from_notebook_node(nbformat.reads(job.submitted, as_version=4),
                                                                     resources)
    return nbformat.reads(sanitized, as_version=4), resources  # as nbgrader reads it for its second pass


def grade_submitted(job: Job, context: Context) -> NotebookResult:
    """Run one submitted notebook through the autograde steps (see the module's docstring)."""
    start = time.perf_counter()
    steps = {}
    try:
        nb, resources = sanitize_submitted(job, context)
    except Exception as error:  # noqa: BLE001 - nbgrader's own run reports it for this student
        return NotebookResult(job, error=f"{type(error).__name__}: {str(error)[:200]}")
    steps["sanitize"] = time.perf_counter() - start
    assignment, contract = context.snapshot.assignment, context.loaded_contract()
    key = precomputed.grading_key(nb, job.student, job.notebook, context.limits, context.sandboxed, assignment,
                                  contract)
    try:
        grading = grade_notebook(nb, job.notebook, job.student, sandboxed=context.sandboxed, forked=context.forked,
                                 limits=context.limits, contract=contract, files=job.files)
    except (KernelUnavailableError, UngradedCellsError) as error:
        return NotebookResult(job, key=key, error=str(error), host_failed=True, seconds=time.perf_counter() - start)
    except NotebookAbandonedError as error:
        return NotebookResult(job, key=key, error=str(error), abandoned=True, seconds=time.perf_counter() - start)
    except Exception as error:  # noqa: BLE001 - reported for this notebook; nbgrader grades it again
        return NotebookResult(job, key=key, error=f"{type(error).__name__}: {error}",
                              seconds=time.perf_counter() - start)
    steps["grade"] = time.perf_counter() - start - steps["sanitize"]
    autograded, resources = _exporters(context)[1].from_notebook_node(grading.nb, resources)
    steps["after"] = time.perf_counter() - start - steps["sanitize"] - steps["grade"]
    return NotebookResult(job, autograded, resources["backprop_grades"], key, tuple(grading.events),
                          tuple(finding.record() for finding in grading.findings),
                          seconds=time.perf_counter() - start, steps=steps)
