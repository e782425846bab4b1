"""Every recogniser of a function runs without raising on the reference's results and on each of
the function's mutants' results, on every hidden case, and predicts without raising there."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ...course.recognisers import predictions
from ...course.scenario import case_function
from .subject import Problem, Subject, case_label

PLAIN_TODO = ("read results as plain data: tuples arrive as lists, numbers as float64 arrays, dict keys as "
              "strings (compare with course/recognisers.py's close or course/plain.py's same_structure)")


def recogniser_problems(subject: Subject, function_names) -> dict[tuple[str, str], Problem]:
    """{(mistake, function): its problem} where the recogniser or its prediction raises."""
    problems = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name in function_names:
            for mistake_id, recognise in subject.contract.recognisers_of(name):
                found = _first_error(subject, name, recognise)
                if found:
                    problems[(mistake_id, name)] = Problem(
                        subject.file("mistakes.py"), f"the recogniser of {mistake_id} for {name}", found, PLAIN_TODO)
    return problems


def _first_error(subject: Subject, name: str, recognise: Callable) -> str:
    """What the first call of recognise (or of its prediction) that raises says, or ''."""
    reference_function = case_function(subject.contract, name)
    for run in subject.runs(name):
        results = {"the reference's results": run.expected}
        results.update({f"{mistake_id}'s mutant's results": [outcome.value for outcome in outcomes]
                        for mistake_id, outcomes in run.outcomes.items()
                        if all(outcome.error is None for outcome in outcomes)})
        for label, actual in results.items():
            error = _raised(recognise, run.cases, run.expected, actual)
            if error is not None:
                where = next((case_label(run, index) for index in range(len(run.cases))
                              if _raised(recognise, run.cases[index:index + 1], run.expected[index:index + 1],
                                         actual[index:index + 1]) is not None), f"the hidden cases of {run.student!r}")
                return f"raised {error} on {label}, {where}"
        for index, args in enumerate(run.cases):
            try:
                predictions(recognise, copy.deepcopy(args), reference_function(*copy.deepcopy(args)))
            except Exception as error:
                return f"its prediction raised {type(error).__name__}: {error} on {case_label(run, index)}"
    return ""


def _raised(recognise: Callable, cases: list[tuple], expected: list[Any], actual: list[Any]) -> str | None:
    try:
        recognise(copy.deepcopy(cases), expected, actual)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None
