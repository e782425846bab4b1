"""The hidden cases of the classification assignment: for each graded function, a maker that
draws one argument tuple from the grader's seeded generator (case is 0, 1, 2 or 3, as
assignment.toml's cases_per_function says). The sizes N, d, H and K are drawn from disjoint
ranges, so they never coincide and a transposed shape always shows."""

import numpy as np

from . import reference

# The last case of a function: where the large inputs go (logits of order 1e3).
LAST_CASE = 3


def _sizes(rng: np.random.Generator) -> tuple[int, int, int, int]:
    """N examples, d inputs, H hidden units, K classes, from disjoint ranges: all four differ."""
    n_examples = int(rng.integers(9, 14))
    n_inputs = int(rng.integers(2, 4))
    n_hidden = int(rng.integers(6, 9))
    n_classes = int(rng.integers(4, 6))
    return n_examples, n_inputs, n_hidden, n_classes


def _labels(rng: np.random.Generator, n_examples: int, n_classes: int) -> np.ndarray:
    return rng.integers(0, n_classes, size=n_examples)


def _logits(rng: np.random.Generator, case: int, n_examples: int, n_classes: int) -> np.ndarray:
    Z = rng.normal(scale=2.0, size=(n_examples, n_classes))
    if case == LAST_CASE:
        Z = 1000.0 + 300.0 * Z  # a naive exp overflows here; the max shift keeps softmax finite
    return Z


def _probabilities(rng: np.random.Generator, case: int):
    """(P, y): P = softmax of random logits. In the last case the logits spread widely, so that
    some true classes get probabilities far below 1e-15, and the first example's true class one
    near 1e-305 (still a normal float): a loss that clips or adds any epsilon above it shows."""
    n_examples, _, _, n_classes = _sizes(rng)
    Z = rng.normal(scale=2.0, size=(n_examples, n_classes))
    if case == LAST_CASE:
        Z = 25.0 * Z
        Z = np.clip(Z, -300.0, 300.0)  # keeps every probability above exp(-600) > 1e-270
    y = _labels(rng, n_examples, n_classes)
    if case == LAST_CASE:
        others = np.delete(Z[0], y[0])
        Z[0, y[0]] = np.max(others) - 700.0  # one confident mistake for sure: P[0, y_0] <= exp(-700) < 1e-304
    return reference.softmax(Z), y


def _one_hot(rng, case):
    n_examples, _, _, n_classes = _sizes(rng)
    top = n_classes - 2 if case == 2 else n_classes  # case 2: the last classes never occur
    return _labels(rng, n_examples, top), n_classes


def _softmax(rng, case):
    n_examples, _, _, n_classes = _sizes(rng)
    return (_logits(rng, case, n_examples, n_classes),)


def _softmax_jacobian(rng, case):
    n_classes = (3, 5, 7, 4)[case]
    z = rng.normal(scale=2.0, size=(1, n_classes))
    if case == LAST_CASE:
        z = 1000.0 + 20.0 * z  # a confident example: one probability near 1, the others tiny
    return (reference.softmax(z)[0],)


def _relu_prime(rng, case):
    if case == 0:
        z = rng.normal(scale=2.0, size=int(rng.integers(5, 9)))
    elif case == 1:
        z = rng.normal(scale=2.0, size=(int(rng.integers(2, 4)), int(rng.integers(5, 7))))
    elif case == 2:
        z = np.concatenate([np.array([-1.5, -0.0, 0.0, 0.0, 2.0]), rng.normal(size=3)])  # z exactly 0
        z = z[rng.permutation(z.shape[0])]
    else:
        z = 1e3 * rng.normal(size=(3, 4))
        z[rng.integers(0, 3), :] = 0.0  # a row of exact zeros among large values
    return (z,)


def _network(rng: np.random.Generator, case: int):
    """(X, y, params) for a [d, H, K] network with random biases (so that some ReLUs are off)."""
    n_examples, n_inputs, n_hidden, n_classes = _sizes(rng)
    X = rng.normal(size=(n_examples, n_inputs))
    y = _labels(rng, n_examples, n_classes)
    params = reference.init_params([n_inputs, n_hidden, n_classes], seed=int(rng.integers(0, 2**31)))
    for key in ("b1", "b2"):
        params[key] = rng.normal(scale=0.5, size=params[key].shape)
    if case == LAST_CASE:
        X = 300.0 * X  # logits of order 1e3: the network's softmax must shift by the row maximum
    return X, y, params


def _forward(rng, case):
    X, _, params = _network(rng, case)
    return X, params


def _gradients(rng, case):
    return _network(rng, case)


def _sgd_step(rng, case):
    _, _, params = _network(rng, case)
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    return params, grads, float(rng.uniform(0.05, 0.9))


def _train(rng, case):
    X, y, params = _network(rng, case)
    if case == LAST_CASE:
        X = X / 300.0  # training at logits of 1e3 only saturates: keep this case ordinary
    n_examples = X.shape[0]
    batch_size = int(rng.integers(2, n_examples // 2 + 1))
    epochs = int(rng.integers(2, 5))
    learning_rate = float(rng.uniform(0.1, 1.0))
    return X, y, params, learning_rate, epochs, batch_size, int(rng.integers(0, 2**31))


CASES = {
    "one_hot": _one_hot,
    "softmax": _softmax,
    "cross_entropy": _probabilities,
    "softmax_jacobian": _softmax_jacobian,
    "dloss_dlogits": _probabilities,
    "relu_prime": _relu_prime,
    "forward": _forward,
    "predict_classes": _forward,
    "gradients": _gradients,
    "sgd_step": _sgd_step,
    "train": _train,
}
