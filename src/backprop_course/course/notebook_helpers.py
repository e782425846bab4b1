"""Helpers of the notebooks' visible checks and graded cells, shipped to students in each
assignment's helper module (<helper_module>.py beside its notebooks).

helper_module.py writes the module students get from the sources of the functions and classes
here (and of rel_error, centred_difference, to_plain): so they use only numpy, the standard
library and the module's own names (REL_TOLERANCE, MATCH_TOLERANCE, HINTS, INPUTS_MUTATED,
NOT_FLOAT, FLOAT_RESULTS, CHECKS_SEEN), which the module's text defines from the assignment. To
check with them in this package, use that text (helper_module.helper_namespace): here those
names are left empty.
"""

from __future__ import annotations

import inspect

import numpy as np

from ..in_kernel.wire import Unsupported, integer_part, to_plain
from .mistake_ids import NOT_FLOAT
from .numerics import rel_error
from .recognisers import MATCH_TOLERANCE

# Defined by each assignment's helper module (helper_module.py): the tolerance of its checks, the
# hint of every mistake id, and which mistake a function that modifies its arguments makes.
REL_TOLERANCE = 0.0
HINTS: dict[str, str] = {}
INPUTS_MUTATED: dict[str, str] = {}
FLOAT_RESULTS: tuple[str, ...] = ()  # the functions whose results are floats (the contract's dtype)
# How each function's visible checks last ended in this kernel: ("passed", the function they
# passed with), ("failed",) or ("waiting",) for checks that waited for another function's.
CHECKS_SEEN: dict[str, tuple] = {}


class Known:
    """A function's known result on a check's example, and what known mistakes give there instead.

    mistakes holds (mistake id, result) pairs; ... in a result stands for any value.
    """

    def __init__(self, function, expected, mistakes=()):
        self.function = function
        self.expected = expected
        self.mistakes = list(mistakes)


class CheckError(AssertionError):
    """A visible check that failed; the notebook shows its message and the check's line, not a traceback."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line

    def _render_traceback_(self):  # IPython shows these lines in place of the traceback
        where = [f"(the check in line {self.line} of this cell)"] if self.line else []
        return [f"{type(self).__name__}: {self}", *where]


def check_result(actual, known):
    """Stop with what is wrong unless actual is known's result: a known mistake it matches, or what differs."""
    result = to_plain(actual)
    difference = first_difference(to_plain(known.expected), result, "the result")
    if difference is None and known.function in FLOAT_RESULTS and integer_part(actual):
        raise CheckError(f"{known.function}: [{NOT_FLOAT}] {integer_part(actual)}: {HINTS[NOT_FLOAT]}", _caller_line())
    if difference is None:
        return
    named = []
    for mistake, predicted in known.mistakes:
        if mistake not in named and matches(result, predicted):
            named.append(mistake)
    if named:
        which = "a known mistake" if len(named) == 1 else "known mistakes"
        hints = "; ".join(f"[{mistake}] {HINTS[mistake]}" for mistake in named)
        raise CheckError(f"{known.function}: your result on this example matches {which}: {hints}", _caller_line())
    raise CheckError(f"{known.function}: {difference}", _caller_line())


def check_unchanged(function_name, argument, before):
    """Stop unless argument still equals before, its copy from before function_name was called."""
    if first_difference(to_plain(before), to_plain(argument), "the argument") is not None:
        mistake = INPUTS_MUTATED[function_name]
        message = f"{function_name} changed the argument it was given: [{mistake}] {HINTS[mistake]}"
        raise CheckError(message, _caller_line())


def checks_start(function_name, after=()):
    """Begin function_name's visible checks. Stop, saying which function to fix or check first,
    unless the checks of every function in after (those it depends on, in notebook order) passed
    with that function as the notebook has it now: a mistake is then named at its own check only."""
    names = inspect.currentframe().f_back.f_globals  # the notebook's, where the check cell runs
    CHECKS_SEEN[function_name] = ("failed",)  # until checks_passed, at the cell's end, says otherwise
    for earlier in after:
        state = CHECKS_SEEN.get(earlier, ("waiting",))
        if state[0] == "failed":
            why = f"fix `{earlier}` first: its check fails"
        elif state[0] == "waiting":
            why = f"run the check of `{earlier}` first (the cell after its answer)"
        elif state[1] is not names.get(earlier):
            why = f"`{earlier}` changed after its check passed: run that check again first"
        else:
            continue
        CHECKS_SEEN[function_name] = ("waiting",)
        raise CheckError(f"{function_name}: {why}; this check runs after it passes")


def checks_passed(function_name):
    """Note that function_name's visible checks passed, with the function the notebook has now."""
    CHECKS_SEEN[function_name] = ("passed", inspect.currentframe().f_back.f_globals.get(function_name))


def _caller_line():
    """The line of the check cell that called the check (two frames up)."""
    frame = inspect.currentframe()
    return frame.f_back.f_back.f_lineno if frame and frame.f_back and frame.f_back.f_back else None


def first_difference(expected, actual, where):
    """What first differs between two plain values, in words with its id, or None: structure, then numbers."""
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
            return f"[wrong-shape] {where} should be {describe(expected)}, got {describe(actual)}"
        if np.all(np.isfinite(expected)) and not np.all(np.isfinite(actual)):
            return f"[not-finite] {where} holds NaN or infinity"
        error = rel_error(actual, expected)
        if error <= REL_TOLERANCE:
            return None
        return (f"[wrong-value] {where} differs from the known values: rel_error {error:.3g} is above "
                f"{REL_TOLERANCE:g}{_ratio(expected, actual)}; yours: {_show(actual)}, expected: {_show(expected)}")
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            return f"[wrong-shape] {where} should be {describe(expected)}, got {describe(actual)}"
        parts = (first_difference(expected[key], actual[key], f'{where}["{key}"]') for key in sorted(expected))
    else:
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"[wrong-shape] {where} should be {describe(expected)}, got {describe(actual)}"
        parts = (first_difference(item, other, f"{where}[{index}]")
                 for index, (item, other) in enumerate(zip(expected, actual)))
    return next((part for part in parts if part is not None), None)


def matches(actual, predicted):
    """True when the plain value actual is the result predicted, within MATCH_TOLERANCE.

    predicted is a result as a function returns it; ... as one of its items matches anything.
    """
    if predicted is Ellipsis:
        return True
    if isinstance(predicted, (list, tuple)) and any(item is Ellipsis for item in predicted):
        return (isinstance(actual, list) and len(actual) == len(predicted)
                and all(matches(item, part) for item, part in zip(actual, predicted)))
    return _close(actual, to_plain(predicted))


def _close(actual, expected):
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and actual.keys() == expected.keys()
                and all(_close(actual[key], expected[key]) for key in expected))
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(_close, actual, expected))
    if isinstance(expected, Unsupported):  # a mistake of type (booleans where numbers belong, say)
        return isinstance(actual, Unsupported) and actual == expected
    if not (isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray) and actual.shape == expected.shape):
        return False
    # A mistake may predict NaN or infinity (an overflow, say): actual must hold the same there.
    finite = np.isfinite(expected)
    return (np.array_equal(np.isfinite(actual), finite)
            and np.array_equal(actual[~finite], expected[~finite], equal_nan=True)
            and rel_error(actual[finite], expected[finite]) <= MATCH_TOLERANCE)


def describe(value):
    """The shape or type of a plain value, in words."""
    if isinstance(value, np.ndarray):
        return "a float" if value.ndim == 0 else f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    if isinstance(value, list):
        return f"a sequence of {len(value)} items"
    if isinstance(value, Unsupported):
        return "None" if value.type_name == "NoneType" else f"a {value.type_name}"
    return "nothing" if value is None else type(value).__name__


def _ratio(expected, actual):
    """ ', yours is c times the expected values' when one factor c relates them all, else ''."""
    usable = np.abs(expected) > 1e-12
    if not usable.any():
        return ""
    ratios = actual[usable] / expected[usable]
    factor = float(np.median(ratios))
    if factor == 0.0 or rel_error(actual, factor * expected) > MATCH_TOLERANCE:
        return ""
    return f" (yours is {factor:.4g} times the expected values)"


def _show(array):
    return np.array2string(array, precision=4, threshold=8)


def assert_implemented(function, *example_args):
    """Fail while function itself still raises NotImplementedError (its stub is not replaced).

    Everything else is left to the hidden tests: another exception, a wrong result, or a
    NotImplementedError raised by a function it calls (that one is graded in its own cell).
    The call runs quietly: what the function prints or warns is not shown here.
    """
    import contextlib
    import io
    import warnings

    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(
            io.StringIO()
        ):
            warnings.simplefilter("ignore")
            function(*example_args)
    except NotImplementedError as error:
        innermost = error.__traceback__
        while innermost.tb_next is not None:
            innermost = innermost.tb_next
        if innermost.tb_frame.f_code is getattr(function, "__code__", None):
            raise AssertionError(f"{function.__name__} is not written yet: replace its NotImplementedError") from None
    except Exception:
        pass
