"""nbgrader preprocessors of the course, wired in by nbgrader_config.py.

- StudentExecute: nbgrader's Execute, with the student id in the grading kernel's environment,
  so that the hidden tests seed each student's inputs differently, and one stream output per
  cell, so that grading the same notebook twice gives identical notebooks and feedback.
- GradedCellOutputs: in graded cells the score is the grader's result, so text that student
  code wrote to stderr (a warning) is kept as ordinary output instead of zeroing the cell, as
  nbgrader would; and an error there shows its type and message only, since its traceback
  would quote the cell's hidden lines.
- StableKernelPaths: drops the kernel's process id from paths in outputs (warnings and
  tracebacks name /tmp/ipykernel_<pid>/...), so that a re-grade gives identical feedback.
- RestoreGradedCells: puts back graded cells that a submission lacks (deleted by the student),
  from the gradebook's copy, after the cells of the same function, so that the function is
  still graded. (nbgrader's own add_missing_cells expects a graded or answer cell right before
  each graded cell, which the read-only check cells here are not.)
- Feedback drops the hidden test lines from the graded cells, so students never see them.
"""

from __future__ import annotations

import os
import re

from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool

from .checks import CHECKS
from .contract import NOTEBOOKS, STUDENT_ENV


class StudentExecute(Execute):
    """Execute a submission on a kernel that knows whose submission it is."""

    # However the kernel happened to split printed text into messages, keep one output per stream.
    coalesce_streams = Bool(True, help="Merge each cell's stream outputs of one name into one.").tag(config=True)

    def preprocess(self, nb, resources, km=None):
        self._student_id = resources.get("nbgrader", {}).get("student", "")
        return super().preprocess(nb, resources, km=km)

    async def async_start_new_kernel(self, **kwargs):
        kwargs["env"] = {**os.environ, **kwargs.get("env", {}), STUDENT_ENV: getattr(self, "_student_id", "")}
        return await super().async_start_new_kernel(**kwargs)

    # nbclient binds its synchronous twin to its own coroutine at class level: bind ours.
    start_new_kernel = run_sync(async_start_new_kernel)


class GradedCellOutputs(NbGraderPreprocessor):
    """In graded code cells: stderr shown as prefixed stdout, errors without their traceback."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = "".join(f"[stderr] {line}" for line in output.text.splitlines(keepends=True))
                elif output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


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


def autograde_preprocessors() -> list:
    """nbgrader's own autograde steps, with StudentExecute in the place of Execute, and the
    outputs made fair and stable right after it (before any score is read from them)."""
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        steps += [StudentExecute, GradedCellOutputs, StableKernelPaths] if step is Execute else [step]
    return steps


def feedback_preprocessors() -> list:
    """nbgrader's own feedback steps, then the removal of the hidden test lines."""
    defaults = GenerateFeedback.class_traits()["preprocessors"].default()
    return [*defaults, ClearHiddenTests]
