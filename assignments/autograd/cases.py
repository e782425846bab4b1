"""The hidden cases of the autograd assignment: for each graded function or method, a maker that
draws the values its scenario's inputs name (assignment.toml) from the grader's seeded generator,
case 0 to 3. Numbers are of both signs and away from zero, so that a gradient assigned instead of
added, or taken from the wrong number, always shows; the output gradients are not 1, so that a
local step that forgets them shows too. In the last case tanh and sigmoid get inputs whose naive
exp overflows."""

import numpy as np

from . import reference

# The last case of a function: where the large inputs go.
LAST_CASE = 3
# Exponents of __pow__: none is 0 or 1, where n * x**(n-1), x**(n-1) and n * x**n coincide too often.
EXPONENTS = (2, 3, -1, -2, 0.5, 1.5, 2.5)


def _signed(rng: np.random.Generator, count: int, low: float = 0.5, high: float = 3.0) -> list[float]:
    return [float(value) for value in rng.choice([-1.0, 1.0], size=count) * rng.uniform(low, high, size=count)]


def _numbers(count: int):
    def make(rng: np.random.Generator, case: int) -> tuple:
        return tuple(_signed(rng, count))

    return make


def _pow(rng, case):
    """x > 0 (a fractional power of a negative number is not real), n, g, g0."""
    return float(rng.uniform(0.5, 2.5)), EXPONENTS[int(rng.integers(len(EXPONENTS)))], *_signed(rng, 2)


def _exp(rng, case):
    return float(rng.uniform(-2.0, 2.0)), *_signed(rng, 2)


def _large(low: float, high: float):
    """x, g, g0; in the last case x from low to high (where a naive exp overflows)."""

    def make(rng, case):
        x = float(rng.uniform(low, high)) if case == LAST_CASE else _signed(rng, 1, 0.2, 2.5)[0]
        return x, *_signed(rng, 2)

    return make


def _params(rng: np.random.Generator) -> dict:
    """A network of 3 inputs, 2 to 4 hidden neurons and 1 output, with biases that are not 0."""
    params = reference.init_params([3, int(rng.integers(2, 5)), 1], seed=int(rng.integers(2**31)))
    return {key: value + (rng.normal(0.0, 0.5, size=value.shape) if key.startswith("b") else 0.0)
            for key, value in params.items()}


def _neuron_call(rng, case):
    """Three weights and a bias, then three inputs: small enough that the sigmoid is not flat."""
    return *_signed(rng, 4, 0.2, 1.0), *_signed(rng, 3, 0.2, 1.5)


def _data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """3 to 5 examples of 3 inputs and targets in (0, 1)."""
    n_examples = int(rng.integers(3, 6))
    return rng.normal(size=(n_examples, 3)), rng.uniform(0.1, 0.9, size=n_examples)


def _training(rng, case):
    """params, X, y and a learning rate large enough for two steps to differ clearly."""
    params = _params(rng)
    X, y = _data(rng)
    return params, X, y, float(rng.uniform(0.5, 2.0))


def _train(rng, case):
    """_training's, then the number of steps (2 to 5) and the stand-in train_step's factor k."""
    return *_training(rng, case), int(rng.integers(2, 6)), _signed(rng, 1)[0]


def _engine_gradients(rng, case):
    """params, X, y, one more input x and its output's factor k in the loss."""
    params = _params(rng)
    X, y = _data(rng)
    return params, X, y, [float(value) for value in rng.normal(size=3)], _signed(rng, 1)[0]


CASES = {
    "Value.__add__": _numbers(4),
    "Value.__mul__": _numbers(4),
    "Value.__radd__": _numbers(2),
    "Value.__rmul__": _numbers(2),
    "Value.__pow__": _pow,
    "Value.__sub__": _numbers(3),
    "Value.__truediv__": _numbers(3),
    "Value.exp": _exp,
    "Value.tanh": _large(400.0, 700.0),  # math.exp(2x) overflows above x = 354.9
    "Value.sigmoid": _large(-800.0, -720.0),  # math.exp(-x) overflows below x = -709.8
    "Value.backward": _numbers(11),
    "weighted_sum": _numbers(9),
    "Neuron.__call__": _neuron_call,
    "Neuron.parameters": _numbers(4),
    "Layer.__call__": _numbers(5),
    "Layer.parameters": _numbers(6),
    "MLP.__call__": _numbers(6),
    "MLP.parameters": _numbers(7),
    "train_step": _training,
    "train": _train,
    "engine_gradients": _engine_gradients,
}
