"""nbgrader preprocessors of the course, wired in by nbgrader_config.py.

- SandboxedGrading: in the place of nbgrader's Execute, grades the submission with
  grading.py: student code runs only in a sandboxed kernel (sandbox.py), the grades are worked
  out in this process from the plain data that the student's functions return, and each
  graded cell gets its feedback and score. Without a sandbox it refuses to grade, unless the
  instructor sets SandboxedGrading.unsafe.
- StableKernelPaths: drops the kernel's process id from paths in outputs (warnings and
  tracebacks name /tmp/ipykernel_<pid>/...), so that a re-grade gives identical feedback.
- RestoreGradedCells: puts back graded cells that a submission lacks (deleted by the student),
  from the gradebook's copy, after the cells of the same function, so that the function is
  still graded. (nbgrader's own add_missing_cells expects a graded or answer cell right before
  each graded cell, which the read-only check cells here are not.)
- Feedback drops the hidden test lines from the graded cells, so students never see them, then
  SummarizeFeedback and EmbedMathJax give the feedback template (pages.py) the summary table's
  rows and MathJax's source.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    Execute,
    NbGraderPreprocessor,
    OverwriteCells,
)
from traitlets import Bool, Float, Int, Unicode

from . import precomputed
from .checks import CHECKS
from .contract import CALL_TIME_LIMIT, CELL_TIME_LIMIT, NOTEBOOK_TIME_LIMIT, NOTEBOOKS, OUTPUT_LIMIT_BYTES
from .feedback_summary import summarize
from .grading import Limits, grade_notebook
from .pages import RESOURCES_KEY, embedded_mathjax
from .precomputed import grading_key
from .sandbox import require_sandbox

NO_PRECOMPUTED_RESULT = "no result from the workers matches this notebook: graded here"


class SandboxedGrading(NbGraderPreprocessor):
    """Grade a submission (see grading.py): cells and functions run in a sandboxed kernel, and
    the grades are worked out here; in nbgrader's autograde steps, in the place of Execute."""

    unsafe = Bool(False, help="Run student code without the sandbox: only for submissions you trust.").tag(
        config=True
    )
    cell_timeout = Float(CELL_TIME_LIMIT, help="Seconds one cell may run.").tag(config=True)
    notebook_timeout = Float(NOTEBOOK_TIME_LIMIT, help="Seconds all the cells of a notebook may run.").tag(config=True)
    call_timeout = Float(CALL_TIME_LIMIT, help="Seconds one call of a graded function may run.").tag(config=True)
    output_limit = Int(OUTPUT_LIMIT_BYTES, help="Output bytes kept per notebook; the rest is cut.").tag(config=True)
    precomputed = Unicode("", help="Folder of results graded ahead by `backprop-course autograde`.").tag(config=True)

    def limits(self) -> Limits:
        return Limits(self.cell_timeout, self.notebook_timeout, self.output_limit, self.call_timeout)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        student, notebook = info.get("student", ""), info.get("notebook", "")
        if self.precomputed:
            key = grading_key(nb, student, notebook, self.limits(), not self.unsafe)
            if precomputed.apply(Path(self.precomputed), key, nb) is not None:
                self.log.info("%s/%s: graded by a worker", student, notebook)
                return nb, resources
            self.log.warning("%s/%s: %s", student, notebook, NO_PRECOMPUTED_RESULT)
        if not self.unsafe:
            require_sandbox()
        cwd = resources.get("metadata", {}).get("path")
        grading = grade_notebook(nb, notebook, student, sandboxed=not self.unsafe, limits=self.limits(), cwd=cwd,
                                 logger=self.log)
        return grading.nb, resources


KERNEL_PATH = re.compile(r"ipykernel_\d+")


class StableKernelPaths(NbGraderPreprocessor):
    """Replace /tmp/ipykernel_<pid>/ by /tmp/ipykernel/ in every output's text and traceback."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = KERNEL_PATH.sub("ipykernel", output.text)
            if "traceback" in output:
                output.traceback = [KERNEL_PATH.sub("ipykernel", line) for line in output.traceback]
        return cell, resources


class RestoreGradedCells(NbGraderPreprocessor):
    """Put back the graded test cells missing from a submission, from the gradebook's source cells."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        notebook = next((found for found in NOTEBOOKS if found.name == info["notebook"]), None)
        if notebook is None:
            return nb, resources
        missing = [
            check
            for function in notebook.functions
            for check in CHECKS[function.name]
            if _position_of(nb, check.grade_id) is None
        ]
        if not missing:
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            for check in missing:
                source = gradebook.find_source_cell(check.grade_id, info["notebook"], info["assignment"])
                grade = gradebook.find_grade_cell(check.grade_id, info["notebook"], info["assignment"])
                nb.cells.insert(_after_function(nb, check.function), _restored(source, grade.max_score))
                self.log.warning("%s: graded cell %s was missing and is put back", info["student"], check.grade_id)
        return nb, resources


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _position_of(nb, grade_id: str) -> int | None:
    return next((index for index, cell in enumerate(nb.cells) if _grade_id(cell) == grade_id), None)


def _after_function(nb, function: str) -> int:
    """The index just after the last cell of function's answer or graded cells, else the end."""
    own = {f"answer_{function}"} | {check.grade_id for check in CHECKS[function]}
    found = [index for index, cell in enumerate(nb.cells) if _grade_id(cell) in own]
    return found[-1] + 1 if found else len(nb.cells)


def _restored(source_cell, points: float):
    cell = new_code_cell("# This graded cell was missing from the submission and was put back.\n" + source_cell.source)
    cell.id = source_cell.name  # a fixed id, so that a re-grade gives the same notebook
    cell.metadata = {
        "deletable": False,
        "editable": False,
        "nbgrader": {
            "cell_type": "code",
            "checksum": source_cell.checksum,
            "grade": True,
            "grade_id": source_cell.name,
            "locked": True,
            "points": points,
            "schema_version": 3,
            "solution": False,
        },
    }
    return cell


def sanitize_preprocessors() -> list:
    """nbgrader's own steps before grading, then RestoreGradedCells after OverwriteCells."""
    steps = []
    for step in Autograde.class_traits()["sanitize_preprocessors"].default():
        steps += [step, RestoreGradedCells] if step is OverwriteCells else [step]
    return steps


def autograde_preprocessors(check_metadata_again: bool = True) -> list:
    """nbgrader's own autograde steps, with SandboxedGrading in the place of Execute, and the
    outputs made stable right after it (before any score is read from them).

    Without check_metadata_again, the last step (CheckCellMetadata, which only validates, and
    which already ran on the same metadata among the sanitize steps) is left out.
    """
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        if step is CheckCellMetadata and not check_metadata_again:
            continue
        steps += [SandboxedGrading, StableKernelPaths] if step is Execute else [step]
    return steps


class SummarizeFeedback(NbGraderPreprocessor):
    """Put the rows of the table a feedback page opens with into resources (feedback_summary.py);
    after GetGrades, whose scores it reads."""

    def preprocess(self, nb, resources):
        resources.setdefault(RESOURCES_KEY, {})["summary"] = summarize(nb)
        return nb, resources


class EmbedMathJax(NbGraderPreprocessor):
    """Put MathJax's source into resources, for the feedback page to carry it (pages.py)."""

    def preprocess(self, nb, resources):
        resources.setdefault(RESOURCES_KEY, {})["mathjax"] = embedded_mathjax()
        return nb, resources


def feedback_preprocessors() -> list:
    """nbgrader's own feedback steps, then the removal of the hidden test lines, then what the
    feedback template needs beyond the notebook."""
    defaults = GenerateFeedback.class_traits()["preprocessors"].default()
    return [*defaults, ClearHiddenTests, SummarizeFeedback, EmbedMathJax]
