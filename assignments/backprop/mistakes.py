"""The mistakes of the backprop assignment, as code: the functions a student making each
mistake would write (mutants), the properties that recognise the others, and RECOGNISERS, which
says for each mistake id of assignment.toml where (which graded function) and how it is
recognised. PARTS names the parts of a result that a values check of assignment.toml grades."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from backprop_course.course.numerics import rel_error
from backprop_course.course.plain import Unsupported, to_plain
from backprop_course.course.recognisers import (
    MATCH_TOLERANCE,
    Cases,
    Recogniser,
    Results,
    any_of,
    array_with_axis_of_n,
    close,
    example_count,
    mutant,
    neither_one_nor_minus_one,
    scaled,
    scaled_by,
)

from . import reference

# ----- mutants: what a student who makes each mistake computes ----------------------------------


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


# ----- properties that recognise the other mistakes --------------------------------------------


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
        n_examples = example_count(args)
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
            isinstance(got, list) and len(got) >= 2 and close(_trained(got), to_plain(start(args)))
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
        if not close(got[:-1], wanted[:-1]):
            return False
    return any(not close(got[-1], wanted[-1]) for wanted, got in zip(expected, actual))


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
            if close(np.sort(np.ravel(other)), np.sort(np.ravel(value))) and not close(other, value):
                found = True
    return found


# ----- where and how each mistake is recognised -------------------------------------------------

_GRADIENT_FUNCTIONS = ("neuron_gradients", "mlp_gradients")

RECOGNISERS = {
    "loss-sum-not-mean": (("mse_loss", mutant(_loss_sum)),),
    "loss-half-factor": (("mse_loss", mutant(_loss_half)),),
    "loss-not-squared": (("mse_loss", any_of(mutant(_loss_abs), mutant(_loss_plain))),),
    "dloss-missing-2": (("dloss_dyhat", mutant(_dloss_without_2)),),
    "dloss-missing-1-over-n": (("dloss_dyhat", mutant(_dloss_without_mean)),),
    "dloss-sign-flipped": (("dloss_dyhat", mutant(_dloss_flipped)),),
    "sigprime-returns-sigmoid": (("sigmoid_prime", mutant(reference.sigmoid)),),
    "sigprime-on-preactivation": (("sigmoid_prime", mutant(_sigprime_on_z)),),
    "sigprime-applied-twice": (("sigmoid_prime", mutant(_sigprime_twice)),),
    "grad-bias-not-summed": (
        ("neuron_gradients", any_of(array_with_axis_of_n(lambda result: _item(result, 1)),
                                    mutant(_gradients_bias_per_example))),
    ),
    "grad-missing-input": (
        ("neuron_gradients", any_of(Recogniser(_dw_is_the_bias_gradient, _bias_gradient_for_dw),
                                    mutant(_gradients_per_example_for_dw))),
    ),
    "grad-broadcast-n-by-n": (
        ("neuron_gradients", any_of(_n_axis_where_reference_has_none, mutant(_gradients_broadcast_n_by_n))),
    ),
    "grad-missing-sigprime": (("neuron_gradients", mutant(_gradients_without_sigprime)),),
    "grad-sign-flipped": tuple((name, scaled_by(-1.0)) for name in _GRADIENT_FUNCTIONS),
    "grad-scale": tuple((name, scaled(neither_one_nor_minus_one)) for name in _GRADIENT_FUNCTIONS),
    "sgd-ascent": (("sgd_update", mutant(_step_ascent)), ("sgd_step", mutant(_step_ascent))),
    "sgd-ignores-learning-rate": tuple(
        (name, any_of(_step_ignores_learning_rate, mutant(_step_without_learning_rate)))
        for name in ("sgd_update", "sgd_step")
    ),
    "train-params-not-updated": (
        ("train_neuron", _trained_parameters_unchanged(_initial_neuron)),
        ("train_mlp", _trained_parameters_unchanged(_initial_network)),
    ),
    "train-wrong-loss-history": tuple(
        (name, any_of(Recogniser(_parameters_right_losses_wrong, _right_parameters_other_losses),
                      _loss_history_of_wrong_length))
        for name in ("train_neuron", "train_mlp")
    ),
    "mlp-forward-no-output-sigmoid": (("mlp_forward", mutant(_forward_linear_output)),),
    "mlp-grad-missing-key": (("mlp_gradients", _keys_differ),),
    "mlp-grad-transposed": (
        ("mlp_gradients", any_of(_weights_transposed_or_permuted,
                                 mutant(lambda X, y, params: _backprop(X, y, params, transposed=True)))),
    ),
    "mlp-grad-bias-not-summed": (
        ("mlp_gradients", any_of(array_with_axis_of_n(_bias_gradients),
                                 mutant(lambda X, y, params: _backprop(X, y, params, bias_summed=False)))),
    ),
    "mlp-grad-missing-hidden-sigprime": (
        ("mlp_gradients", mutant(lambda X, y, params: _backprop(X, y, params, hidden_sigprime=False))),
    ),
    "mlp-grad-scale-per-layer": (
        (
            "mlp_gradients",
            any_of(
                mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 1.0 / n)),
                mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 2.0 / n)),
            ),
        ),
    ),
}


# ----- the parts of a result that values checks grade --------------------------------------------


def _output_layer(grads: dict) -> list[tuple]:
    last = len(grads) // 2
    return [(f"W{last}",), (f"b{last}",)]


def _hidden_layers(grads: dict) -> list[tuple]:
    last = len(grads) // 2
    return [(key,) for key in sorted(grads) if key not in (f"W{last}", f"b{last}")]


PARTS = {"output_layer": _output_layer, "hidden_layers": _hidden_layers}
