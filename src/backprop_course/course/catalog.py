"""The mistake catalog: each id with its one-line hint and how its outputs are recognised.

An entry's recogniser looks only at plain data: the inputs of the hidden cases, the reference's
results and the student's results on them. Most describe the mistake as a "mutant", the
function a student making that mistake would have written, and match the student's results
against it; a few test a property (a shape, a constant ratio). Adding a mistake means adding
one entry here.

A recogniser may also predict what a student making the mistake returns on one case (a mutant
can always; a property where the inputs and the reference's result settle it). The notebooks'
visible checks carry these predictions on their examples as plain numbers, so a student's
check cell names the mistake offline (authoring/known.py); no recogniser code ships.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import reference
from .numerics import rel_error
from .plain import Unsupported, leaves, same_structure, to_plain

Cases = list[tuple]
Results = list[Any]
Recognise = Callable[[Cases, Results, Results], bool]
# predict(args, expected): what the mistake returns on one case, as results a function returns
# (tuples, floats, arrays, dicts), ... standing for a part it cannot tell; [] when it cannot say.
Predict = Callable[[tuple, Any], list[Any]]

# Looser than the grading tolerance: a mutant written differently from the student's code can
# round differently, and recognising a mistake only picks the hint, never the score.
MATCH_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Mistake:
    """One catalog entry: its id, the hint students read, and where and how it is recognised."""

    id: str
    hint: str
    recognisers: tuple[tuple[str, Recognise], ...] = ()  # (graded function, recogniser) pairs


def _cannot_say(args: tuple, expected: Any) -> list[Any]:
    return []


@dataclass(frozen=True)
class Recogniser:
    """A recogniser (called like one) that can also predict the mistake's result on one case."""

    recognise: Recognise
    predict: Predict = _cannot_say

    def __call__(self, cases: Cases, expected: Results, actual: Results) -> bool:
        return self.recognise(cases, expected, actual)


def predictions(recognise: Recognise, args: tuple, expected: Any) -> list[Any]:
    """What recognise predicts on one case; nothing for a plain property function."""
    return recognise.predict(args, expected) if isinstance(recognise, Recogniser) else []


def _close(actual: Any, expected: Any) -> bool:
    if not same_structure(actual, expected):
        return False
    return all(rel_error(a, e) <= MATCH_TOLERANCE for (_, a), (_, e) in zip(leaves(actual), leaves(expected)))


def mutant(function: Callable) -> Recogniser:
    """Recognise results that equal function's on every case."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return all(_close(result, to_plain(function(*args))) for args, result in zip(cases, actual))

    return Recogniser(recognise, lambda args, expected: [function(*args)])


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


def _neither_one_nor_minus_one(factor: float) -> bool:
    return abs(abs(factor) - 1.0) > 1e-6 and factor != 0.0


def _examples(args: tuple) -> int:
    return int(np.shape(args[0])[0])


def array_with_axis_of_n(where: Callable[[Any], list[Any]]) -> Recognise:
    """Recognise results where a part that where() picks has an axis as long as the example count."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return any(
            any(isinstance(part, np.ndarray) and _examples(args) in part.shape for part in where(result))
            for args, result in zip(cases, actual)
        )

    return recognise


def _item(result: Any, index: int) -> list[Any]:
    return [result[index]] if isinstance(result, list) and len(result) > index else []


def _gradient_parts(result: Any) -> list[Any]:
    if isinstance(result, list):
        return list(result)
    return list(result.values()) if isinstance(result, dict) else [result]


def _bias_gradients(result: Any) -> list[Any]:
    return [value for key, value in result.items() if key.startswith("b")] if isinstance(result, dict) else []


def _n_axis_where_reference_has_none(cases: Cases, expected: Results, actual: Results) -> bool:
    """A part grew a dimension, and the new axis is as long as the example count: (d, N), (N, N)."""
    for args, wanted, got in zip(cases, expected, actual):
        n_examples = _examples(args)
        for part_wanted, part_got in zip(_gradient_parts(wanted), _gradient_parts(got)):
            if not isinstance(part_got, np.ndarray) or not isinstance(part_wanted, np.ndarray):
                continue
            grew = part_got.ndim > part_wanted.ndim
            if grew and part_got.shape.count(n_examples) > part_wanted.shape.count(n_examples):
                return True
    return False


def _gradients_per_example_for_dw(X, y, w, b):
    """dw given as the per-example factors delta_i (shape (N,)), x left out of the chain."""
    z = X @ w + b
    delta = 2.0 / X.shape[0] * (reference.sigmoid(z) - y) * reference.sigmoid_prime(z)
    return delta, np.sum(delta)


def _dw_is_the_bias_gradient(cases: Cases, expected: Results, actual: Results) -> bool:
    """dw_j came out as sum_i delta_i, the bias gradient, for every j (or as that one number)."""
    for wanted, got in zip(expected, actual):
        if not (isinstance(got, list) and len(got) == 2 and isinstance(got[0], np.ndarray)):
            return False
        if got[0].size == 0 or rel_error(got[0], np.full(got[0].shape, float(wanted[1]))) > MATCH_TOLERANCE:
            return False
    return True


def _bias_gradient_for_dw(args: tuple, expected: Any) -> list[Any]:
    return [(np.full(np.shape(expected[0]), float(expected[1])), ...)]


def _step_ignores_learning_rate(cases: Cases, expected: Results, actual: Results) -> bool:
    """param - actual = c * grad with one c for all cases, although their learning rates differ."""
    factors = []
    for (param, grad, _learning_rate), got in zip(cases, actual):
        params, grads, gots = _flat(param), _flat(grad), _flat(got)
        if gots is None or gots.shape != params.shape:
            return False
        usable = np.abs(grads) > 1e-12
        if not usable.any():
            continue
        factor = (params[usable] - gots[usable]) / grads[usable]
        if rel_error(factor, np.full(factor.shape, np.median(factor))) > MATCH_TOLERANCE:
            return False
        factors.append(float(np.median(factor)))
    learning_rates = {args[2] for args in cases}
    return len(learning_rates) > 1 and len(factors) > 1 and np.ptp(factors) <= 1e-6 * max(map(abs, factors))


def _flat(value: Any) -> np.ndarray | None:
    value = to_plain(value) if not isinstance(value, (np.ndarray, dict, list, Unsupported)) else value
    if isinstance(value, dict):
        if not value:
            return None
        return np.concatenate([np.ravel(value[key]) for key in sorted(value) if isinstance(value[key], np.ndarray)])
    return np.ravel(value) if isinstance(value, np.ndarray) else None


def _trained_parameters_unchanged(start: Callable[[tuple], Any]) -> Recogniser:
    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return all(
            isinstance(got, list) and len(got) >= 2 and _close(_trained(got), to_plain(start(args)))
            for args, got in zip(cases, actual)
        )

    def predict(args: tuple, expected: Any) -> list[Any]:
        parameters = start(args)
        return [(*parameters, ...) if isinstance(parameters, list) else (parameters, ...)]

    return Recogniser(recognise, predict)


def _trained(result: list) -> Any:
    """The trained parameters of a training result: [w, b] of (w, b, losses), params of (params, losses)."""
    return result[:-1] if len(result) > 2 else result[0]


def _parameters_right_losses_wrong(cases: Cases, expected: Results, actual: Results) -> bool:
    """The trained parameters are right, but the loss history is not (values or length)."""
    for wanted, got in zip(expected, actual):
        if not (isinstance(got, list) and len(got) == len(wanted)):
            return False
        if not _close(got[:-1], wanted[:-1]):
            return False
    return any(not _close(got[-1], wanted[-1]) for wanted, got in zip(expected, actual))


def _right_parameters_other_losses(args: tuple, expected: Any) -> list[Any]:
    return [(*expected[:-1], ...)]


def _loss_history_of_wrong_length(cases: Cases, expected: Results, actual: Results) -> bool:
    return any(
        isinstance(got, list) and len(got) == len(wanted) and np.shape(got[-1]) != np.shape(wanted[-1])
        for wanted, got in zip(expected, actual)
    )


def _keys_differ(cases: Cases, expected: Results, actual: Results) -> bool:
    return any(isinstance(got, dict) and got.keys() != wanted.keys() for wanted, got in zip(expected, actual))


def _weights_transposed_or_permuted(cases: Cases, expected: Results, actual: Results) -> bool:
    found = False
    for wanted, got in zip(expected, actual):
        if not isinstance(got, dict):
            return False
        for key, value in wanted.items():
            other = got.get(key)
            if not key.startswith("W") or not isinstance(other, np.ndarray) or other.size != value.size:
                continue
            if _close(np.sort(np.ravel(other)), np.sort(np.ravel(value))) and not _close(other, value):
                found = True
    return found


# Mutants: what a student who makes each mistake computes.


def _loss_sum(y_hat, y):
    return np.sum((y_hat - y) ** 2)


def _loss_half(y_hat, y):
    return 0.5 * np.mean((y_hat - y) ** 2)


def _loss_abs(y_hat, y):
    return np.mean(np.abs(y_hat - y))


def _loss_plain(y_hat, y):
    return np.mean(y_hat - y)


def _dloss_without_2(y_hat, y):
    return (y_hat - y) / y.shape[0]


def _dloss_without_mean(y_hat, y):
    return 2.0 * (y_hat - y)


def _dloss_flipped(y_hat, y):
    return 2.0 / y.shape[0] * (y - y_hat)


def _sigprime_on_z(z):
    return z * (1.0 - z)


def _sigprime_twice(z):
    return reference.sigmoid_prime(reference.sigmoid(z))


def _gradients_bias_per_example(X, y, w, b):
    z = X @ w + b
    delta = 2.0 / X.shape[0] * (reference.sigmoid(z) - y) * reference.sigmoid_prime(z)
    return X.T @ delta, delta


def _gradients_broadcast_n_by_n(X, y, w, b):
    """Predictions and pre-activations as (N, 1) columns against y of shape (N,)."""
    z = (X @ w + b)[:, None]
    delta = 2.0 / X.shape[0] * (reference.sigmoid(z) - y) * reference.sigmoid_prime(z)
    return X.T @ delta, float(np.sum(delta))


def _gradients_without_sigprime(X, y, w, b):
    delta = 2.0 / X.shape[0] * (reference.sigmoid(X @ w + b) - y)
    return X.T @ delta, np.sum(delta)


def _step_ascent(param, grad, learning_rate):
    if isinstance(param, dict):
        return {key: param[key] + learning_rate * grad[key] for key in param}
    return param + learning_rate * grad


def _step_without_learning_rate(param, grad, learning_rate):
    if isinstance(param, dict):
        return {key: param[key] - grad[key] for key in param}
    return param - grad


def _forward_linear_output(X, params):
    a = X
    n_layers = len(params) // 2
    for layer in range(1, n_layers + 1):
        z = a @ params[f"W{layer}"] + params[f"b{layer}"]
        a = z if layer == n_layers else reference.sigmoid(z)
    return a[:, 0]


def _backprop(X, y, params, hidden_sigprime: bool = True, per_layer_factor: Callable[[int], float] | None = None,
              transposed: bool = False, bias_summed: bool = True):
    """mlp_gradients with switches for mistakes of the backward pass."""
    n_layers = len(params) // 2
    activations, pre_activations = [X], []
    for layer in range(1, n_layers + 1):
        pre_activations.append(activations[-1] @ params[f"W{layer}"] + params[f"b{layer}"])
        activations.append(reference.sigmoid(pre_activations[-1]))
    delta = (2.0 / X.shape[0] * (activations[-1][:, 0] - y))[:, None] * reference.sigmoid_prime(pre_activations[-1])
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = delta.T @ activations[layer - 1] if transposed else activations[layer - 1].T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0) if bias_summed else delta
        if layer > 1:
            delta = delta @ params[f"W{layer}"].T
            if hidden_sigprime:
                delta = delta * reference.sigmoid_prime(pre_activations[layer - 2])
            if per_layer_factor is not None:
                delta = delta * per_layer_factor(X.shape[0])
    return grads


def _initial_neuron(args: tuple) -> Any:
    return [args[2], args[3]]


def _initial_network(args: tuple) -> Any:
    return reference.init_params(args[2], args[5])


_GRADIENT_FUNCTIONS = ("neuron_gradients", "mlp_gradients")

CATALOG: tuple[Mistake, ...] = (
    Mistake("not-implemented", "The function still raises NotImplementedError or is missing: write its body."),
    Mistake("raised-error", "The function raised an exception when called on valid inputs."),
    Mistake("wrong-shape", "The result has the wrong shape or type; check it against the docstring."),
    Mistake("not-finite", "The result holds NaN or infinity where the correct result is finite."),
    Mistake("wrong-value", "The values are wrong, in a way that matches none of the common mistakes."),
    Mistake(
        "loss-sum-not-mean",
        "You summed the squared errors: the loss is their mean (divide by N).",
        (("mse_loss", mutant(_loss_sum)),),
    ),
    Mistake(
        "loss-half-factor",
        "Our loss has no factor 1/2: it is the plain mean of the squared errors.",
        (("mse_loss", mutant(_loss_half)),),
    ),
    Mistake(
        "loss-not-squared",
        "Square each error before averaging.",
        (("mse_loss", any_of(mutant(_loss_abs), mutant(_loss_plain))),),
    ),
    Mistake(
        "dloss-missing-2",
        "The derivative of (y_hat - y)**2 brings down a factor 2.",
        (("dloss_dyhat", mutant(_dloss_without_2)),),
    ),
    Mistake(
        "dloss-missing-1-over-n",
        "The loss is a mean, so its derivative keeps the factor 1/N.",
        (("dloss_dyhat", mutant(_dloss_without_mean)),),
    ),
    Mistake(
        "dloss-sign-flipped",
        "Differentiate with respect to y_hat: the term is y_hat - y, not y - y_hat.",
        (("dloss_dyhat", mutant(_dloss_flipped)),),
    ),
    Mistake(
        "sigprime-returns-sigmoid",
        "You returned sigmoid(z); its derivative is sigmoid(z) * (1 - sigmoid(z)).",
        (("sigmoid_prime", mutant(reference.sigmoid)),),
    ),
    Mistake(
        "sigprime-on-preactivation",
        "Apply sigmoid first: use s = sigmoid(z), then s * (1 - s), not z * (1 - z).",
        (("sigmoid_prime", mutant(_sigprime_on_z)),),
    ),
    Mistake(
        "sigprime-applied-twice",
        "Pass z itself, not sigmoid(z), to the derivative.",
        (("sigmoid_prime", mutant(_sigprime_twice)),),
    ),
    Mistake(
        "grad-bias-not-summed",
        "The bias gradient is one number: sum the per-example terms.",
        (("neuron_gradients", any_of(array_with_axis_of_n(lambda result: _item(result, 1)),
                                     mutant(_gradients_bias_per_example))),),
    ),
    Mistake(
        "grad-missing-input",
        "dz/dw_j = x_j: the weight gradient needs the inputs in the chain.",
        (("neuron_gradients", any_of(Recogniser(_dw_is_the_bias_gradient, _bias_gradient_for_dw),
                                     mutant(_gradients_per_example_for_dw))),),
    ),
    Mistake(
        "grad-broadcast-n-by-n",
        "An (N, 1) array met an (N,) array and broadcast to (N, N): keep vectors 1-D.",
        (("neuron_gradients", any_of(_n_axis_where_reference_has_none, mutant(_gradients_broadcast_n_by_n))),),
    ),
    Mistake(
        "grad-missing-sigprime",
        "The chain goes through the activation: multiply by sigmoid'(z).",
        (("neuron_gradients", mutant(_gradients_without_sigprime)),),
    ),
    Mistake(
        "grad-sign-flipped",
        "The gradient has the wrong sign.",
        tuple((name, scaled_by(-1.0)) for name in _GRADIENT_FUNCTIONS),
    ),
    Mistake(
        "grad-scale",
        "The gradient is off by a constant factor: check 2/N and the sums.",
        tuple((name, scaled(_neither_one_nor_minus_one)) for name in _GRADIENT_FUNCTIONS),
    ),
    Mistake(
        "sgd-ascent",
        "Gradient descent steps against the gradient: subtract learning_rate * grad.",
        (("sgd_update", mutant(_step_ascent)), ("sgd_step", mutant(_step_ascent))),
    ),
    Mistake(
        "sgd-ignores-learning-rate",
        "The step must be scaled by learning_rate.",
        tuple((name, any_of(_step_ignores_learning_rate, mutant(_step_without_learning_rate)))
              for name in ("sgd_update", "sgd_step")),
    ),
    Mistake("sgd-mutates-input", "Return a new value: do not modify the parameters passed in."),
    Mistake(
        "train-params-not-updated",
        "The parameters never change: keep the values your update returns.",
        (
            ("train_neuron", _trained_parameters_unchanged(_initial_neuron)),
            ("train_mlp", _trained_parameters_unchanged(_initial_network)),
        ),
    ),
    Mistake(
        "train-wrong-loss-history",
        "losses needs one full-training-set loss per epoch, after that epoch's steps.",
        tuple(
            (name, any_of(Recogniser(_parameters_right_losses_wrong, _right_parameters_other_losses),
                          _loss_history_of_wrong_length))
            for name in ("train_neuron", "train_mlp")
        ),
    ),
    Mistake(
        "mlp-forward-no-output-sigmoid",
        "Every layer applies the sigmoid, the output layer included.",
        (("mlp_forward", mutant(_forward_linear_output)),),
    ),
    Mistake(
        "mlp-grad-missing-key",
        "Return a gradient for every parameter, with the same keys as params.",
        (("mlp_gradients", _keys_differ),),
    ),
    Mistake(
        "mlp-grad-transposed",
        "dL/dW_l = a_{l-1}^T delta_l has the shape of W_l: check the transposes.",
        (("mlp_gradients", any_of(_weights_transposed_or_permuted,
                                  mutant(lambda X, y, params: _backprop(X, y, params, transposed=True)))),),
    ),
    Mistake(
        "mlp-grad-bias-not-summed",
        "db_l is the sum of delta_l over the examples (rows).",
        (("mlp_gradients", any_of(array_with_axis_of_n(_bias_gradients),
                                  mutant(lambda X, y, params: _backprop(X, y, params, bias_summed=False)))),),
    ),
    Mistake(
        "mlp-grad-missing-hidden-sigprime",
        "Hidden deltas need it too: (delta_l W_l^T) * sigmoid'(z_{l-1}).",
        (("mlp_gradients", mutant(lambda X, y, params: _backprop(X, y, params, hidden_sigprime=False))),),
    ),
    Mistake(
        "mlp-grad-scale-per-layer",
        "Apply 2/N once, in the output delta, not again at every layer.",
        (
            (
                "mlp_gradients",
                any_of(
                    mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 1.0 / n)),
                    mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 2.0 / n)),
                ),
            ),
        ),
    ),
    Mistake("time-limit", "The notebook or one of its calls ran past its time limit."),
    Mistake("output-limit", "The notebook printed more than the output limit; the rest was cut."),
    Mistake("kernel-died", "The notebook's kernel exited or was killed while it ran."),
    Mistake("memory-limit", "The notebook's processes and its files in /tmp used more memory than the sandbox has."),
    Mistake("process-limit", "The notebook started more processes or threads than the sandbox allows."),
    Mistake("disk-limit", "The notebook filled the sandbox's /tmp, its only writable folder."),
)

MISTAKES: dict[str, Mistake] = {mistake.id: mistake for mistake in CATALOG}
GENERIC = ("not-implemented", "raised-error", "wrong-shape", "not-finite", "wrong-value")
# Ids that mean the student's code was stopped (a limit reached, the kernel gone), not judged.
LIMITS = ("time-limit", "output-limit", "kernel-died", "memory-limit", "process-limit", "disk-limit")


def hint(mistake_id: str) -> str:
    return MISTAKES[mistake_id].hint


def mistake_predictions(function_name: str, args: tuple, expected: Any) -> list[tuple[str, Any]]:
    """(id, result) for what each mistake of function_name predicts on one case, in catalog order."""
    found = []
    for mistake in CATALOG:
        for name, recognise in mistake.recognisers:
            if name != function_name:
                continue
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    found += [(mistake.id, result) for result in predictions(recognise, copy.deepcopy(args), expected)]
            except (ValueError, TypeError, IndexError, KeyError, AttributeError, FloatingPointError):
                continue  # a mutant that cannot run on these arguments predicts nothing here
    return found


def diagnose(function_name: str, cases: Cases, expected: Results, actual: Results) -> str | None:
    """The first catalog mistake whose recogniser for function_name matches the results, if any."""
    for mistake in CATALOG:
        for name, recognise in mistake.recognisers:
            if name != function_name:
                continue
            try:
                if recognise(cases, expected, actual):
                    return mistake.id
            except (ValueError, TypeError, IndexError, KeyError, AttributeError, FloatingPointError):
                continue  # a result too far off for this recogniser to read says it is not this mistake
    return None
