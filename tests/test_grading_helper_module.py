"""Grading puts backprop_checks.py in the kernel's working folder, before the cells run and after a restart."""

from __future__ import annotations

import nbformat
import pytest

from backprop_course.authoring.samples import answers_from_source, fill_answers
from backprop_course.course.cells import is_graded_test
from backprop_course.grading.notebook_grading import UngradedCellsError, grade_notebook
from backprop_course.grading.notes import ISOLATION_KEY, isolation_of
from backprop_course.sandbox.host import NO_SANDBOX, this_host
from backprop_course.sandbox.sandbox import sandbox_problem

from .support import REPO_COURSE
from .support.backprop import CONTRACT, GIVEN_CELL_ID, SINGLE_NEURON

pytestmark = pytest.mark.slow

COURSE = REPO_COURSE
KILL_THE_KERNEL = "import os\nos._exit(1)"
PROBE = "import backprop_checks\nprint('helpers:', backprop_checks.check_result.__name__)"


@pytest.mark.parametrize("sandboxed", [
    pytest.param(True, marks=pytest.mark.skipif(sandbox_problem() is not None, reason=str(sandbox_problem()))),
    False,
], ids=["sandboxed", "unsafe"])
def test_the_cells_import_the_helper_module_before_and_after_the_kernel_restarts(sandboxed):
    answers = answers_from_source((COURSE.sample_answers / "alice.py").read_text())
    nb = fill_answers(nbformat.read(COURSE.release / SINGLE_NEURON.filename, as_version=4), answers)
    given = next(index for index, cell in enumerate(nb.cells) if cell.id == GIVEN_CELL_ID)
    nb.cells[given + 1:given + 1] = [nbformat.v4.new_code_cell(KILL_THE_KERNEL, id="kill"),
                                     nbformat.v4.new_code_cell(PROBE, id="probe")]
    nb.metadata[ISOLATION_KEY] = "own uid, control group"  # the student's claim, replaced by the grader's
    grading = grade_notebook(nb, SINGLE_NEURON.name, "alice", sandboxed=sandboxed, contract=CONTRACT)
    assert isolation_of(grading.nb) == (this_host().isolation.describe() if sandboxed else NO_SANDBOX)
    if not sandboxed:
        assert "own uid" not in isolation_of(grading.nb)
    cells = {cell.id: cell for cell in grading.nb.cells}
    assert not [output for output in cells[GIVEN_CELL_ID].outputs if output.output_type == "error"]
    assert grading.events == ["kernel-died"]
    assert "helpers: check_result" in "".join(output.get("text", "") for output in cells["probe"].outputs)
    points = [float(cell.outputs[-1].data["text/plain"]) for cell in grading.nb.cells if is_graded_test(cell)]
    assert sum(points) == SINGLE_NEURON.autograded_points


def test_a_graded_test_cell_the_contract_does_not_judge_is_never_left_to_pass():
    """nbgrader counts a graded test cell without an error as passed: one that grading did not run
    (here a check the contract does not know) stops the grading of the notebook, naming it."""
    answers = answers_from_source((COURSE.sample_answers / "alice.py").read_text())
    nb = fill_answers(nbformat.read(COURSE.release / SINGLE_NEURON.filename, as_version=4), answers)
    nb.cells.append(nbformat.v4.new_code_cell("assert False", id="extra", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 5, "grade_id": "test_extra_check",
        "schema_version": 3}}))
    with pytest.raises(UngradedCellsError) as raised:
        grade_notebook(nb, SINGLE_NEURON.name, "alice", sandboxed=False, contract=CONTRACT)
    assert raised.value.grade_ids == ["test_extra_check"]


def test_the_same_notebook_in_another_assignment_gets_nbgraders_semantics():
    """A notebook named as a contract notebook but in another assignment runs its test cells itself."""
    answers = answers_from_source((COURSE.sample_answers / "alice.py").read_text())
    nb = fill_answers(nbformat.read(COURSE.release / SINGLE_NEURON.filename, as_version=4), answers)
    files = {"backprop_checks.py": (COURSE.release / "backprop_checks.py").read_bytes()}
    grading = grade_notebook(nb, SINGLE_NEURON.name, "alice", sandboxed=False, contract=None, files=files)
    tests = [cell for cell in grading.nb.cells if is_graded_test(cell)]
    assert tests and all(cell.execution_count is not None for cell in tests)  # run in the kernel
    assert not any("[" in "".join(output.get("text", "") for output in cell.outputs) for cell in tests)
