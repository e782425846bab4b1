"""Runs a student's function on the grader's inputs and turns what it returns into plain data.

This is the only part of grading that touches student code. What leaves it is plain data
(see plain.py), so that judging never depends on an object the student made.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import reference
from .contract import CALL_TIME_LIMIT, GRADED_FUNCTIONS, NOTEBOOKS
from .plain import to_plain

# Every name a notebook defines for students, graded or given: while one function is graded,
# the others it may call are the reference's, so a mistake is charged only where it was made.
SUBSTITUTABLE = sorted({name for nb in NOTEBOOKS for name in nb.given} | set(GRADED_FUNCTIONS))


@dataclass
class Outcome:
    """What one call of the student's function gave: a plain value or an error."""

    value: Any = None
    error: str | None = None  # "not-implemented", "raised-error" or "time-limit"
    message: str = ""
    mutated_inputs: bool = False


class _TimeLimitReached(BaseException):
    """Raised inside the student's call when it runs past CALL_TIME_LIMIT."""


class _Discard(io.TextIOBase):
    """Where the student's prints go while the grader calls their function: nowhere."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


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
        return isinstance(after, (list, tuple)) and len(before) == len(after) and all(map(same_inputs, before, after))
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


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after seconds of wall time (main thread only, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise _TimeLimitReached

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_student(function: Callable, args: tuple) -> Outcome:
    """Call function on a private copy of args, quietly: warnings and prints never escape."""
    pristine = copy.deepcopy(args)
    working = copy.deepcopy(args)
    printed = _Discard()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), time_limit(CALL_TIME_LIMIT):
                result = function(*working)
    except _TimeLimitReached:
        return Outcome(error="time-limit", message=f"one call ran longer than {CALL_TIME_LIMIT:g} s")
    except NotImplementedError:
        return Outcome(error="not-implemented", message="NotImplementedError")
    except (Exception, SystemExit) as exc:  # a student's error of any kind is a graded outcome
        message = f"{type(exc).__name__}: {exc}"
        return Outcome(error="raised-error", message=message[:300])
    return Outcome(value=to_plain(result), mutated_inputs=not same_inputs(pristine, working))


def run_cases(function_name: str, namespace: dict, cases: list[tuple]) -> list[Outcome]:
    """Call the student's function_name from namespace on each case, callees substituted.

    After a call runs out of time the remaining cases are not run: they would only wait too.
    """
    function = namespace.get(function_name)
    if not callable(function):
        return [Outcome(error="not-implemented", message=f"no function named {function_name}")] * len(cases)
    outcomes: list[Outcome] = []
    globals_of_function = getattr(function, "__globals__", namespace)
    with references_substituted(globals_of_function, keep=function_name):
        for args in cases:
            if outcomes and outcomes[-1].error == "time-limit":
                outcomes.append(outcomes[-1])
            else:
                outcomes.append(call_student(function, args))
    return outcomes
