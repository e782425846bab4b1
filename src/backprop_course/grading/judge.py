"""Judges plain results against the reference, check by check, and names the mistake."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..course.contract import FLOAT64, INPUTS_KEPT, STRUCTURE, VALUES, Check, Contract
from ..course.mistake_ids import (
    KERNEL_DIED,
    MEMORY_LIMIT,
    NOT_FINITE,
    NOT_FLOAT,
    NOT_IMPLEMENTED,
    RAISED_ERROR,
    TIME_LIMIT,
    WRONG_SHAPE,
    WRONG_VALUE,
)
from ..course.notebook_helpers import describe
from ..course.numerics import rel_error
from ..course.plain import at
from ..course.scenario import reference_result
from .runner import Outcome

# The order in which failures are reported when several cases fail in different ways.
CHECK_ORDER = (
    NOT_IMPLEMENTED,
    KERNEL_DIED,
    MEMORY_LIMIT,
    TIME_LIMIT,
    RAISED_ERROR,
    WRONG_SHAPE,
    NOT_FLOAT,
    NOT_FINITE,
    WRONG_VALUE,
)
# Failures of the result itself, which the catalog may explain more precisely.
DIAGNOSABLE = (WRONG_SHAPE, NOT_FINITE, WRONG_VALUE)


@dataclass(frozen=True)
class Failure:
    """One failed check: the mistake id and a sentence that shows no hidden value."""

    mistake: str
    detail: str
    charged_by_check: bool = False  # the check's own mistake (inputs-kept), not a result's


@dataclass(frozen=True)
class CheckVerdict:
    """The grade of one check: points earned out of its points, and the failure if any."""

    check: Check
    points: float
    failure: Failure | None
    # The first hidden case where a values check failed on a result: (yours, expected), the parts
    # it grades as plain data; what the feedback shows where the public example cannot tell.
    differs: tuple[Any, Any] | None = None


def expected_results(contract: Contract, function_name: str, cases: list[tuple]) -> list[Any]:
    """The reference's plain results on the same cases (on copies: a reference that changes its
    arguments would change what the recognisers read after it)."""
    return [reference_result(contract, function_name, copy.deepcopy(args)) for args in cases]


def compare(expected: Any, actual: Any, where: str, tolerance: float, values: bool = True) -> Failure | None:
    """The first difference between two plain values: structure first, then (if asked) numbers."""
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
            return Failure(WRONG_SHAPE, f"{where} should be {describe(expected)}, got {describe(actual)}")
        if not values:
            return None
        if np.all(np.isfinite(expected)) and not np.all(np.isfinite(actual)):
            return Failure(NOT_FINITE, f"{where} holds NaN or infinity")
        if rel_error(actual, expected) > tolerance:
            return Failure(WRONG_VALUE, f"{where} has wrong values (rel_error above {tolerance:g})")
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            return Failure(WRONG_SHAPE, f"{where} should be {describe(expected)}, got {describe(actual)}")
        return first_failure(
            compare(expected[key], actual[key], f'{where}["{key}"]', tolerance, values) for key in sorted(expected)
        )
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return Failure(WRONG_SHAPE, f"{where} should be {describe(expected)}, got {describe(actual)}")
        return first_failure(
            compare(item, other, f"{where}[{index}]", tolerance, values)
            for index, (item, other) in enumerate(zip(expected, actual))
        )
    raise TypeError(f"the reference returned an unexpected {type(expected).__name__}")


def first_failure(failures) -> Failure | None:
    """The failure to report among several: the earliest in CHECK_ORDER."""
    found = [failure for failure in failures if failure is not None]
    return min(found, key=_rank, default=None)


def _rank(failure: Failure) -> int:
    """Position in CHECK_ORDER; a mistake the catalog recognised ranks with wrong values, one
    that a check charges itself (modified arguments) after them."""
    if failure.mistake in CHECK_ORDER:
        return CHECK_ORDER.index(failure.mistake)
    return len(CHECK_ORDER) if failure.charged_by_check else CHECK_ORDER.index(WRONG_VALUE)


def _where(path: tuple) -> str:
    return "the result" + "".join(f'["{key}"]' if isinstance(key, str) else f"[{key}]" for key in path)


def check_outcome(check: Check, expected: Any, outcome: Outcome, tolerance: float, dtype: str = "") -> Failure | None:
    """The failure of one call under one check, or None when it passes; dtype is the function's
    (a structure check of a function whose results are floats fails on integers)."""
    if outcome.error is not None:
        return Failure(outcome.error, outcome.message)
    if check.kind == INPUTS_KEPT:
        if outcome.mutated_inputs:
            return Failure(check.mistake, "the arguments were modified by the call", charged_by_check=True)
        return None
    if check.kind == STRUCTURE:
        failure = compare(expected, outcome.value, "the result", tolerance, values=False)
        if failure is None and dtype == FLOAT64 and outcome.integers:
            return Failure(NOT_FLOAT, f"{outcome.integers}, where floats are expected")
        return failure
    paths = _paths(check, expected)
    return first_failure(compare(at(expected, path), at(outcome.value, path), _where(path), tolerance)
                         for path in paths)


def _paths(check: Check, expected: Any) -> list[tuple]:
    return check.parts(expected) if check.parts else [()]


def _differs(check: Check, expected: list[Any], outcomes: list[Outcome], failures: list[Failure | None]):
    """(yours, expected) on the first case where a values check failed on a result, the parts it grades."""
    if check.kind != VALUES:
        return None
    for value, outcome, failure in zip(expected, outcomes, failures):
        if failure is not None and outcome.error is None:
            paths = _paths(check, value)
            return [at(outcome.value, path) for path in paths], [at(value, path) for path in paths]
    return None


def judge(contract: Contract, function_name: str, cases: list[tuple], outcomes: list[Outcome]) -> list[CheckVerdict]:
    """A verdict for every check of function_name; failures of the result name the mistake."""
    expected = expected_results(contract, function_name, cases)
    tolerance = contract.tolerances.rel_tolerance
    verdicts = []
    diagnosis: list[str | None] = []  # worked out once, on the first failure that needs it
    dtype = contract.functions[function_name].dtype
    for check in contract.checks[function_name]:
        failures = [check_outcome(check, value, outcome, tolerance, dtype)
                    for value, outcome in zip(expected, outcomes)]
        failure = first_failure(failures)
        if failure is not None and failure.mistake in DIAGNOSABLE:
            if not diagnosis:
                diagnosis.append(_diagnose(contract, function_name, cases, expected, outcomes))
            if diagnosis[0] is not None:
                failure = Failure(diagnosis[0], failure.detail)
        elif failure is not None and failure.mistake == RAISED_ERROR:
            raised = contract.diagnose_error(function_name, [outcome.message for outcome in outcomes
                                                             if outcome.error == RAISED_ERROR])
            failure = Failure(raised, failure.detail) if raised else failure
        verdicts.append(CheckVerdict(check, 0.0 if failure else float(check.points), failure,
                                     _differs(check, expected, outcomes, failures)))
    return verdicts


def _diagnose(contract: Contract, function_name: str, cases: list[tuple], expected: list[Any],
              outcomes: list[Outcome]) -> str | None:
    if any(outcome.error is not None for outcome in outcomes):
        return None
    with np.errstate(all="ignore"):
        return contract.diagnose(function_name, cases, expected, [outcome.value for outcome in outcomes])
