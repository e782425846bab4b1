"""The release's visible checks run on a real kernel with numpy alone, without the grader.

The kernel runs in a folder holding only the release's helper module, as a student's does.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_course.authoring.samples import answers_from_source, fill_answers

from .support import REPO_COURSE
from .support.backprop import CHECKS, HELPER_FILE, HINTS, MULTILAYER, NOTEBOOKS, SINGLE_NEURON

pytestmark = pytest.mark.slow

COURSE = REPO_COURSE
# Run first in the kernel: any import of the grader package now fails as if it were not installed.
BLOCK_THE_GRADER = "import sys\nsys.modules['backprop_course'] = None"


def executed_release(answers_file: str, notebook, tmp_path) -> nbformat.NotebookNode:
    """The release notebook filled with a sample student's answers, executed."""
    answers = answers_from_source((COURSE.sample_answers / answers_file).read_text())
    filled = fill_answers(nbformat.read(COURSE.release / notebook.filename, as_version=4), answers)
    filled.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_THE_GRADER, id="block_the_grader"))
    shutil.copy(COURSE.release / HELPER_FILE, tmp_path / HELPER_FILE)
    NotebookClient(filled, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return filled


def run_release_with(answers_file: str, notebook, tmp_path) -> dict[str, bool]:
    """Execute the release notebook filled with a sample student's answers; errors per cell id."""
    filled = executed_release(answers_file, notebook, tmp_path)
    return {cell.id: any(output.output_type == "error" for output in cell.get("outputs", []))
            for cell in filled.cells if cell.cell_type == "code"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_a_correct_student_passes_every_visible_check(notebook, tmp_path):
    errors = run_release_with("alice.py", notebook, tmp_path)
    assert not any(errors.values()), [cell_id for cell_id, failed in errors.items() if failed]
    for function in notebook.functions:
        assert f"check_{function.name}" in errors
        assert all(check.grade_id in errors for check in CHECKS[function.name])


# Bob's mistakes (samples/answers/bob.py), as his own check cells name them.
BOBS_MISTAKES = {
    SINGLE_NEURON: {"mse_loss": "loss-sum-not-mean", "dloss_dyhat": "dloss-missing-2",
                    "sigmoid_prime": "sigprime-on-preactivation"},
    MULTILAYER: {"mlp_forward": "mlp-forward-no-output-sigmoid", "sgd_step": "sgd-mutates-input"},
}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_wrong_answers_fail_their_visible_checks_naming_the_mistake(notebook, tmp_path):
    cells = {cell.id: cell for cell in executed_release("bob.py", notebook, tmp_path).cells}
    for function, mistake in BOBS_MISTAKES[notebook].items():
        errors = [output for output in cells[f"check_{function}"].outputs if output.output_type == "error"]
        assert len(errors) == 1 and errors[0].ename == "CheckError", function
        assert errors[0].evalue.startswith(f"{function}") and f"[{mistake}] {HINTS[mistake]}" in errors[0].evalue
        if function == "dloss_dyhat":
            assert errors[0].evalue == ("dloss_dyhat: your result on this example matches a known mistake: "
                                        "[dloss-missing-2] The derivative of (y_hat - y)**2 brings down a factor 2.")
        assert errors[0].traceback[0] == f"CheckError: {errors[0].evalue}", "the message, not the helper's code"
        assert errors[0].traceback[1].startswith("(the check in line "), errors[0].traceback
    for right in ("neuron_forward", "sgd_update") if notebook is SINGLE_NEURON else ():
        assert not [output for output in cells[f"check_{right}"].outputs if output.output_type == "error"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_the_unanswered_release_fails_its_graded_cells_without_the_grader(notebook, tmp_path):
    errors = run_release_with("carol.py", notebook, tmp_path)
    assert not errors["block_the_grader"] and not errors["given_code"]
    assert all(errors[check.grade_id] for function in notebook.functions for check in CHECKS[function.name])
