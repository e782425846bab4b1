"""The backprop reference against independent oracles: finite differences and hand values. What
holds for every assignment (signatures, the hidden cases, the mutants, the corpus) is in
test_assignment_battery.py."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_course.course.numerics import centred_difference, rel_error

from .support.backprop import FD_STEP, REL_TOLERANCE, hidden_cases, reference

SEEDS = (0, 1, 2, 3, 4)

# The finite-difference oracle evaluates the loss in extended precision: in float64, rounding
# alone puts about 1e-12 of absolute error into a centred difference with h = 1e-5, more than
# the contract's rel_error tolerance allows for the small gradients of deep sigmoid layers.
EXTENDED = np.longdouble
needs_extended_precision = pytest.mark.skipif(
    np.finfo(EXTENDED).eps > 1e-18, reason="numpy's longdouble is no wider than float64 on this platform"
)


def extended(array) -> np.ndarray:
    return np.array(array, dtype=EXTENDED)


def mse_of_neuron(X, y, w, b_box):
    """The loss of lesson.md written out with its own naive sigmoid, independent of the reference."""
    z = extended(X) @ w + b_box[0]
    return np.mean((1 / (1 + np.exp(-z)) - extended(y)) ** 2)


def mse_of_network(X, y, params):
    """The network's loss from lesson.md, in the precision of the params it is given."""
    a = extended(X)
    for layer in range(1, len(params) // 2 + 1):
        a = 1 / (1 + np.exp(-(a @ params[f"W{layer}"] + params[f"b{layer}"])))
    return np.mean((a[:, 0] - extended(y)) ** 2)


def assert_neuron_gradients_match_finite_differences(X, y, w, b):
    dw, db = reference.neuron_gradients(X, y, w, b)
    assert dw.shape == w.shape and dw.dtype == np.float64
    w_long, b_box = extended(w), extended([b])

    def loss():
        return mse_of_neuron(X, y, w_long, b_box)

    assert rel_error(dw, centred_difference(loss, w_long, FD_STEP)) <= REL_TOLERANCE
    assert rel_error(db, centred_difference(loss, b_box, FD_STEP)[0]) <= REL_TOLERANCE


def assert_mlp_gradients_match_finite_differences(X, y, params):
    grads = reference.mlp_gradients(X, y, params)
    assert sorted(grads) == sorted(params)
    params_long = {key: extended(value) for key, value in params.items()}

    def loss():
        return mse_of_network(X, y, params_long)

    for key, value in params_long.items():
        assert grads[key].shape == value.shape and grads[key].dtype == np.float64
        assert rel_error(grads[key], centred_difference(loss, value, FD_STEP)) <= REL_TOLERANCE, key


def test_sigmoid_is_stable_and_exact_at_known_points():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning, even at |z| = 1000
        values = reference.sigmoid(np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]))
    assert values.dtype == np.float64
    assert values[0] == 0.0 and values[4] == 1.0
    assert values[2] == 0.5
    assert rel_error(values[1:4], [1 / (1 + np.e), 0.5, np.e / (1 + np.e)]) <= 1e-15
    assert reference.sigmoid(np.float64(2.0)).shape == ()


def test_hand_computed_values():
    y_hat = np.array([0.2, 0.7, 0.9])
    y = np.array([0.0, 1.0, 1.0])
    assert rel_error(reference.mse_loss(y_hat, y), (0.04 + 0.09 + 0.01) / 3) <= 1e-15
    assert isinstance(reference.mse_loss(y_hat, y), float)
    assert rel_error(reference.dloss_dyhat(y_hat, y), [0.4 / 3, -0.6 / 3, -0.2 / 3]) <= 1e-15
    assert reference.sigmoid_prime(np.array([0.0]))[0] == 0.25
    assert rel_error(reference.sgd_update(np.array([1.0, -2.0]), np.array([0.5, 1.0]), 0.1), [0.95, -2.1]) <= 1e-15
    # One neuron, one example, x = 1, w = 0, b = 0: y_hat = 1/2, dL/dw = dL/db = 2 (1/2 - y) / 4.
    dw, db = reference.neuron_gradients(np.array([[1.0]]), np.array([1.0]), np.array([0.0]), 0.0)
    assert rel_error(dw, [-0.25]) <= 1e-15 and rel_error(db, -0.25) <= 1e-15


@needs_extended_precision
@pytest.mark.parametrize("seed", SEEDS)
def test_neuron_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    n_examples, n_inputs = 7 + seed, 3  # non-square: N differs from d
    X = rng.normal(size=(n_examples, n_inputs))
    y = rng.uniform(size=n_examples)
    w = rng.normal(size=n_inputs)
    assert_neuron_gradients_match_finite_differences(X, y, w, float(rng.normal()))


@needs_extended_precision
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("hidden", [[5], [4, 6], [6, 3, 2]])
def test_mlp_gradients_match_finite_differences(seed, hidden):
    rng = np.random.default_rng(seed)
    n_examples, n_inputs = 9, 2  # d differs from every layer size
    X = rng.normal(size=(n_examples, n_inputs))
    y = rng.uniform(size=n_examples)
    params = reference.init_params([n_inputs, *hidden, 1], seed=seed)
    for key in params:
        if key.startswith("b"):
            params[key] = rng.normal(size=params[key].shape)
    assert_mlp_gradients_match_finite_differences(X, y, params)


def test_single_neuron_is_the_one_layer_network():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 4)), rng.uniform(size=6)
    w, b = rng.normal(size=4), 0.7
    params = {"W1": w[:, None].copy(), "b1": np.array([b])}
    assert rel_error(reference.neuron_forward(X, w, b), reference.mlp_forward(X, params)) <= 1e-15
    dw, db = reference.neuron_gradients(X, y, w, b)
    grads = reference.mlp_gradients(X, y, params)
    assert rel_error(dw, grads["W1"][:, 0]) <= 1e-13 and rel_error(db, grads["b1"][0]) <= 1e-13


def test_train_neuron_full_batch_is_plain_gradient_descent():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(10, 2)), rng.uniform(size=10)
    w, b = np.zeros(2), 0.0
    trained_w, trained_b, losses = reference.train_neuron(X, y, w, b, 0.5, 3)
    for _ in range(3):
        dw, db = reference.neuron_gradients(X, y, w, b)
        w, b = w - 0.5 * dw, b - 0.5 * db
    assert rel_error(trained_w, w) <= 1e-15 and rel_error(trained_b, b) <= 1e-15
    assert len(losses) == 3 and all(isinstance(loss, float) for loss in losses)
    assert rel_error(losses[-1], float(mse_of_neuron(X, y, w, np.array([b])))) <= 1e-12


def test_train_neuron_mini_batches_follow_the_contract():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(7, 3)), rng.uniform(size=7)
    w, b = rng.normal(size=3), 0.1
    trained_w, trained_b, losses = reference.train_neuron(X, y, w, b, 0.3, 2, batch_size=3, seed=11)
    order = np.random.default_rng(11)
    for _ in range(2):
        perm = order.permutation(7)
        for batch in (perm[0:3], perm[3:6], perm[6:7]):  # the last batch is shorter
            dw, db = reference.neuron_gradients(X[batch], y[batch], w, b)
            w, b = w - 0.3 * dw, b - 0.3 * db
    assert rel_error(trained_w, w) <= 1e-15 and rel_error(trained_b, b) <= 1e-15
    assert len(losses) == 2


def test_train_mlp_lowers_the_loss_on_xor_and_leaves_no_trace_on_inputs():
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    X = np.repeat(corners, 5, axis=0)
    y = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(float)
    params, losses = reference.train_mlp(X, y, [2, 4, 1], 5.0, 1500, seed=0)
    assert len(losses) == 1500
    assert losses[-1] < 0.01 < losses[0]
    assert rel_error(losses[-1], float(mse_of_network(X, y, params))) <= 1e-12


def test_sgd_step_returns_new_arrays():
    params = reference.init_params([3, 2, 1], seed=1)
    before = {key: value.copy() for key, value in params.items()}
    grads = {key: np.ones_like(value) for key, value in params.items()}
    stepped = reference.sgd_step(params, grads, 0.1)
    for key in params:
        assert np.array_equal(params[key], before[key])
        assert rel_error(stepped[key], before[key] - 0.1) <= 1e-15


@needs_extended_precision
@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_reference_gradients_match_finite_differences_on_the_hidden_cases(student):
    """The grader's own inputs, cross-checked: the reference is right where students are judged."""
    for X, y, w, b in hidden_cases("neuron_gradients", student):
        assert_neuron_gradients_match_finite_differences(X, y, w, b)
    for X, y, params in hidden_cases("mlp_gradients", student):
        assert_mlp_gradients_match_finite_differences(X, y, params)
