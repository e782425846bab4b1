"""The release's visible checks run on a real kernel with numpy alone, without the grader."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_course.checks import CHECKS
from backprop_course.contract import NOTEBOOKS
from backprop_course.paths import CourseDir
from backprop_course.samples import answers_from_source, fill_answers

pytestmark = pytest.mark.slow

COURSE = CourseDir()
# Run first in the kernel: any import of the grader package now fails as if it were not installed.
BLOCK_THE_GRADER = "import sys\nsys.modules['backprop_course'] = None"


def run_release_with(answers_file: str, notebook, tmp_path) -> dict[str, bool]:
    """Execute the release notebook filled with a sample student's answers; errors per cell id."""
    answers = answers_from_source((COURSE.samples / "answers" / answers_file).read_text())
    filled = fill_answers(nbformat.read(COURSE.release / notebook.filename, as_version=4), answers)
    filled.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_THE_GRADER, id="block_the_grader"))
    NotebookClient(filled, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return {cell.id: any(output.output_type == "error" for output in cell.get("outputs", []))
            for cell in filled.cells if cell.cell_type == "code"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_a_correct_student_passes_every_visible_check(notebook, tmp_path):
    errors = run_release_with("alice.py", notebook, tmp_path)
    assert not any(errors.values()), [cell_id for cell_id, failed in errors.items() if failed]
    for function in notebook.functions:
        assert f"check_{function.name}" in errors
        assert all(check.grade_id in errors for check in CHECKS[function.name])


def test_wrong_answers_fail_their_visible_checks(tmp_path):
    errors = run_release_with("bob.py", NOTEBOOKS[0], tmp_path)
    for wrong in ("mse_loss", "dloss_dyhat", "sigmoid_prime"):
        assert errors[f"check_{wrong}"], wrong
    assert not errors["check_neuron_forward"] and not errors["check_sgd_update"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.name)
def test_the_unanswered_release_fails_its_graded_cells_without_the_grader(notebook, tmp_path):
    errors = run_release_with("carol.py", notebook, tmp_path)
    assert not errors["block_the_grader"] and not errors["given_code"]
    assert all(errors[check.grade_id] for function in notebook.functions for check in CHECKS[function.name])
