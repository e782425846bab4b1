"""Hidden inputs: for each graded function, argument lists drawn from a reproducible seed."""

from __future__ import annotations

import hashlib

import numpy as np

from . import reference
from .contract import ASSIGNMENT, COURSE_ID, NOTEBOOK_OF

CASES_PER_FUNCTION = 4


def seed_for(function_name: str, student_id: str = "") -> int:
    """A seed from the course, assignment, notebook, function and student: stable across runs."""
    notebook = NOTEBOOK_OF[function_name].name
    key = "/".join((COURSE_ID, ASSIGNMENT, notebook, function_name, student_id))
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")


def hidden_cases(function_name: str, student_id: str = "") -> list[tuple]:
    """The argument tuples the grader calls function_name with, fresh arrays on every call."""
    rng = np.random.default_rng(seed_for(function_name, student_id))
    return [_MAKERS[function_name](rng, case) for case in range(CASES_PER_FUNCTION)]


def _sizes(rng: np.random.Generator) -> tuple[int, int]:
    """Example count N and input size d, never equal, so that a transposed shape shows."""
    n_examples = int(rng.integers(5, 12))
    n_inputs = int(rng.integers(2, 5))
    return n_examples, n_inputs


def _data(rng: np.random.Generator, n_examples: int, n_inputs: int):
    X = rng.normal(size=(n_examples, n_inputs))
    y = rng.uniform(0.0, 1.0, size=n_examples)
    return X, y


def _neuron(rng: np.random.Generator, case: int):
    n_examples, n_inputs = _sizes(rng)
    X, y = _data(rng, n_examples, n_inputs)
    w = rng.normal(size=n_inputs)
    b = float(rng.normal())
    return X, y, w, b


def _predictions(rng: np.random.Generator, case: int):
    n_examples, _ = _sizes(rng)
    return rng.uniform(0.0, 1.0, size=n_examples), rng.uniform(0.0, 1.0, size=n_examples)


def _neuron_forward(rng, case):
    X, _, w, b = _neuron(rng, case)
    if case == CASES_PER_FUNCTION - 1:
        X = 40.0 * X  # large |z|: a naive sigmoid overflows here, a stable one does not
    return X, w, b


def _neuron_gradients(rng, case):
    return _neuron(rng, case)


def _sigmoid_prime(rng, case):
    shapes = [(int(rng.integers(3, 9)),), (int(rng.integers(2, 5)), int(rng.integers(5, 8))), (7,), ()]
    z = rng.normal(scale=3.0, size=shapes[case])
    if case == 2:
        z = np.linspace(-20.0, 20.0, 7)
    return (z,)


def _sgd_update(rng, case):
    learning_rate = float(rng.uniform(0.05, 2.0))
    if case == CASES_PER_FUNCTION - 1:
        return float(rng.normal()), float(rng.normal()), learning_rate
    shape = (int(rng.integers(2, 7)),) if case % 2 == 0 else (int(rng.integers(2, 4)), int(rng.integers(4, 6)))
    return rng.normal(size=shape), rng.normal(size=shape), learning_rate


def _train_neuron(rng, case):
    X, y, w, b = _neuron(rng, case)
    learning_rate = float(rng.uniform(0.1, 2.0))
    epochs = int(rng.integers(3, 9))
    batch_size = None if case % 2 == 0 else int(rng.integers(2, X.shape[0]))
    return X, y, w, b, learning_rate, epochs, batch_size, int(rng.integers(0, 2**31))


def _layer_sizes(rng: np.random.Generator, n_inputs: int, case: int) -> list[int]:
    hidden = [int(rng.integers(2, 6)) for _ in range(case % 3 + 1)]
    return [n_inputs, *hidden, 1]


def _network(rng, case):
    n_examples, n_inputs = _sizes(rng)
    X, y = _data(rng, n_examples, n_inputs)
    params = reference.init_params(_layer_sizes(rng, n_inputs, case), seed=int(rng.integers(0, 2**31)))
    for key in params:
        if key.startswith("b"):
            params[key] = rng.normal(scale=0.5, size=params[key].shape)
    return X, y, params


def _mlp_forward(rng, case):
    X, _, params = _network(rng, case)
    return X, params


def _mlp_gradients(rng, case):
    return _network(rng, case)


def _sgd_step(rng, case):
    _, _, params = _network(rng, case)
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    return params, grads, float(rng.uniform(0.05, 2.0))


def _train_mlp(rng, case):
    n_examples, n_inputs = _sizes(rng)
    X, y = _data(rng, n_examples, n_inputs)
    layer_sizes = _layer_sizes(rng, n_inputs, case)
    return X, y, layer_sizes, float(rng.uniform(0.5, 3.0)), int(rng.integers(3, 9)), int(rng.integers(0, 2**31))


_MAKERS = {
    "neuron_forward": _neuron_forward,
    "mse_loss": _predictions,
    "dloss_dyhat": _predictions,
    "sigmoid_prime": _sigmoid_prime,
    "neuron_gradients": _neuron_gradients,
    "sgd_update": _sgd_update,
    "train_neuron": _train_neuron,
    "mlp_forward": _mlp_forward,
    "mlp_gradients": _mlp_gradients,
    "sgd_step": _sgd_step,
    "train_mlp": _train_mlp,
}


# Small public arguments: the graded cells call each function with these in plain sight (to see
# that it is written), and feedback shows the student's result on them beside the expected one.
PUBLIC_EXAMPLES = {
    "neuron_forward": "np.ones((2, 3)), np.ones(3), 0.5",
    "mse_loss": "np.ones(2), np.zeros(2)",
    "dloss_dyhat": "np.ones(2), np.zeros(2)",
    "sigmoid_prime": "np.zeros(3)",
    "neuron_gradients": "np.ones((2, 3)), np.ones(2), np.ones(3), 0.5",
    "sgd_update": "np.ones(3), np.ones(3), 0.1",
    "train_neuron": "np.ones((2, 3)), np.ones(2), np.ones(3), 0.5, 0.1, 1",
    "mlp_forward": "np.ones((2, 3)), init_params([3, 2, 1])",
    "mlp_gradients": "np.ones((2, 3)), np.ones(2), init_params([3, 2, 1])",
    "sgd_step": "init_params([3, 2, 1]), init_params([3, 2, 1]), 0.1",
    "train_mlp": "np.ones((2, 3)), np.ones(2), [3, 2, 1], 0.1, 1",
}


def public_example(function_name: str) -> tuple:
    """The public example's arguments as values (the notebook evaluates the same text)."""
    names = {"np": np, "init_params": reference.init_params}
    return eval(f"({PUBLIC_EXAMPLES[function_name]},)", names)  # noqa: S307 - our own constant text
