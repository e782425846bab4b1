"""RestoreGradedCells: graded cells that a submission lacks (deleted by the student) put back from
the gradebook's copy, after the cells of the same function, so that the function is still graded.
(nbgrader's own add_missing_cells expects a graded or answer cell right before each graded cell,
which the read-only check cells here are not.)"""

from __future__ import annotations

from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from ..course.cells import answer_id, grade_id
from .contracts import contract_for, contract_notebook


class RestoreGradedCells(NbGraderPreprocessor):
    """Put back the graded test cells missing from a submission, from the gradebook's source cells."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        contract = contract_for(self, resources)
        notebook = contract_notebook(contract, info["notebook"])
        if notebook is None:
            return nb, resources
        missing = [
            check
            for function in notebook.functions
            for check in function.checks
            if _position_of(nb, check.grade_id) is None
        ]
        if not missing:
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            for check in missing:
                source = gradebook.find_source_cell(check.grade_id, info["notebook"], info["assignment"])
                grade = gradebook.find_grade_cell(check.grade_id, info["notebook"], info["assignment"])
                nb.cells.insert(_after_function(nb, contract.functions[check.function]),
                                _restored(source, grade.max_score))
                self.log.warning("%s: graded cell %s was missing and is put back", info["student"], check.grade_id)
        return nb, resources


def _position_of(nb, wanted: str) -> int | None:
    return next((index for index, cell in enumerate(nb.cells) if grade_id(cell) == wanted), None)


def _after_function(nb, function) -> int:
    """The index just after the last cell of function's answer or graded cells, else the end."""
    own = {answer_id(function.name)} | {check.grade_id for check in function.checks}
    found = [index for index, cell in enumerate(nb.cells) if grade_id(cell) in own]
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
