"""Helpers of the classification assignment's visible checks (the read-only cell after each answer).

The notebooks import them from this file, which must stay beside them. check_result compares
your result on a check's example with its known value; when it differs, it names the mistake
your result matches, if it matches a common one, or says what differs. Needs numpy only.
Written by the course's tools: do not edit (the graders use their own copy).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

REL_TOLERANCE = 1e-07
REL_ERROR_FLOOR = 1e-08
FD_STEP = 1e-05
# A result within this relative error of what a mistake gives is taken to be that mistake.
MATCH_TOLERANCE = 1e-06
# Each mistake id with its hint, as the feedback words it.
HINTS = {
    'not-implemented': 'The function still raises NotImplementedError or is missing: write its body.',
    'raised-error': 'The function raised an exception when called on valid inputs.',
    'wrong-shape': 'The result has the wrong shape or type; check it against the docstring.',
    'not-finite': 'The result holds NaN or infinity where the correct result is finite.',
    'wrong-value': 'The values are wrong, in a way that matches none of the common mistakes.',
    'not-float': 'The result holds integers where floats are expected: convert it with .astype(np.float64), or compute it from floats (1.0, not 1).',
    'onehot-transposed': 'One row per example: the one-hot matrix has shape (N, K), not (K, N).',
    'onehot-width-from-labels': 'Use K columns, even when the largest class never appears among the labels.',
    'softmax-no-max-shift': "Subtract each row's maximum from the logits before exp, so that large logits do not overflow.",
    'softmax-wrong-axis': 'Normalise each row (one example) over the classes: use axis=1, with keepdims=True.',
    'softmax-sum-over-all': "Divide by each row's own sum, not by the sum over the whole matrix: every row must add up to 1.",
    'ce-sum-not-mean': 'The loss is the mean over the N examples: divide the sum by N.',
    'ce-sign-flipped': 'The loss is minus the log-probability of the true class, so it is never negative.',
    'ce-picks-columns': 'P[:, y] picks whole columns; take one entry per row with P[np.arange(N), y].',
    'ce-clipped-probabilities': 'Take the log of the probabilities as they are: clipping or adding a small epsilon changes the loss of confident mistakes.',
    'jacobian-missing-diagonal': 'dp_k/dz_k has an extra p_k from the numerator: J = diag(p) - p p^T, not just -p p^T.',
    'jacobian-outer-sign': 'The outer product enters with a minus sign: J = diag(p) - p p^T.',
    'jacobian-diagonal-only': 'Every p_k depends on every z_j: the off-diagonal entries -p_k p_j are part of the (K, K) Jacobian.',
    'dlogits-missing-1-over-n': 'The loss is a mean over the examples, so dL/dZ keeps the factor 1/N.',
    'dlogits-sign-flipped': 'dL/dZ is P minus the one-hot labels, not the other way round.',
    'labels-not-one-hot': 'y holds class indices: turn it into a one-hot (N, K) matrix before subtracting it from P.',
    'dlogits-labels-left-out': "Subtract the one-hot labels from P: the true class's entry is p - 1.",
    'relu-prime-at-zero': 'Our convention: the derivative of ReLU at z == 0 is 0, so use z > 0, not z >= 0.',
    'relu-prime-is-relu': 'You returned relu(z); its derivative is 1 where z > 0 and 0 elsewhere.',
    'relu-prime-boolean': 'Return floats, not booleans: convert the comparison with .astype(np.float64).',
    'forward-no-hidden-relu': "Apply relu to the hidden layer's pre-activations before the output layer.",
    'forward-relu-on-logits': 'The logits go straight into softmax: no relu on the output layer.',
    'predict-wrong-axis': 'Take the argmax over the classes of each example (axis=1): one class per row.',
    'predict-max-not-argmax': 'Return the index of the largest probability (argmax), not the probability itself.',
    'grad-missing-1-over-n': 'The loss is a mean: the gradients keep the factor 1/N (dloss_dlogits has it already).',
    'grad-bias-not-summed': 'A bias gradient has the shape of the bias: sum its per-example terms over the rows.',
    'grad-hidden-missing-relu-prime': 'The hidden delta goes through the ReLU: multiply delta2 W2^T element-wise by relu_prime(Z1).',
    'grad-weights-transposed': 'dL/dW = (layer input)^T delta has the shape of W: check the order of the product.',
    'grad-output-uses-preactivation': "dL/dW2 = A1^T delta2 uses the hidden layer's output A1 = relu(Z1), not Z1.",
    'grad-sign-flipped': 'The gradients have the wrong sign: dL/dZ2 is P minus the one-hot labels.',
    'sgd-ascent': 'Gradient descent steps against the gradient: subtract learning_rate * grad.',
    'sgd-ignores-learning-rate': 'The step must be scaled by learning_rate.',
    'sgd-mutates-input': 'Return a new dict of new arrays: do not modify the parameters passed in (no -= on them).',
    'train-no-shuffle': 'Shuffle every epoch: take the batches from perm = rng.permutation(N), not in order.',
    'train-rng-every-epoch': 'Make rng = np.random.default_rng(seed) once, before the first epoch, so each epoch gets a new order.',
    'train-loss-on-last-batch': 'Record the loss on the whole training set after each epoch, not on its last batch.',
    'train-loss-before-epoch': "Record each epoch's loss after its steps, not before them.",
    'time-limit': 'The notebook or one of its calls ran past its time limit.',
    'output-limit': 'The notebook printed more than the output limit; the rest was cut.',
    'kernel-died': "The notebook's kernel exited or was killed while it ran.",
    'memory-limit': "The notebook's processes and its files in /tmp used more memory than the sandbox has.",
    'process-limit': 'The notebook started more processes or threads than the sandbox allows.',
    'disk-limit': "The notebook filled the sandbox's /tmp, its only writable folder.",
}
# The mistake of a function that modifies the arguments it was given.
INPUTS_MUTATED = {
    'sgd_step': 'sgd-mutates-input',
}
# The functions whose results are floats: an integer result fails their checks.
FLOAT_RESULTS = ('one_hot', 'relu_prime')
NOT_FLOAT = 'not-float'
# How each function's visible checks last ended in this kernel (checks_start, checks_passed).
CHECKS_SEEN = {}


def rel_error(actual, expected) -> float:
    """max(|a - b| / max(floor, |a| + |b|)) over the elements; the shapes must already agree."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise ValueError(f"rel_error needs equal shapes, got {actual.shape} and {expected.shape}")
    if actual.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(REL_ERROR_FLOOR, np.abs(actual) + np.abs(expected))
        return float(np.max(np.abs(actual - expected) / scale))


def centred_difference(loss, x: np.ndarray, step: float) -> np.ndarray:
    """Gradient of loss() with respect to the array x by centred differences, x restored after."""
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        upper = loss()
        x[index] = original - step
        lower = loss()
        x[index] = original
        grad[index] = (upper - lower) / (2.0 * step)
    return grad


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
