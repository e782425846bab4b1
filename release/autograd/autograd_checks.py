"""Helpers of the autograd assignment's visible checks (the read-only cell after each answer).

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
    'grad-assigned': 'A local step assigns the gradient (=) instead of adding to it (+=): a Value used twice, or whose gradient another node already added to, keeps only the last contribution.',
    'local-forgets-out-grad': "The chain rule: a local step multiplies its local derivative by out.grad, the gradient that reached the output node, before adding it to each input's grad.",
    'mul-local-not-swapped': "For c = a * b, dc/da is b and dc/db is a: each input's local gradient is the other input's data.",
    'number-not-wrapped': 'a + 2 and a * 2 reach your __add__ and __mul__ with a plain number: wrap it first (other = other if isinstance(other, Value) else Value(other)).',
    'radd-missing': "2 + a asks the number first, which cannot add a Value, and then a's __radd__: define __radd__ (addition is commutative: return self + other).",
    'rmul-missing': "2 * a asks the number first, which cannot multiply a Value, and then a's __rmul__: define __rmul__ (return self * other).",
    'reflected-op-recurses': '__radd__ or __rmul__ writes other + self (or other * self): the number cannot add a Value, so Python calls __radd__ again, for ever. Write self + other (self * other) instead.',
    'pow-local-n-x-to-n': 'The derivative of x**n is n * x**(n - 1): the exponent goes down by one.',
    'pow-local-without-n': 'The derivative of x**n is n * x**(n - 1): the old exponent n comes down as a factor.',
    'rsub-reversed': 'k - a (a number minus a Value) calls a.__rsub__(k), where other is k: return (-self) + other, not self - other.',
    'div-reversed': 'a / b is a * b**-1: the divisor b is the one raised to -1.',
    'rtruediv-reversed': 'k / a (a number over a Value) calls a.__rtruediv__(k), where other is k: return self**-1 * other, not self / other.',
    'exp-local-is-input': 'The derivative of e**x is e**x itself: the local gradient is out.data, not the input x.',
    'tanh-derivative-from-input': "tanh'(x) = 1 - tanh(x)**2: square the output t = out.data, not the input x.",
    'sigmoid-derivative-from-input': "sigmoid'(x) = s * (1 - s) with s = sigmoid(x), the output out.data, not the input x.",
    'exp-overflow': 'math.exp overflows above about 709: tanh(x) for a large x, or sigmoid(x) for a very negative x, computed with exp(2x) or exp(-x) raises OverflowError. Use math.tanh, or for sigmoid exp(x) / (1 + exp(x)) when x < 0.',
    'no-visited-set': 'The topological sort visits a node once per path to it, so a shared node is listed (and passes its gradient on) twice: keep a set of visited nodes.',
    'topo-not-reversed': 'The topological order lists every node after its inputs; the backward pass goes the other way, from the output to the inputs: loop over reversed(order).',
    'backward-not-seeded': "backward() leaves the output's own gradient at 0, so nothing flows back: set self.grad = 1.0 (d out / d out) before the local steps run.",
    'closure-late-binding': "Functions defined in a loop see the loop's variables as they are when they run, after the loop: every step uses the last w and x. Bind them when the function is made (def step(w=w, x=x)), or loop inside one _backward.",
    'weighted-sum-not-one-node': "weighted_sum makes one node whose _backward passes the gradient to every w, x and b; built from + and *, its own _backward reaches only the last sum's two inputs.",
    'neuron-no-activation': "A neuron's output is sigmoid(w . x + b): apply .sigmoid() to the weighted sum.",
    'neuron-no-bias': 'The weighted sum includes the bias: w . x + b (start the sum at self.b).',
    'neuron-tanh-not-sigmoid': "These neurons use the sigmoid, as backprop's mlp_gradients does, not tanh.",
    'neuron-uses-data': "The output is computed from the weights' .data, plain numbers, so it is not connected to the weights and no gradient reaches them: compute with the Values themselves.",
    'parameters-without-bias': 'parameters() lists every Value that training changes: the weights and the bias (self.w + [self.b]).',
    'parameters-nested': "parameters() returns one flat list of Values, not a list of lists: add the lists together, or loop over each one's parameters().",
    'mlp-not-chained': "Each layer gets the outputs of the layer before it, not the network's input: x = layer(x), layer after layer.",
    'grads-not-zeroed': "backward() adds to every grad, so the gradients of the step before are still there: set every parameter's grad to 0 before the new backward pass.",
    'update-sign': 'Gradient descent moves each parameter against its gradient: p.data -= learning_rate * p.grad.',
    'zeroed-before-update': 'The gradients are set to 0 after backward() and before the update, so the update adds nothing: zero them before the forward pass instead.',
    'train-returns-inside-loop': 'return losses sits inside the loop, so training stops after the first step: return after the loop.',
    'engine-grads-transposed': "The gradient of W has W's shape (inputs, neurons): row i, column j is the gradient of neuron j's weight i.",
    'engine-no-backward': 'Every gradient is 0: call backward() on the loss before reading the grads.',
    'time-limit': 'The notebook or one of its calls ran past its time limit.',
    'output-limit': 'The notebook printed more than the output limit; the rest was cut.',
    'kernel-died': "The notebook's kernel exited or was killed while it ran.",
    'memory-limit': "The notebook's processes and its files in /tmp used more memory than the sandbox has.",
    'process-limit': 'The notebook started more processes or threads than the sandbox allows.',
    'disk-limit': "The notebook filled the sandbox's /tmp, its only writable folder.",
}
# The mistake of a function that modifies the arguments it was given.
INPUTS_MUTATED = {
}
# The functions whose results are floats: an integer result fails their checks.
FLOAT_RESULTS = ()
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


# ----- scenarios: the steps that grade a function, played on the notebook's objects -----

import inspect
import itertools
import operator

# A string argument that starts with this names a variable (or a path from one: "$a.grad");
# doubled, it is the string without it.
REFERENCE = "$"
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
          "@": operator.matmul}
UNARY = {"-": operator.neg, "+": operator.pos}


class UndefinedError(NotImplementedError):
    """A step names something the notebook does not define (yet): graded as not implemented."""


def play_steps(scenario, values, namespace, names=None):
    """Play scenario ({"inputs": names, "steps": steps}) with its inputs bound to values, what the
    steps call or construct looked up in namespace after the variables; {label: plain value} of
    what its read steps read. A set step of a bare name with a stand_in binds it in names (the
    globals the notebook's functions look their callees up in; namespace without them) until the
    play ends."""
    variables = dict(zip(scenario["inputs"], values))
    names = namespace if names is None else names
    missing = object()
    replaced = {}
    read = {}
    try:
        for step in scenario["steps"]:
            if "read" in step:
                spec = step["read"]
                pairs = spec.items() if isinstance(spec, dict) else ((path, path) for path in spec)
                read.update((label, to_plain(look_up(path, variables, namespace))) for label, path in pairs)
            elif "set" in step:
                value = (stand_in(step, variables, namespace) if "stand_in" in step
                         else argument(step["value"], variables, namespace))
                if "." in step["set"]:
                    owner, attribute = step["set"].rsplit(".", 1)
                    setattr(look_up(owner, variables, namespace), attribute, value)
                else:
                    replaced.setdefault(step["set"], names.get(step["set"], missing))
                    names[step["set"]] = value
            elif "stand_in" in step:
                bind(step["let"], stand_in(step, variables, namespace), variables)
            else:
                bind(step.get("let"), operate(step, variables, namespace), variables)
    finally:
        for name, value in replaced.items():
            if value is missing:
                names.pop(name, None)
            else:
                names[name] = value
    return read


def look_up(path, variables, namespace):
    """The value at a dotted path: its first name a variable, else a name of namespace; a part
    that is a number indexes ("x.0" is x[0])."""
    root, *attributes = path.split(".")
    if root in variables:
        value = variables[root]
    elif root in namespace:
        value = namespace[root]
    else:
        raise UndefinedError(f"{root} is not defined")
    for attribute in attributes:
        value = value[int(attribute)] if attribute.isdigit() else getattr(value, attribute)
    return value


def argument(spec, variables, namespace):
    """A step's argument as a value: "$path" looked up, lists and tables item by item (new ones,
    so that no play changes the scenario), anything else as it is."""
    if isinstance(spec, str) and spec.startswith(REFERENCE):
        return spec[1:] if spec.startswith(REFERENCE * 2) else look_up(spec[1:], variables, namespace)
    if isinstance(spec, list):
        return [argument(item, variables, namespace) for item in spec]
    if isinstance(spec, dict):
        return {key: argument(item, variables, namespace) for key, item in spec.items()}
    return spec


def operate(step, variables, namespace):
    """What a call or op step returns."""
    args = [argument(item, variables, namespace) for item in step.get("args", [])]
    if "op" in step:
        return (UNARY if len(args) == 1 else BINARY)[step["op"]](*args)
    kwargs = {key: argument(item, variables, namespace) for key, item in step.get("kwargs", {}).items()}
    return look_up(step["call"], variables, namespace)(*args, **kwargs)


def bind(let, result, variables):
    """Name result (let: a name), or unpack it as Python's assignment does (let: a list of names)."""
    if isinstance(let, str):
        variables[let] = result
    elif let is not None:
        items = list(itertools.islice(iter(result), len(let) + 1))
        if len(items) != len(let):
            found = "more" if len(items) > len(let) else len(items)
            raise ValueError(f"expected {len(let)} values to unpack, got {found}")
        variables.update(zip(let, items))


def stand_in(step, variables, namespace):
    """A callable standing in for a local rule, a function or a callable object (a node's backward
    step, a part of a composition, a function the code calls): each call binds its arguments to
    the step's params (without params, any arguments are ignored), adds to each term's add_to the
    product of its values, and returns the step's returns (None without), all looked up when it
    is called, its params over the scenario's variables."""
    signature = inspect.Signature([inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                   for name in step.get("params", [])])

    def local_rule(*args, **kwargs):
        scope = {**variables, **signature.bind(*args, **kwargs).arguments} if "params" in step else variables
        for term in step["stand_in"]:
            owner_path, attribute = term["add_to"].rsplit(".", 1)
            owner = look_up(owner_path, scope, namespace)
            product = 1.0
            for factor in term["product"]:
                product = product * argument(factor, scope, namespace)
            setattr(owner, attribute, getattr(owner, attribute) + product)
        return argument(step["returns"], scope, namespace) if "returns" in step else None

    return local_rule


# Each graded function's scenario: its inputs and its steps.
SCENARIOS = {'Value.__add__': {'inputs': ['x', 'y', 'g', 'g0'],
                   'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                             {'let': 'b', 'call': 'Value', 'args': ['$y']},
                             {'let': 'c', 'op': '+', 'args': ['$a', '$b']},
                             {'set': 'a.grad', 'value': '$g0'},
                             {'set': 'c.grad', 'value': '$g'},
                             {'call': 'c._backward'},
                             {'read': ['c.data', 'a.grad', 'b.grad']}]},
 'Value.__mul__': {'inputs': ['x', 'y', 'g', 'g0'],
                   'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                             {'let': 'b', 'call': 'Value', 'args': ['$y']},
                             {'let': 'c', 'op': '*', 'args': ['$a', '$b']},
                             {'set': 'a.grad', 'value': '$g0'},
                             {'set': 'c.grad', 'value': '$g'},
                             {'call': 'c._backward'},
                             {'read': ['c.data', 'a.grad', 'b.grad']}]},
 'Value.__radd__': {'inputs': ['x', 'k'],
                    'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                              {'let': 'e', 'op': '+', 'args': ['$a', '$k']},
                              {'let': 'f', 'op': '+', 'args': ['$k', '$a']},
                              {'read': {'a + k': 'e.data', 'k + a': 'f.data'}}]},
 'Value.__rmul__': {'inputs': ['x', 'k'],
                    'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                              {'let': 'e', 'op': '*', 'args': ['$a', '$k']},
                              {'let': 'f', 'op': '*', 'args': ['$k', '$a']},
                              {'read': {'a * k': 'e.data', 'k * a': 'f.data'}}]},
 'Value.__pow__': {'inputs': ['x', 'n', 'g', 'g0'],
                   'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                             {'let': 'c', 'op': '**', 'args': ['$a', '$n']},
                             {'set': 'a.grad', 'value': '$g0'},
                             {'set': 'c.grad', 'value': '$g'},
                             {'call': 'c._backward'},
                             {'read': ['c.data', 'a.grad']}]},
 'Value.__sub__': {'inputs': ['x', 'y', 'k'],
                   'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                             {'let': 'b', 'call': 'Value', 'args': ['$y']},
                             {'let': 'c', 'op': '-', 'args': ['$a', '$b']},
                             {'let': 'd', 'op': '-', 'args': ['$a']},
                             {'let': 'e', 'op': '-', 'args': ['$a', '$k']},
                             {'let': 'f', 'op': '-', 'args': ['$k', '$a']},
                             {'read': {'a - b': 'c.data',
                                       '-a': 'd.data',
                                       'a - k': 'e.data',
                                       'k - a': 'f.data'}}]},
 'Value.__truediv__': {'inputs': ['x', 'y', 'k'],
                       'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                                 {'let': 'b', 'call': 'Value', 'args': ['$y']},
                                 {'let': 'c', 'op': '/', 'args': ['$a', '$b']},
                                 {'let': 'e', 'op': '/', 'args': ['$a', '$k']},
                                 {'let': 'f', 'op': '/', 'args': ['$k', '$a']},
                                 {'read': {'a / b': 'c.data',
                                           'a / k': 'e.data',
                                           'k / a': 'f.data'}}]},
 'Value.exp': {'inputs': ['x', 'g', 'g0'],
               'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                         {'let': 'c', 'call': 'a.exp'},
                         {'set': 'a.grad', 'value': '$g0'},
                         {'set': 'c.grad', 'value': '$g'},
                         {'call': 'c._backward'},
                         {'read': ['c.data', 'a.grad']}]},
 'Value.tanh': {'inputs': ['x', 'g', 'g0'],
                'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                          {'let': 'c', 'call': 'a.tanh'},
                          {'set': 'a.grad', 'value': '$g0'},
                          {'set': 'c.grad', 'value': '$g'},
                          {'call': 'c._backward'},
                          {'read': ['c.data', 'a.grad']}]},
 'Value.sigmoid': {'inputs': ['x', 'g', 'g0'],
                   'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                             {'let': 'c', 'call': 'a.sigmoid'},
                             {'set': 'a.grad', 'value': '$g0'},
                             {'set': 'c.grad', 'value': '$g'},
                             {'call': 'c._backward'},
                             {'read': ['c.data', 'a.grad']}]},
 'Value.backward': {'inputs': ['x', 'y', 'z', 'w', 'v', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
                    'steps': [{'let': 'a', 'call': 'Value', 'args': ['$x']},
                              {'let': 'b', 'call': 'Value', 'args': ['$y']},
                              {'let': 'c',
                               'call': 'Value',
                               'args': ['$z'],
                               'kwargs': {'_children': ['$a', '$b']}},
                              {'let': 'd',
                               'call': 'Value',
                               'args': ['$w'],
                               'kwargs': {'_children': ['$c', '$a']}},
                              {'let': 'e',
                               'call': 'Value',
                               'args': ['$v'],
                               'kwargs': {'_children': ['$d', '$c']}},
                              {'set': 'c._backward',
                               'stand_in': [{'add_to': 'a.grad', 'product': ['$p1', '$c.grad']},
                                            {'add_to': 'b.grad', 'product': ['$p2', '$c.grad']}]},
                              {'set': 'd._backward',
                               'stand_in': [{'add_to': 'c.grad', 'product': ['$p3', '$d.grad']},
                                            {'add_to': 'a.grad', 'product': ['$p4', '$d.grad']}]},
                              {'set': 'e._backward',
                               'stand_in': [{'add_to': 'd.grad', 'product': ['$p5', '$e.grad']},
                                            {'add_to': 'c.grad', 'product': ['$p6', '$e.grad']}]},
                              {'call': 'e.backward'},
                              {'read': ['a.grad', 'b.grad', 'c.grad', 'd.grad', 'e.grad']}]},
 'weighted_sum': {'inputs': ['p1', 'p2', 'p3', 'q1', 'q2', 'q3', 'r', 'g', 'g0'],
                  'steps': [{'let': 'w1', 'call': 'Value', 'args': ['$p1']},
                            {'let': 'w2', 'call': 'Value', 'args': ['$p2']},
                            {'let': 'w3', 'call': 'Value', 'args': ['$p3']},
                            {'let': 'x1', 'call': 'Value', 'args': ['$q1']},
                            {'let': 'x2', 'call': 'Value', 'args': ['$q2']},
                            {'let': 'x3', 'call': 'Value', 'args': ['$q3']},
                            {'let': 'bias', 'call': 'Value', 'args': ['$r']},
                            {'let': 'd',
                             'call': 'weighted_sum',
                             'args': [['$w1', '$w2', '$w3'], ['$x1', '$x2', '$x3'], '$bias']},
                            {'set': 'w1.grad', 'value': '$g0'},
                            {'set': 'd.grad', 'value': '$g'},
                            {'call': 'd._backward'},
                            {'read': ['d.data',
                                      'w1.grad',
                                      'w2.grad',
                                      'w3.grad',
                                      'x1.grad',
                                      'x2.grad',
                                      'x3.grad',
                                      'bias.grad']}]},
 'Neuron.__call__': {'inputs': ['p1', 'p2', 'p3', 'r', 'x1', 'x2', 'x3'],
                     'steps': [{'let': 'w1', 'call': 'Value', 'args': ['$p1']},
                               {'let': 'w2', 'call': 'Value', 'args': ['$p2']},
                               {'let': 'w3', 'call': 'Value', 'args': ['$p3']},
                               {'let': 'bias', 'call': 'Value', 'args': ['$r']},
                               {'let': 'n',
                                'call': 'Neuron',
                                'args': [['$w1', '$w2', '$w3'], '$bias']},
                               {'let': 'out', 'call': 'n', 'args': [['$x1', '$x2', '$x3']]},
                               {'call': 'out.backward'},
                               {'read': ['out.data',
                                         'w1.grad',
                                         'w2.grad',
                                         'w3.grad',
                                         'bias.grad']}]},
 'Neuron.parameters': {'inputs': ['p1', 'p2', 'p3', 'r'],
                       'steps': [{'let': 'w1', 'call': 'Value', 'args': ['$p1']},
                                 {'let': 'w2', 'call': 'Value', 'args': ['$p2']},
                                 {'let': 'w3', 'call': 'Value', 'args': ['$p3']},
                                 {'let': 'bias', 'call': 'Value', 'args': ['$r']},
                                 {'let': 'n',
                                  'call': 'Neuron',
                                  'args': [['$w1', '$w2', '$w3'], '$bias']},
                                 {'let': 'ps', 'call': 'n.parameters'},
                                 {'let': 'numbers', 'call': 'datas', 'args': ['$ps']},
                                 {'read': {'parameters': 'numbers'}}]},
 'Layer.__call__': {'inputs': ['x1', 'x2', 'x3', 'h1', 'h2'],
                    'steps': [{'let': 'v1', 'call': 'Value', 'args': ['$x1']},
                              {'let': 'v2', 'call': 'Value', 'args': ['$x2']},
                              {'let': 'v3', 'call': 'Value', 'args': ['$x3']},
                              {'let': 'a1', 'call': 'Value', 'args': ['$h1']},
                              {'let': 'a2', 'call': 'Value', 'args': ['$h2']},
                              {'let': 'seen1', 'call': 'Value', 'args': [0.0]},
                              {'let': 'seen2', 'call': 'Value', 'args': [0.0]},
                              {'let': 'n1',
                               'stand_in': [{'add_to': 'seen1.data', 'product': ['$x.2.data']}],
                               'params': ['x'],
                               'returns': '$a1'},
                              {'let': 'n2',
                               'stand_in': [{'add_to': 'seen2.data', 'product': ['$x.0.data']}],
                               'params': ['x'],
                               'returns': '$a2'},
                              {'let': 'layer', 'call': 'Layer', 'args': [['$n1', '$n2']]},
                              {'let': ['o1', 'o2'],
                               'call': 'layer',
                               'args': [['$v1', '$v2', '$v3']]},
                              {'read': {'output 1': 'o1.data', 'output 2': 'o2.data'}},
                              {'read': {'neuron 1 saw': 'seen1.data',
                                        'neuron 2 saw': 'seen2.data'}}]},
 'Layer.parameters': {'inputs': ['p1', 'p2', 'r1', 'p3', 'p4', 'r2'],
                      'steps': [{'let': 'w1', 'call': 'Value', 'args': ['$p1']},
                                {'let': 'w2', 'call': 'Value', 'args': ['$p2']},
                                {'let': 'b1', 'call': 'Value', 'args': ['$r1']},
                                {'let': 'w3', 'call': 'Value', 'args': ['$p3']},
                                {'let': 'w4', 'call': 'Value', 'args': ['$p4']},
                                {'let': 'b2', 'call': 'Value', 'args': ['$r2']},
                                {'let': 'n1', 'call': 'Neuron', 'args': [['$w1', '$w2'], '$b1']},
                                {'let': 'n2', 'call': 'Neuron', 'args': [['$w3', '$w4'], '$b2']},
                                {'let': 'own1', 'op': '+', 'args': [['$w1', '$w2', '$b1'], []]},
                                {'let': 'own2', 'op': '+', 'args': [['$w3', '$w4', '$b2'], []]},
                                {'set': 'n1.parameters', 'value': '$own1.copy'},
                                {'set': 'n2.parameters', 'value': '$own2.copy'},
                                {'let': 'layer', 'call': 'Layer', 'args': [['$n1', '$n2']]},
                                {'let': 'ps', 'call': 'layer.parameters'},
                                {'let': 'numbers', 'call': 'datas', 'args': ['$ps']},
                                {'read': {'parameters': 'numbers'}}]},
 'MLP.__call__': {'inputs': ['x1', 'x2', 'x3', 'h1', 'h2', 'h3'],
                  'steps': [{'let': 'v1', 'call': 'Value', 'args': ['$x1']},
                            {'let': 'v2', 'call': 'Value', 'args': ['$x2']},
                            {'let': 'v3', 'call': 'Value', 'args': ['$x3']},
                            {'let': 'a1', 'call': 'Value', 'args': ['$h1']},
                            {'let': 'a2', 'call': 'Value', 'args': ['$h2']},
                            {'let': 'a3', 'call': 'Value', 'args': ['$h3']},
                            {'let': 'seen1', 'call': 'Value', 'args': [0.0]},
                            {'let': 'seen2', 'call': 'Value', 'args': [0.0]},
                            {'let': 'l1',
                             'stand_in': [{'add_to': 'seen1.data', 'product': ['$x.0.data']}],
                             'params': ['x'],
                             'returns': ['$a1', '$a2']},
                            {'let': 'l2',
                             'stand_in': [{'add_to': 'seen2.data', 'product': ['$x.1.data']}],
                             'params': ['x'],
                             'returns': ['$a3']},
                            {'let': 'net', 'call': 'MLP', 'args': [['$l1', '$l2']]},
                            {'let': 'out', 'call': 'net', 'args': [['$v1', '$v2', '$v3']]},
                            {'read': {'output': 'out.data',
                                      'layer 1 saw': 'seen1.data',
                                      'layer 2 saw': 'seen2.data'}}]},
 'MLP.parameters': {'inputs': ['p1', 'r1', 'p2', 'r2', 'q1', 'q2', 'r3'],
                    'steps': [{'let': 'w1', 'call': 'Value', 'args': ['$p1']},
                              {'let': 'b1', 'call': 'Value', 'args': ['$r1']},
                              {'let': 'w2', 'call': 'Value', 'args': ['$p2']},
                              {'let': 'b2', 'call': 'Value', 'args': ['$r2']},
                              {'let': 'v1', 'call': 'Value', 'args': ['$q1']},
                              {'let': 'v2', 'call': 'Value', 'args': ['$q2']},
                              {'let': 'b3', 'call': 'Value', 'args': ['$r3']},
                              {'let': 'n1', 'call': 'Neuron', 'args': [['$w1'], '$b1']},
                              {'let': 'n2', 'call': 'Neuron', 'args': [['$w2'], '$b2']},
                              {'let': 'n3', 'call': 'Neuron', 'args': [['$v1', '$v2'], '$b3']},
                              {'let': 'l1', 'call': 'Layer', 'args': [['$n1', '$n2']]},
                              {'let': 'l2', 'call': 'Layer', 'args': [['$n3']]},
                              {'let': 'own1',
                               'op': '+',
                               'args': [['$w1', '$b1', '$w2', '$b2'], []]},
                              {'let': 'own2', 'op': '+', 'args': [['$v1', '$v2', '$b3'], []]},
                              {'set': 'l1.parameters', 'value': '$own1.copy'},
                              {'set': 'l2.parameters', 'value': '$own2.copy'},
                              {'let': 'net', 'call': 'MLP', 'args': [['$l1', '$l2']]},
                              {'let': 'ps', 'call': 'net.parameters'},
                              {'let': 'numbers', 'call': 'datas', 'args': ['$ps']},
                              {'read': {'parameters': 'numbers'}}]},
 'train_step': {'inputs': ['params', 'X', 'y', 'learning_rate'],
                'steps': [{'let': 'net', 'call': 'mlp_from', 'args': ['$params']},
                          {'let': 'r1',
                           'call': 'train_step',
                           'args': ['$net', '$X', '$y', '$learning_rate']},
                          {'let': 'r2',
                           'call': 'train_step',
                           'args': ['$net', '$X', '$y', '$learning_rate']},
                          {'let': 'ps', 'call': 'net.parameters'},
                          {'let': 'numbers', 'call': 'datas', 'args': ['$ps']},
                          {'read': {'first loss': 'r1',
                                    'second loss': 'r2',
                                    'parameters': 'numbers'}}]},
 'train': {'inputs': ['params', 'X', 'y', 'learning_rate', 'steps', 'k'],
           'steps': [{'let': 'net', 'call': 'mlp_from', 'args': ['$params']},
                     {'set': 'train_step',
                      'returns': '$model.layers.0.neurons.0.b.data',
                      'params': ['model', 'X', 'y', 'learning_rate'],
                      'stand_in': [{'add_to': 'model.layers.0.neurons.0.b.data',
                                    'product': ['$learning_rate', '$X.0.0', '$y.0', '$k']}]},
                     {'let': 'losses',
                      'call': 'train',
                      'args': ['$net', '$X', '$y', '$learning_rate', '$steps']},
                     {'let': 'ps', 'call': 'net.parameters'},
                     {'let': 'numbers', 'call': 'datas', 'args': ['$ps']},
                     {'read': {'losses': 'losses', 'parameters': 'numbers'}}]},
 'engine_gradients': {'inputs': ['params', 'X', 'y', 'x', 'k'],
                      'steps': [{'let': 'net', 'call': 'mlp_from', 'args': ['$params']},
                                {'let': 'mse', 'call': 'mse_loss', 'args': ['$net', '$X', '$y']},
                                {'let': 'out', 'call': 'net', 'args': ['$x']},
                                {'let': 'extra', 'op': '*', 'args': ['$out', '$k']},
                                {'let': 'loss', 'op': '+', 'args': ['$mse', '$extra']},
                                {'let': 'gradients',
                                 'call': 'engine_gradients',
                                 'args': ['$net', '$loss']},
                                {'read': {'gradients': 'gradients'}}]}}


def play(function_name, *inputs):
    """What the steps that grade function_name read, as plain data, played on the objects your
    notebook defines with the scenario's inputs (the hidden tests play them on other inputs)."""
    frame = inspect.currentframe()
    namespace = frame.f_back.f_globals if frame and frame.f_back else {}
    return play_steps(SCENARIOS[function_name], inputs, namespace)


def assert_plays(function_name, *inputs):
    """Fail while the steps that grade function_name meet a NotImplementedError (an answer not
    written yet, a name not defined); anything else is left to the hidden tests. Quietly."""
    import contextlib
    import io
    import warnings

    frame = inspect.currentframe()
    namespace = frame.f_back.f_globals if frame and frame.f_back else {}
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(
            io.StringIO()
        ):
            warnings.simplefilter("ignore")
            play_steps(SCENARIOS[function_name], inputs, namespace)
    except NotImplementedError as error:
        innermost = error.__traceback__
        while innermost.tb_next is not None:
            innermost = innermost.tb_next
        reason = str(error) if isinstance(error, UndefinedError) else (
            f"{innermost.tb_frame.f_code.co_name} raises NotImplementedError")
        raise AssertionError(f"{function_name} cannot be checked yet: {reason}") from None
    except Exception:
        pass
