"""Runs a student's function on the grader's inputs and turns what it returns into plain data.

This is the only part of grading that touches student code. What leaves it is plain data:
float64 arrays (0-d for scalars), lists, dicts with string keys, and the names of anything
else, so that judging never depends on an object the student made.
"""

from __future__ import annotations

import contextlib
import copy
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import reference
from .contract import GRADED_FUNCTIONS, NOTEBOOKS

# Every name a notebook defines for students, graded or given: while one function is graded,
# the others it may call are the reference's, so a mistake is charged only where it was made.
SUBSTITUTABLE = sorted({name for nb in NOTEBOOKS for name in nb.given} | set(GRADED_FUNCTIONS))


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the contract never returns, kept only by its type name."""

    type_name: str


@dataclass
class Outcome:
    """What one call of the student's function gave: a plain value or an error."""

    value: Any = None
    error: str | None = None  # "not-implemented" or "raised-error"
    message: str = ""
    mutated_inputs: bool = False
    output: str = field(default="", repr=False)


def to_plain(value: Any) -> Any:
    """Plain-data copy of a result: numbers become float64 arrays, containers are rebuilt."""
    if isinstance(value, (bool, np.bool_)):
        return Unsupported(type(value).__name__)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.array(value, dtype=np.float64)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return np.array(value, dtype=np.float64)
        return Unsupported(f"ndarray of {value.dtype}")
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [to_plain(item) for item in value]
        if items and all(isinstance(item, np.ndarray) and item.ndim == 0 for item in items):
            return np.array(items, dtype=np.float64)
        return items
    return Unsupported(type(value).__name__)


def same_inputs(before: Any, after: Any) -> bool:
    """True when after still equals before, element for element (NaN equal to NaN)."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(
            before, after, equal_nan=True
        )
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            same_inputs(before[key], after[key]) for key in before
        )
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(map(same_inputs, before, after))
    return before == after


@contextlib.contextmanager
def references_substituted(namespace: dict, keep: str):
    """Point every contract name in namespace except keep at the reference while grading."""
    missing = object()
    saved = {name: namespace.get(name, missing) for name in SUBSTITUTABLE if name != keep}
    try:
        for name in saved:
            namespace[name] = getattr(reference, name)
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def call_student(function: Callable, args: tuple) -> Outcome:
    """Call function on a private copy of args, quietly: warnings and prints never escape."""
    pristine = copy.deepcopy(args)
    working = copy.deepcopy(args)
    printed = io.StringIO()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                result = function(*working)
    except NotImplementedError:
        return Outcome(error="not-implemented", message="NotImplementedError", output=printed.getvalue())
    except (Exception, SystemExit) as exc:  # a student's error of any kind is a graded outcome
        message = f"{type(exc).__name__}: {exc}"
        return Outcome(error="raised-error", message=message[:300], output=printed.getvalue())
    return Outcome(
        value=to_plain(result),
        mutated_inputs=not same_inputs(pristine, working),
        output=printed.getvalue(),
    )


def run_cases(function_name: str, namespace: dict, cases: list[tuple]) -> list[Outcome]:
    """Call the student's function_name from namespace on each case, callees substituted."""
    function = namespace.get(function_name)
    if not callable(function):
        return [Outcome(error="not-implemented", message=f"no function named {function_name}")] * len(cases)
    globals_of_function = getattr(function, "__globals__", namespace)
    with references_substituted(globals_of_function, keep=function_name):
        return [call_student(function, args) for args in cases]
