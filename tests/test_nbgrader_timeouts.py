"""A notebook without a contract meets nbgrader's time limits as nbgrader's own Execute meets them,
under the course's settings of Execute: the same notebook, run by Execute (no sandbox) and graded
in the sandbox, gives each graded cell the same score, or is given up on by both."""

from __future__ import annotations

import logging

import nbformat
import pytest
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets.config.loader import KVArgParseConfigLoader

from backprop_course.grading.cell_runs import NotebookAbandonedError
from backprop_course.grading.notebook_grading import grade_notebook
from backprop_course.nbgrader_glue.preprocessors import SandboxedGrading

from .support.sandbox import needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]

GIVEN_UP = "given up"
# Short limits, so that each run waits a few seconds only.
LIMITS = ("--Execute.timeout=1", "--Execute.iopub_timeout=1")


def interrupted_twice_notebook() -> nbformat.NotebookNode:
    """A function, then a top-level loop that goes on after the first interrupt and ends at the
    second, then graded test cells that call the function."""
    graded = {"grade": True, "solution": False, "locked": True, "points": 1, "schema_version": 3}
    nb = new_notebook()
    nb.cells = [
        new_code_cell("def double(x):\n    return 2 * x\n"),
        new_code_cell("import time\n\ncaught = 0\nwhile caught < 2:\n    try:\n        time.sleep(0.01)\n"
                      "    except KeyboardInterrupt:\n        caught += 1\n"),
        new_code_cell("assert double(2) == 4", metadata={"nbgrader": {**graded, "grade_id": "queued"}}),
        new_code_cell("assert double(3) == 6", metadata={"nbgrader": {**graded, "grade_id": "passes"}}),
        new_code_cell("assert double(2) == 5", metadata={"nbgrader": {**graded, "grade_id": "fails"}}),
    ]
    return nb


def scores(nb: nbformat.NotebookNode) -> list[float]:
    return [utils.determine_grade(cell, logging.getLogger(__name__))[0] for cell in nb.cells if utils.is_grade(cell)]


def nbgraders_scores(options: tuple[str, ...], tmp_path) -> list[float] | str:
    execute = Execute(config=KVArgParseConfigLoader(list(options)).load_config())
    try:
        nb, _ = execute.preprocess(interrupted_twice_notebook(), {"metadata": {"path": str(tmp_path)}})
    except CellTimeoutError:
        return GIVEN_UP
    return scores(nb)


def our_scores(options: tuple[str, ...]) -> list[float] | str:
    limits = SandboxedGrading(config=KVArgParseConfigLoader(list(options)).load_config()).limits()
    try:
        grading = grade_notebook(interrupted_twice_notebook(), "p1", "student", limits=limits, contract=None)
    except NotebookAbandonedError:
        return GIVEN_UP
    return scores(grading.nb)


@pytest.mark.parametrize(("options", "expected"), [
    # nbgrader's own settings: the loop goes on after the interrupt, and nbgrader gives up
    (LIMITS, GIVEN_UP),
    # told to go on: the next cell waits behind the loop, its own time runs out, and its
    # interrupt ends the loop; that cell then runs, too late to count, and the others run as usual
    ((*LIMITS, "--Execute.raise_on_iopub_timeout=False"), [0.0, 1.0, 0.0]),
])
def test_a_loop_that_catches_the_interrupt_is_treated_as_nbgrader_treats_it(options, expected, tmp_path):
    assert nbgraders_scores(options, tmp_path) == expected
    assert our_scores(options) == expected
