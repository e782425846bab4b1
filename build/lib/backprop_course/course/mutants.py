"""The functions a student making each catalog mistake would write (what mutant recognisers run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import reference


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


