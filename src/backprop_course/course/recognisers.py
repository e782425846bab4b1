"""The pieces an assignment's mistakes.py recognises its mistakes with, in plain results: a
"mutant" (the function a student making the mistake would write) whose results the student's
match, or a property (a shape, a constant ratio); either may also predict the mistake's result
on one case (which the notebooks' visible checks then carry as plain numbers). A mistake that
makes the student's code raise is recognised by its error instead (raises)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .numerics import rel_error
from .plain import Unsupported, leaves, plain, same_structure, to_plain

Cases = list[tuple]
Results = list[Any]
Recognise = Callable[[Cases, Results, Results], bool]
# predict(args, expected): what the mistake returns on one case, as results a function returns
# (tuples, floats, arrays, dicts), ... standing for a part it cannot tell; [] when it cannot say.
Predict = Callable[[tuple, Any], list[Any]]

# Looser than the grading tolerance: a mutant written differently from the student's code can
# round differently, and recognising a mistake only picks the hint, never the score.
MATCH_TOLERANCE = 1e-6


def _cannot_say(args: tuple, expected: Any) -> list[Any]:
    return []


@dataclass(frozen=True)
class Recogniser:
    """A recogniser (called like one) that can also predict the mistake's result on one case."""

    recognise: Recognise
    predict: Predict = _cannot_say

    def __call__(self, cases: Cases, expected: Results, actual: Results) -> bool:
        return self.recognise(cases, expected, actual)


def _never(cases: Cases, expected: Results, actual: Results) -> bool:
    return False


@dataclass(frozen=True)
class Raises(Recogniser):
    """Recognise a call that raises: on some case, its error's message, as grading reports it
    ("TypeError: unsupported operand ..."), matches pattern (a regular expression, searched).
    No result matches it, and it predicts none."""

    pattern: str = ""

    def raised(self, messages: list[str]) -> bool:
        return any(re.search(self.pattern, message) for message in messages)


def raises(pattern: str) -> Raises:
    """In mistakes.py's RECOGNISERS: the mistake is an error whose message matches pattern."""
    re.compile(pattern)  # a broken pattern fails when the folder is loaded
    return Raises(_never, _cannot_say, pattern)


def predictions(recognise: Recognise, args: tuple, expected: Any) -> list[Any]:
    """What recognise predicts on one case; nothing for a plain property function."""
    return recognise.predict(args, expected) if isinstance(recognise, Recogniser) else []


def close(actual: Any, expected: Any) -> bool:
    """Same structure, and every leaf within MATCH_TOLERANCE, compared as plain data: either may be
    a plain result or a value as a function returns it (tuples, floats, integer arrays)."""
    actual, expected = plain(actual), plain(expected)
    if not same_structure(actual, expected):
        return False
    return all(_leaf_close(a, e) for (_, a), (_, e) in zip(leaves(actual), leaves(expected)))


def _leaf_close(actual: Any, expected: Any) -> bool:
    if isinstance(actual, Unsupported) or isinstance(expected, Unsupported):  # None, booleans: no numbers
        return actual == expected
    return rel_error(actual, expected) <= MATCH_TOLERANCE


def mutant(function: Callable) -> Recogniser:
    """Recognise results that equal function's on every case (called on copies of the cases, so
    that a function that changes its arguments changes nothing another recogniser reads)."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return all(close(result, to_plain(function(*copy.deepcopy(args)))) for args, result in zip(cases, actual))

    return Recogniser(recognise, lambda args, expected: [function(*copy.deepcopy(args))])


def any_of(*recognisers: Recognise) -> Recogniser:
    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return any(check(cases, expected, actual) for check in recognisers)

    return Recogniser(recognise, lambda args, expected: [
        found for check in recognisers for found in predictions(check, args, expected)])


def scaled_by(factor: float) -> Recogniser:
    """Recognise results that are the reference's times factor."""
    return Recogniser(scaled(_is(factor)), lambda args, expected: [_times(factor, expected)])


def _times(factor: float, value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _times(factor, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_times(factor, item) for item in value)
    return factor * value


def scaled(predicate: Callable[[float], bool]) -> Recognise:
    """Recognise results that are the reference's times one factor per case that predicate accepts."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        for wanted, got in zip(expected, actual):
            if not same_structure(got, wanted):
                return False
            pairs = [(e, a) for (_, e), (_, a) in zip(leaves(wanted), leaves(got))]
            wanted_flat = np.concatenate([np.ravel(e) for e, _ in pairs])
            got_flat = np.concatenate([np.ravel(a) for _, a in pairs])
            usable = np.abs(wanted_flat) > 1e-12
            if not usable.any():
                return False
            factor = float(np.median(got_flat[usable] / wanted_flat[usable]))
            if not predicate(factor) or rel_error(got_flat, factor * wanted_flat) > MATCH_TOLERANCE:
                return False
        return True

    return recognise


def _is(value: float) -> Callable[[float], bool]:
    return lambda factor: abs(factor - value) <= 1e-6 * abs(value)


def neither_one_nor_minus_one(factor: float) -> bool:
    return abs(abs(factor) - 1.0) > 1e-6 and factor != 0.0


def example_count(args: tuple) -> int:
    """The example count N of a case: the length of its first argument's first axis."""
    return int(np.shape(args[0])[0])


def array_with_axis_of_n(where: Callable[[Any], list[Any]]) -> Recognise:
    """Recognise results where a part that where() picks has an axis as long as the example count."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return any(
            any(isinstance(part, np.ndarray) and example_count(args) in part.shape for part in where(result))
            for args, result in zip(cases, actual)
        )

    return recognise
