"""Judges plain results against the reference: shape and type, finiteness, then value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import reference
from .contract import REL_TOLERANCE, graded_function
from .numerics import rel_error
from .runner import Outcome, Unsupported, to_plain

# The order in which failures are reported when several cases fail in different ways.
CHECK_ORDER = ("not-implemented", "raised-error", "wrong-shape", "not-finite", "wrong-value", "sgd-mutates-input")


@dataclass(frozen=True)
class Failure:
    """One failed check: the mistake id and a sentence that shows no hidden value."""

    mistake: str
    detail: str


@dataclass(frozen=True)
class Verdict:
    """The grade of one function: points earned out of its points, and the failure if any."""

    function: str
    points: float
    max_points: int
    failure: Failure | None


def expected_results(function_name: str, cases: list[tuple]) -> list[Any]:
    """The reference's plain results on the same cases."""
    function = getattr(reference, function_name)
    return [to_plain(function(*args)) for args in cases]


def describe(value: Any) -> str:
    """The shape or type of a plain value, in words."""
    if isinstance(value, np.ndarray):
        return "a float" if value.ndim == 0 else f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    if isinstance(value, list):
        return f"a sequence of {len(value)} items"
    if isinstance(value, Unsupported):
        return "None" if value.type_name == "NoneType" else f"a {value.type_name}"
    return type(value).__name__


def compare(expected: Any, actual: Any, where: str = "the result") -> Failure | None:
    """The first difference between two plain values, structure before numbers."""
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
            return Failure("wrong-shape", f"{where} should be {describe(expected)}, got {describe(actual)}")
        if np.all(np.isfinite(expected)) and not np.all(np.isfinite(actual)):
            return Failure("not-finite", f"{where} holds NaN or infinity")
        if rel_error(actual, expected) > REL_TOLERANCE:
            return Failure("wrong-value", f"{where} has wrong values (rel_error above {REL_TOLERANCE:g})")
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            return Failure("wrong-shape", f"{where} should be {describe(expected)}, got {describe(actual)}")
        found = (compare(expected[key], actual[key], f'{where}["{key}"]') for key in sorted(expected))
        return _first_by_check_order(found)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return Failure("wrong-shape", f"{where} should be {describe(expected)}, got {describe(actual)}")
        found = (compare(item, other, f"{where}[{i}]") for i, (item, other) in enumerate(zip(expected, actual)))
        return _first_by_check_order(found)
    raise TypeError(f"the reference returned an unexpected {type(expected).__name__}")


def _first_by_check_order(failures) -> Failure | None:
    found = [failure for failure in failures if failure is not None]
    return min(found, key=lambda failure: CHECK_ORDER.index(failure.mistake), default=None)


def check_outcome(function_name: str, expected: Any, outcome: Outcome) -> Failure | None:
    """The failure of one call, or None when it passes every check."""
    if outcome.error is not None:
        return Failure(outcome.error, outcome.message)
    failure = compare(expected, outcome.value)
    if failure is None and graded_function(function_name).keeps_inputs and outcome.mutated_inputs:
        failure = Failure("sgd-mutates-input", "the arguments were modified by the call")
    return failure


def judge(function_name: str, cases: list[tuple], outcomes: list[Outcome]) -> Verdict:
    """All-or-nothing grade of one function over its hidden cases."""
    max_points = graded_function(function_name).points
    expected = expected_results(function_name, cases)
    failure = _first_by_check_order(
        check_outcome(function_name, value, outcome) for value, outcome in zip(expected, outcomes)
    )
    return Verdict(function_name, 0.0 if failure else float(max_points), max_points, failure)
