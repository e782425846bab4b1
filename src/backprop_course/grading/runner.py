"""Runs a student's function on the grader's inputs in this process (no sandbox).

Used where the notebook itself grades, in the kernel of `nbgrader validate` and in tests; the
sandboxed grading of submissions runs the same kernel_side code in the student's kernel.
What leaves it is plain data (see plain.py), so that judging never depends on an object the
student made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..course.contract import Contract
from ..course.scenario import callee_functions
from ..in_kernel import kernel_side, scenarios
from ..sandbox.caps import DEFAULT

CALL_TIME_LIMIT = DEFAULT.call_seconds
# What the given helpers' code is run after, in the kernel as here (notebook_grading.given_source).
GIVEN_IMPORTS = "import numpy as np\n\n"


@dataclass
class Outcome:
    """What one call of the student's function gave: a plain value or an error."""

    value: Any = None
    error: str | None = None  # "not-implemented", "raised-error", "time-limit" or "kernel-died"
    message: str = ""
    mutated_inputs: bool = False
    integers: str = ""  # where the result held integers, in words (wire.integer_part); "" nowhere


def run_cases(contract: Contract, function_name: str, namespace: dict, cases: list[tuple],
              names: dict | None = None) -> list[Outcome]:
    """Call the student's function_name from namespace on each case, its callees the reference's
    (or, for a function graded through a scenario, play the scenario on each case; names, where
    not namespace, are the globals its code looks its callees up in: scenarios.run_plays)."""
    scenario = contract.functions[function_name].scenario
    if scenario is not None:
        # As in the kernel (scenarios.play_in_kernel): given helpers afresh beside the notebook's
        # classes, the graded functions before this one the reference's unless given objects.
        notebook = contract.notebook_of[function_name]
        given = scenarios.fresh_given(GIVEN_IMPORTS + contract.given_code(notebook.given), namespace)
        references = {name: given[name] if name in notebook.given else
                      scenarios.unless_objects(contract.reference_function(name), namespace.get(name))
                      for name in callee_functions(contract, function_name)}
        played = scenarios.run_plays(scenario.data, namespace, cases, references, CALL_TIME_LIMIT, names)
        return [Outcome(**found) for found in played]
    function = namespace.get(function_name)
    if not callable(function):
        return [Outcome(**found) for found in kernel_side.not_implemented(function_name, len(cases))]
    references = {name: contract.reference_function(name) for name in contract.callees(function_name)}
    return [Outcome(**found) for found in kernel_side.run_cases(function, cases, references, CALL_TIME_LIMIT)]
