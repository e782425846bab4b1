"""A check cell waits for the checks of the functions it depends on (authoring/gates.py, and
checks_start / checks_passed in the helper module students get): what it says in each state.
The corpus through the released cells is in test_assignment_battery.py."""

from __future__ import annotations

import pytest

from backprop_course.authoring.gates import gated
from backprop_course.course.helper_module import helper_module_importable

from .support.assignments import contract_of

WAITS = 'checks_start("g", after=["f"])'


@pytest.fixture
def notebook():
    """A notebook's namespace with the helper module imported, as its given cell does."""
    with helper_module_importable(contract_of("classification")) as module:
        namespace = {"checks_start": module.checks_start, "checks_passed": module.checks_passed}
        exec("def f(x):\n    return x", namespace)
        yield namespace


def shown(code: str, namespace: dict) -> str:
    try:
        exec(code, namespace)
    except AssertionError as error:
        return str(error)
    return "ran"


def test_a_check_runs_once_the_checks_it_waits_for_passed_with_the_function_as_it_is(notebook):
    assert shown(WAITS, notebook) == ("g: run the check of `f` first (the cell after its answer); "
                                      "this check runs after it passes")
    assert shown('checks_start("f")\nassert False, "f is wrong"', notebook) == "f is wrong"
    assert shown(WAITS, notebook) == "g: fix `f` first: its check fails; this check runs after it passes"
    assert shown('checks_start("f")\nchecks_passed("f")', notebook) == "ran"
    assert shown(WAITS + '\nchecks_passed("g")', notebook) == "ran"
    exec("def f(x):\n    return -x", notebook)  # changed after its check passed
    assert shown(WAITS, notebook) == ("g: `f` changed after its check passed: run that check again first; "
                                      "this check runs after it passes")
    # A check that waited is not a failure of its own: what waits for it is sent to run it again.
    assert shown('checks_start("h", after=["g"])', notebook).startswith("h: run the check of `g` first")


def test_only_checks_that_wait_or_are_waited_for_get_the_lines():
    assert gated("x = 1\n", "f", (), waited_for=False) == "x = 1\n"
    assert gated("x = 1\n", "f", (), waited_for=True) == 'checks_start("f")\nx = 1\nchecks_passed("f")\n'
    assert gated("x = 1\n", "g", ("f",), waited_for=False).splitlines()[1:] == [
        'checks_start("g", after=["f"])', "x = 1", 'checks_passed("g")']
