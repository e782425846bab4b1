"""Values checks that a student can pass without the work they grade. The student's code runs in
its own kernel and can report anything it likes there, so a check is only as good as what its
expected values depend on: a check that expects the same value on every hidden case (a scenario
that reads a composition less what the student's own parts give, say, always 0) is passed by any
code that reports that value; a graded function that a given helper of its notebook computes is
passed by calling the helper."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ...course.contract import VALUES
from ...grading.judge import judge
from ...grading.runner import Outcome, run_cases
from .subject import Subject


def answerable_notes(subject: Subject, function_names) -> list[str]:
    """One line per check that a constant, or a given helper, passes on every student's hidden cases."""
    notes = []
    for name in function_names:
        runs = subject.runs(name)
        if not all(_numbers_only(value) for run in runs for value in run.expected):
            continue  # a reference result that is not plain data is a problem of its own (inputs.py)
        constant = [Outcome(value=runs[0].expected[0])]
        passed = _passed(subject, name, [(run.cases, constant * len(run.cases)) for run in runs])
        passed |= _passed(subject, name, [(run.cases, [Outcome(value=_zeros(value)) for value in run.expected])
                                          for run in runs])
        if passed:
            notes.append(f"{name}: {_checks(passed)} expect the same value on every hidden case (or 0 everywhere), so "
                         f"code that reports it passes whatever it computes: read what depends on the case")
        for helper in _given_helpers(subject, name):
            passed = _passed(subject, name, [(run.cases, run_cases(subject.contract, name, {name: helper}, run.cases))
                                             for run in runs])
            if passed:
                notes.append(f"{name}: the given helper {helper.__name__} passes {_checks(passed)}, "
                             f"so a student can return what it returns")
    return notes


def _passed(subject: Subject, name: str, graded) -> set[str]:
    """The values checks of name that pass on every (cases, outcomes) of graded."""
    passed = {check.name for check in subject.contract.checks[name] if check.kind == VALUES}
    for cases, outcomes in graded:
        passed &= {verdict.check.name for verdict in judge(subject.contract, name, cases, outcomes)
                   if verdict.failure is None}
    return passed


def _given_helpers(subject: Subject, name: str) -> list:
    """The given functions of a plain graded function's notebook (a scenario's steps call names of their own)."""
    contract = subject.contract
    if contract.functions[name].scenario is not None:
        return []
    helpers = (getattr(contract.reference, given, None) for given in contract.notebook_of[name].given)
    return [helper for helper in helpers if inspect.isfunction(helper)]


def _zeros(value: Any) -> Any:
    """A plain result shaped as value, every number 0: what code reports that knows only the shapes."""
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if isinstance(value, dict):
        return {key: _zeros(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_zeros(item) for item in value]
    return value


def _numbers_only(value: Any) -> bool:
    """Whether a plain result holds only numbers (no Unsupported: an object, a boolean, a string)."""
    if isinstance(value, dict):
        return all(_numbers_only(item) for item in value.values())
    if isinstance(value, list):
        return all(_numbers_only(item) for item in value)
    return isinstance(value, np.ndarray)


def _checks(names: set[str]) -> str:
    return f"its check{'s' if len(names) > 1 else ''} {', '.join(sorted(names))}"
