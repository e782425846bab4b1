"""The grader's code that runs inside a student's kernel: calls and time limits (the wire format
they answer in is wire.py).

Its source text is sent into the sandboxed kernel (with wire.py's, as a package), where this
package is not visible, so it imports only the standard library, numpy and wire. The grading
process imports it too, for grading in the kernel when no sandbox is used (`nbgrader validate`).
Nothing here decides a grade: what leaves the kernel is plain data (float64 arrays, lists and
dicts), which the grading process checks again as it decodes it.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import threading
import warnings
from typing import Any

import numpy as np

from .wire import dumps, integer_part, loads, to_plain

# Prefixes of the kernel's requests on the stdin channel while the grader calls a function.
CALL = "CALL "
RESULT = "RESULT "


class TimeLimitReached(BaseException):
    """Raised inside the student's call when it runs past its time limit."""


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
def time_limit(seconds: float):
    """Interrupt the block after seconds of wall time (main thread only, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise TimeLimitReached

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(function, args: tuple, seconds: float) -> dict:
    """Call function on a private copy of args, quietly, within seconds: what it gave, as a dict
    of value (plain data), error ("not-implemented", "raised-error", "time-limit" or None),
    message, mutated_inputs and integers (where the result held integers, integer_part)."""
    pristine = copy.deepcopy(args)
    working = copy.deepcopy(args)
    printed = _Discard()
    outcome = {"value": None, "error": None, "message": "", "mutated_inputs": False, "integers": ""}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), time_limit(seconds):
                result = function(*working)
    except TimeLimitReached:
        return {**outcome, "error": "time-limit", "message": f"one call ran longer than {seconds:g} s"}
    except NotImplementedError:
        return {**outcome, "error": "not-implemented", "message": "NotImplementedError"}
    except (Exception, SystemExit) as exc:  # a student's error of any kind is a graded outcome
        return {**outcome, "error": "raised-error", "message": f"{type(exc).__name__}: {exc}"[:300]}
    return {**outcome, "value": to_plain(result), "mutated_inputs": not same_inputs(pristine, working),
            "integers": integer_part(result)}


@contextlib.contextmanager
def substituted(namespace: dict, replacements: dict):
    """Bind each name of replacements in namespace for the block, then put back what was there."""
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    try:
        namespace.update(replacements)
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def run_cases(function, cases: list[tuple], callees: dict, seconds: float) -> list[dict]:
    """call() on each case with the callees bound in the function's globals.

    After a call runs out of time the remaining cases are not run: they would only wait too.
    """
    outcomes: list[dict] = []
    with substituted(getattr(function, "__globals__", {}), callees):
        for args in cases:
            if outcomes and outcomes[-1]["error"] == "time-limit":
                outcomes.append(outcomes[-1])
            else:
                outcomes.append(call(function, args, seconds))
    return outcomes


def not_implemented(function_name: str, count: int) -> list[dict]:
    outcome = {"value": None, "error": "not-implemented", "message": f"no function named {function_name}"}
    return [{**outcome, "mutated_inputs": False, "integers": ""} for _ in range(count)]


# ----- in the sandbox: callees answered by the grader over the stdin channel -------------------


def proxy(name: str, ask):
    """A stand-in for callee name whose every call is answered by the grading process."""
    sequence = [0]

    def stand_in(*args, **kwargs):
        sequence[0] += 1
        request = {"name": name, "args": list(args), "kwargs": kwargs, "sequence": sequence[0]}
        reply = loads(ask(CALL + dumps(request)))
        if not isinstance(reply, dict) or reply.get("sequence") != sequence[0]:
            raise RuntimeError(f"the grader's answer for {name} was lost")
        if reply.get("error"):
            raise RuntimeError(str(reply["error"]))
        return reply.get("value")

    stand_in.__name__ = stand_in.__qualname__ = name
    return stand_in


def with_own_classes(given: dict, namespace: dict) -> None:
    """Rebind each class the given cell's fresh run defined (in given) to the notebook's own class
    of that name, so that the fresh helpers build objects of the class the student's code builds
    with: an operator of the notebook's class may refuse an object of a copy of it."""
    given.update({name: namespace[name] for name, value in list(given.items())
                  if isinstance(value, type) and isinstance(namespace.get(name), type)})


def grade_in_kernel(namespace: dict, function_name: str, proxied: list, given_source: str, given_names: list,
                    cases_text: str, seconds: float) -> None:
    """Run namespace[function_name] on the grader's cases and hand the outcomes back by input().

    Its callees are fresh copies of the given helpers (from given_source, with the notebook's own
    classes: with_own_classes) and, for the names in proxied, stand-ins that the grading process
    answers.
    """
    ask = input  # ipykernel's input, which asks the grading process over the stdin channel
    cases = loads(cases_text)
    function = namespace.get(function_name)
    if callable(function):
        given: dict = {}
        exec(given_source, given)  # noqa: S102 - the instructor's given cell, not student code
        with_own_classes(given, namespace)
        callees = {name: given[name] for name in given_names}
        callees.update({name: proxy(name, ask) for name in proxied if name != function_name})
        outcomes = run_cases(function, cases, callees, seconds)
    else:
        outcomes = not_implemented(function_name, len(cases))
    ask(RESULT + dumps(outcomes))
