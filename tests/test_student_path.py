"""The student's path in a real JupyterLab, driven by headless Chromium without network: a
mistake named by the visible checks, corrected, Restart and Run All, save, `nbgrader validate`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from backprop_course.commands.browser import url_fails
from backprop_course.commands.jupyter_servers import jupyter_lab
from backprop_course.commands.screenshots import CORRECTED_ANSWER, MISTAKEN_ANSWER
from backprop_course.commands.student_lab import LabNotebook
from backprop_course.course.cells import grade_id, is_graded_test
from backprop_course.nbgrader_glue.apps import BIN_DIR

from .support import REPO_COURSE
from .support.backprop import GIVEN_CELL_ID, SINGLE_NEURON, check_of_cell, hint
from .support.browser import CDN_MATHJAX

pytestmark = pytest.mark.slow

VALIDATE_SECONDS = 300
# How `nbgrader validate` prints each failed cell: its source and its error, both indented.
FAILED_CELL = re.compile(r"The following cell failed:\n\n(.*?)\n\nThe error was:\n\n(.*?)\n\n(?:=+\n|$)", re.S)


@pytest.fixture
def student_folder(tmp_path: Path) -> Path:
    """The released assignment folder as a student downloads it: notebooks and backprop_checks.py."""
    return Path(shutil.copytree(REPO_COURSE.release, tmp_path / "backprop"))


@pytest.fixture
def lab(browser, student_folder: Path, tmp_path: Path):
    with jupyter_lab(student_folder, tmp_path / "lab") as server:
        yield server


def validate(notebook: Path) -> str:
    """`nbgrader validate` on the notebook in its folder, as the student runs it; what it prints.

    Lines are printed whole (nbgrader cuts them at Validator.width) so cells can be told apart.
    """
    width = max(len(line) for line in notebook.read_text().splitlines()) + 10
    result = subprocess.run(
        [str(BIN_DIR / "nbgrader"), "validate", notebook.name, f"--Validator.width={width}"],
        cwd=notebook.parent, env=dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}"),
        capture_output=True, text=True, timeout=VALIDATE_SECONDS,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def failed_cells(printed: str, notebook: nbformat.NotebookNode) -> dict[str, str]:
    """{grade id: error} of each cell `nbgrader validate` printed as failed, found by its source."""
    by_source = {cell.source: grade_id(cell) for cell in notebook.cells}
    failed = {}
    for source, error in FAILED_CELL.findall(printed):
        unindented = "\n".join(line.removeprefix("    ") for line in source.split("\n"))
        assert unindented in by_source, f"validate printed a cell the notebook does not have:\n{source}"
        failed[by_source[unindented]] = error
    return failed


def test_a_student_sees_the_mistake_named_corrects_it_and_validates_the_saved_notebook(
    browser, lab, student_folder
):
    function = MISTAKEN_ANSWER.function
    assert CORRECTED_ANSWER.function == function and MISTAKEN_ANSWER.mistake
    (graded,) = [graded for graded in SINGLE_NEURON.functions if graded.name == function]
    notebook = LabNotebook.open(browser, lab, SINGLE_NEURON.filename)
    assert url_fails(browser, CDN_MATHJAX), "the browser reached the internet: this test would prove nothing"
    assert notebook.run(GIVEN_CELL_ID) == ""

    shown = " ".join(notebook.answer(function, MISTAKEN_ANSWER.line).split())
    assert f"[{MISTAKEN_ANSWER.mistake}] {hint(MISTAKEN_ANSWER.mistake)}" in shown
    assert shown.startswith(f"CheckError: {function}: your result on this example matches a known mistake")
    assert "visible checks passed" not in shown
    assert notebook.source(graded.answer_id).endswith(f"\n    {MISTAKEN_ANSWER.line}")

    shown = notebook.answer(function, CORRECTED_ANSWER.line)
    assert shown.strip() == f"{function}: visible checks passed"

    notebook.restart_and_run_all()
    notebook.save()
    saved = nbformat.read(student_folder / SINGLE_NEURON.filename, as_version=4)
    cells = {grade_id(cell): cell for cell in saved.cells}
    assert cells[graded.answer_id].source.endswith(f"\n    {CORRECTED_ANSWER.line}")
    assert "raise NotImplementedError" not in cells[graded.answer_id].source
    assert cells[GIVEN_CELL_ID].execution_count == 1  # run again from the top, in a fresh kernel

    printed = validate(student_folder / SINGLE_NEURON.filename)
    unwritten = {grade_id(cell) for cell in saved.cells
                 if is_graded_test(cell) and not grade_id(cell).startswith(graded.test_id)}
    assert f"VALIDATION FAILED ON {len(unwritten)} CELL(S)!" in printed, printed
    assert "HAVE CHANGED" not in printed, printed  # the locked cells are as released
    failed = failed_cells(printed, saved)
    assert set(failed) == unwritten, printed
    assert not [cell for cell in failed if cell.startswith(graded.test_id)]
    for cell, error in failed.items():
        assert f"{check_of_cell(cell).function} is not written yet" in error, (cell, error)
