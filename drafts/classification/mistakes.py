"""The mistakes of the classification assignment, as code: the functions a student making each
mistake would write (mutants), the properties that recognise the others, and RECOGNISERS, which
says for each mistake id of assignment.toml where (which graded function) and how it is
recognised. PARTS names the parts of a result that a values check of assignment.toml grades."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_course.course.plain import to_plain
from backprop_course.course.recognisers import Cases, Recogniser, Results, any_of, close, mutant

from . import reference

# ----- mutants: what a student who makes each mistake computes ----------------------------------


def _relu_prime_one_at_zero(z):
    return (np.asarray(z) >= 0).astype(np.float64)


def _softmax_unshifted(Z):
    with np.errstate(over="ignore", invalid="ignore"):
        exp_z = np.exp(Z)
        return exp_z / np.sum(exp_z, axis=1, keepdims=True)


def _softmax_over_columns(Z):
    exp_z = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return exp_z / np.sum(exp_z, axis=0, keepdims=True)


def _cross_entropy_sum(P, y):
    return float(-np.sum(np.log(P[np.arange(P.shape[0]), y])))


def _cross_entropy_all_classes(P, y):
    return float(-np.mean(np.sum(np.log(P), axis=1)))


def _one_hot_transposed(y, n_classes):
    return reference.one_hot(y, n_classes).T


def _jacobian_without_diagonal(p):
    return -np.outer(p, p)


def _jacobian_without_outer(p):
    return np.diag(p)


def _dlogits_without_mean(P, y):
    return P - reference.one_hot(y, P.shape[1])


def _dlogits_labels_subtracted(P, y):
    return (P - y[:, None]) / P.shape[0]


def _dlogits_flipped(P, y):
    return (reference.one_hot(y, P.shape[1]) - P) / P.shape[0]


def _forward_linear_hidden(X, params):
    return reference.softmax((X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])


def _backward(X, y, params, relu_prime=True, transposed=False, bias_summed=True):
    """gradients with switches for mistakes of the backward pass."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = reference.relu(Z1)
    delta2 = reference.dloss_dlogits(reference.softmax(A1 @ params["W2"] + params["b2"]), y)
    delta1 = delta2 @ params["W2"].T
    if relu_prime:
        delta1 = delta1 * reference.relu_prime(Z1)
    grads = {}
    for layer, inputs, delta in ((1, X, delta1), (2, A1, delta2)):
        grads[f"W{layer}"] = delta.T @ inputs if transposed else inputs.T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0) if bias_summed else delta
    return grads


def _step_ascent(params, grads, learning_rate):
    return {key: params[key] + learning_rate * grads[key] for key in params}


def _train(X, y, n_classes, hidden_size, learning_rate, epochs, batch_size, seed=0, shuffled=True,
           loss_of_batch=False):
    """train with switches for mistakes of the training loop."""
    params = reference.init_params([X.shape[1], hidden_size, n_classes], seed)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(X.shape[0]) if shuffled else np.arange(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            batch = order[start:start + batch_size]
            params = reference.sgd_step(params, reference.gradients(X[batch], y[batch], params), learning_rate)
        where = batch if loss_of_batch else slice(None)
        losses.append(reference.cross_entropy(reference.forward(X[where], params), y[where]))
    return params, losses


# ----- properties that recognise the other mistakes --------------------------------------------


def _overflows_where_large(cases: Cases, expected: Results, actual: Results) -> bool:
    """Right where the unshifted softmax stays finite, not finite where it overflows (and it does somewhere)."""
    overflowed = False
    for args, got in zip(cases, actual):
        unshifted = to_plain(_softmax_unshifted(*args))
        if np.all(np.isfinite(unshifted)):
            if not close(got, unshifted):
                return False
        elif isinstance(got, np.ndarray) and not np.all(np.isfinite(got)):
            overflowed = True
        else:
            return False
    return overflowed


def _unshifted_prediction(args: tuple, expected: Any) -> list[Any]:
    found = _softmax_unshifted(*args)
    return [found] if not np.all(np.isfinite(found)) else []


# ----- where and how each mistake is recognised -------------------------------------------------

RECOGNISERS = {
    "relu-prime-at-zero": (("relu_prime", mutant(_relu_prime_one_at_zero)),),
    "relu-prime-is-relu": (("relu_prime", mutant(reference.relu)),),
    "softmax-no-max-shift": (("softmax", Recogniser(_overflows_where_large, _unshifted_prediction)),),
    "softmax-wrong-axis": (("softmax", mutant(_softmax_over_columns)),),
    "ce-sum-not-mean": (("cross_entropy", mutant(_cross_entropy_sum)),),
    "ce-all-classes": (("cross_entropy", mutant(_cross_entropy_all_classes)),),
    "one-hot-transposed": (("one_hot", mutant(_one_hot_transposed)),),
    "jacobian-missing-diagonal": (("softmax_jacobian", mutant(_jacobian_without_diagonal)),),
    "jacobian-missing-outer": (("softmax_jacobian", mutant(_jacobian_without_outer)),),
    "dlogits-missing-1-over-n": (("dloss_dlogits", mutant(_dlogits_without_mean)),),
    "dlogits-labels-not-one-hot": (("dloss_dlogits", mutant(_dlogits_labels_subtracted)),),
    "dlogits-sign-flipped": (("dloss_dlogits", mutant(_dlogits_flipped)),),
    "forward-no-hidden-relu": (("forward", mutant(_forward_linear_hidden)),),
    "grad-hidden-missing-relu-prime": (
        ("gradients", mutant(lambda X, y, params: _backward(X, y, params, relu_prime=False))),
    ),
    "grad-weights-transposed": (
        ("gradients", mutant(lambda X, y, params: _backward(X, y, params, transposed=True))),
    ),
    "grad-bias-not-summed": (
        ("gradients", mutant(lambda X, y, params: _backward(X, y, params, bias_summed=False))),
    ),
    "sgd-ascent": (("sgd_step", mutant(_step_ascent)),),
    "train-no-shuffle": (("train", mutant(lambda *args: _train(*args, shuffled=False))),),
    "train-loss-of-last-batch": (("train", any_of(mutant(lambda *args: _train(*args, loss_of_batch=True)))),),
}

PARTS = {
    "output_layer": lambda grads: [("W2",), ("b2",)],
    "hidden_layer": lambda grads: [("W1",), ("b1",)],
}
