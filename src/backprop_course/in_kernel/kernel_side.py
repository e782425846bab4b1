"""The grader's code that runs inside a student's kernel: calls, time limits and the wire format.

Its source text is sent into the sandboxed kernel, where this package is not visible, so it
imports only the standard library and numpy. The grading process imports it too, for the same
wire format and for grading in the kernel when no sandbox is used (`nbgrader validate`).
Nothing here decides a grade: what leaves the kernel is plain data (float64 arrays, lists and
dicts), which the grading process checks again as it decodes it.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import signal
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

# What a kernel may send in one message, and how deep its data may nest.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 32
# The dtypes the wire carries; student results are turned into float64 before they travel.
WIRE_DTYPES = {"<f8": np.float64, "<i8": np.int64, "|b1": np.bool_}
# Prefixes of the kernel's requests on the stdin channel while the grader calls a function.
CALL = "CALL "
RESULT = "RESULT "


class WireError(ValueError):
    """Data that is not in the wire format (a kernel can send anything)."""


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the contract never returns, kept only by its type name."""

    type_name: str


def to_plain(value: Any) -> Any:
    """Plain-data copy of a result: numbers become float64 arrays (0-d for one number),
    tuples and lists become lists (a list of numbers a 1-d array), dict keys become strings."""
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


def integer_part(value: Any, where: str = "the result") -> str:
    """Where value holds integers (a Python or numpy int, an array of ints), in words: 'the
    result["b"] is an array of int64'; '' where it holds none (booleans are not counted here)."""
    if isinstance(value, (bool, np.bool_)):
        return ""
    if isinstance(value, (int, np.integer)):
        return f"{where} is an integer ({type(value).__name__})"
    if isinstance(value, np.ndarray):
        return f"{where} is an array of {value.dtype}" if value.dtype.kind in "iu" else ""
    if isinstance(value, dict):
        parts = (integer_part(item, f'{where}["{str(key)[:40]}"]') for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        parts = (integer_part(item, f"{where}[{index}]") for index, item in enumerate(value))
    else:
        return ""
    return next((part for part in parts if part), "")


def encode(value: Any) -> Any:
    """value (arguments, results, plain data) as JSON-able data, arrays as base64 bytes."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return {"float": repr(float(value))}
    if isinstance(value, np.ndarray):
        dtype = np.dtype(value.dtype).newbyteorder("<") if value.dtype.kind in "if" else value.dtype
        wire = dtype.str if dtype.str in WIRE_DTYPES else "<f8"
        data = np.ascontiguousarray(value, dtype=WIRE_DTYPES[wire]).tobytes()
        return {"array": base64.b64encode(data).decode("ascii"), "dtype": wire, "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return {"list": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[str(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, Unsupported):
        return {"unsupported": str(value.type_name)[:100]}
    raise WireError(f"cannot send a {type(value).__name__}")


def decode(data: Any, depth: int = 0) -> Any:
    """The value that encode turned into data; anything else raises WireError."""
    if depth > MAX_DEPTH:
        raise WireError("data nested too deeply")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if not isinstance(data, dict) or len(data) not in (1, 3):
        raise WireError(f"unexpected {type(data).__name__} on the wire")
    if "float" in data and isinstance(data["float"], str):
        return float(data["float"])
    if "tuple" in data and isinstance(data["tuple"], list):
        return tuple(decode(item, depth + 1) for item in data["tuple"])
    if "list" in data and isinstance(data["list"], list):
        return [decode(item, depth + 1) for item in data["list"]]
    if "dict" in data and isinstance(data["dict"], list):
        pairs = data["dict"]
        if not all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) for pair in pairs):
            raise WireError("malformed dict on the wire")
        return {key: decode(item, depth + 1) for key, item in pairs}
    if "unsupported" in data and isinstance(data["unsupported"], str):
        return Unsupported(data["unsupported"][:100])
    if data.keys() == {"array", "dtype", "shape"}:
        return _decode_array(data)
    raise WireError("unknown tag on the wire")


def _decode_array(data: dict) -> np.ndarray:
    shape, dtype = data["shape"], WIRE_DTYPES.get(data["dtype"])
    if dtype is None or not isinstance(data["array"], str):
        raise WireError("array of an unknown dtype on the wire")
    if not (isinstance(shape, list) and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise WireError("array with a malformed shape on the wire")
    raw = base64.b64decode(data["array"], validate=True)
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize:
        raise WireError("array whose bytes do not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def is_plain(value: Any) -> bool:
    """True for what to_plain makes: float64 arrays, lists and str-keyed dicts of them, Unsupported."""
    if isinstance(value, np.ndarray):
        return value.dtype == np.float64
    if isinstance(value, list):
        return all(is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_plain(item) for key, item in value.items())
    return isinstance(value, Unsupported)


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str) -> Any:
    """decode(json.loads(text)), refusing text longer than MAX_MESSAGE_CHARS."""
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise WireError("message too long")
    try:
        return decode(json.loads(text))
    except (ValueError, TypeError, RecursionError) as error:
        raise WireError(str(error)[:200]) from None


# ----- calling the student's function ----------------------------------------------------------


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


def grade_in_kernel(namespace: dict, function_name: str, proxied: list, given_source: str, given_names: list,
                    cases_text: str, seconds: float) -> None:
    """Run namespace[function_name] on the grader's cases and hand the outcomes back by input().

    Its callees are fresh copies of the given helpers (from given_source) and, for the names in
    proxied, stand-ins that the grading process answers.
    """
    ask = input  # ipykernel's input, which asks the grading process over the stdin channel
    cases = loads(cases_text)
    function = namespace.get(function_name)
    if callable(function):
        given: dict = {}
        exec(given_source, given)  # noqa: S102 - the instructor's given cell, not student code
        callees = {name: given[name] for name in given_names}
        callees.update({name: proxy(name, ask) for name in proxied if name != function_name})
        outcomes = run_cases(function, cases, callees, seconds)
    else:
        outcomes = not_implemented(function_name, len(cases))
    ask(RESULT + dumps(outcomes))
