"""The hidden cases of the backprop assignment: for each graded function, a maker that draws one
argument tuple from the grader's seeded generator (case is 0, 1, 2 or 3, as assignment.toml's
cases_per_function says)."""

import numpy as np

from . import reference

# The last case of a function: where the large inputs go.
LAST_CASE = 3


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
    if case == LAST_CASE:
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
    if case == LAST_CASE:
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
    # Narrower than the fewest examples (_sizes), so that no axis of a gradient has the length of
    # the batch by chance: a bias gradient not summed over the examples is then told by its shape.
    hidden = [int(rng.integers(2, 5)) for _ in range(case % 3 + 1)]
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


CASES = {
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
