"""The hidden cases of the classification assignment: for each graded function, a maker that draws
one argument tuple from the grader's seeded generator (case is 0 to 3; the last has large logits
or large inputs, where a softmax without its max shift overflows)."""

import numpy as np

from . import reference

LAST_CASE = 3


def _sizes(rng: np.random.Generator) -> tuple[int, int, int, int]:
    """N examples, d inputs, H hidden units and K classes, all different, so that a transpose shows."""
    while True:
        sizes = (int(rng.integers(6, 12)), int(rng.integers(2, 5)), int(rng.integers(3, 7)), int(rng.integers(3, 6)))
        if len(set(sizes)) == 4:
            return sizes


def _labels(rng: np.random.Generator, n_examples: int, n_classes: int) -> np.ndarray:
    """Labels with every class present (so that one_hot's width shows), then shuffled."""
    labels = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, size=n_examples - n_classes)])
    return rng.permutation(labels)


def _problem(rng: np.random.Generator, case: int):
    n_examples, n_inputs, hidden, n_classes = _sizes(rng)
    X = rng.normal(size=(n_examples, n_inputs))
    y = _labels(rng, n_examples, n_classes)
    params = reference.init_params([n_inputs, hidden, n_classes], seed=int(rng.integers(0, 2**31)))
    for key in ("b1", "b2"):
        params[key] = rng.normal(scale=0.5, size=params[key].shape)
    if case == LAST_CASE:
        X = 30.0 * X  # large logits
    return X, y, params


def _logits(rng: np.random.Generator, case: int):
    n_examples, _, _, n_classes = _sizes(rng)
    Z = rng.normal(scale=3.0, size=(n_examples, n_classes))
    if case == LAST_CASE:
        Z = Z + 800.0  # exp overflows unless the maximum is subtracted first
    return Z


def _relu_prime(rng, case):
    z = rng.normal(scale=2.0, size=(int(rng.integers(4, 9)), int(rng.integers(2, 5))))
    z[0, 0] = 0.0
    z.flat[-1] = 0.0  # the derivative at 0 is part of the convention
    return (z if case != 1 else np.concatenate([z.ravel(), np.zeros(3)]),)


def _softmax(rng, case):
    return (_logits(rng, case),)


def _probabilities(rng, case):
    Z = _logits(rng, case)
    return reference.softmax(Z), _labels(rng, Z.shape[0], Z.shape[1])


def _one_hot(rng, case):
    n_examples, _, _, n_classes = _sizes(rng)
    return _labels(rng, n_examples, n_classes), n_classes


def _softmax_jacobian(rng, case):
    return (reference.softmax(rng.normal(scale=2.0, size=(1, int(rng.integers(3, 7)))))[0],)


def _forward(rng, case):
    X, _, params = _problem(rng, case)
    return X, params


def _gradients(rng, case):
    return _problem(rng, case)


def _sgd_step(rng, case):
    _, _, params = _problem(rng, case)
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    return params, grads, float(rng.uniform(0.05, 2.0))


def _train(rng, case):
    X, y, params = _problem(rng, 0)
    n_classes, hidden = params["W2"].shape[1], params["W1"].shape[1]
    batch_size = int(rng.integers(2, X.shape[0] - 1))
    return X, y, n_classes, hidden, float(rng.uniform(0.1, 1.0)), int(rng.integers(2, 6)), batch_size, \
        int(rng.integers(0, 2**31))


CASES = {
    "relu_prime": _relu_prime,
    "softmax": _softmax,
    "cross_entropy": _probabilities,
    "one_hot": _one_hot,
    "softmax_jacobian": _softmax_jacobian,
    "dloss_dlogits": _probabilities,
    "forward": _forward,
    "gradients": _gradients,
    "sgd_step": _sgd_step,
    "train": _train,
}
