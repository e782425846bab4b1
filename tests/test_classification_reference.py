"""The classification assignment's own tests: the reference's mathematics against centred
differences (an independent oracle, at a stated tolerance), its stability, its conventions and its
hidden cases' sizes. What holds for every assignment (the reference finite and keeping its
arguments on the hidden cases, each mistake's mutant against the recognisers, the lessons, the
calls between functions) is in test_assignment_battery.py."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_course.course.numerics import centred_difference, rel_error
from backprop_course.course.plain import to_plain

from .support.classification import CONTRACT, cases, mistakes, reference

FUNCTION_NAMES = list(CONTRACT.functions)
FD_STEP = CONTRACT.tolerances.fd_step
# How close the reference's gradients must be to centred differences with FD_STEP (truncation
# error of order FD_STEP**2 plus rounding of order 1e-16 / FD_STEP).
FD_AGREEMENT = 1e-6
SEEDS = range(8)


def hidden_cases(function_name: str, seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [cases.CASES[function_name](rng, case) for case in range(CONTRACT.tolerances.cases_per_function)]


def small_network(seed: int, sizes=(7, 3, 5, 4)):
    """(X, y, params) with no hidden pre-activation within 1e-3 of the ReLU's kink."""
    rng = np.random.default_rng(seed)
    n_examples, n_inputs, n_hidden, n_classes = sizes
    while True:
        X = rng.normal(size=(n_examples, n_inputs))
        y = rng.integers(0, n_classes, size=n_examples)
        params = reference.init_params([n_inputs, n_hidden, n_classes], seed=int(rng.integers(0, 1000)))
        params["b1"] = rng.normal(scale=0.5, size=n_hidden)
        params["b2"] = rng.normal(scale=0.5, size=n_classes)
        if np.min(np.abs(X @ params["W1"] + params["b1"])) > 1e-3:
            return X, y, params


# ----- the reference's mathematics ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_finite_differences(seed):
    X, y, params = small_network(seed)
    grads = reference.gradients(X, y, params)
    assert sorted(grads) == sorted(params)
    expected_shapes = {"W1": (3, 5), "b1": (5,), "W2": (5, 4), "b2": (4,)}
    for key, shape in expected_shapes.items():
        assert params[key].shape == shape
        assert grads[key].shape == shape, f"{key}: {grads[key].shape} != {shape}"
        assert grads[key].dtype == np.float64

    def loss():
        return reference.cross_entropy(reference.forward(X, params), y)

    for key in params:
        numerical = centred_difference(loss, params[key], FD_STEP)
        error = rel_error(grads[key], numerical)
        assert error <= FD_AGREEMENT, f"{key}: rel error {error:.2e}"


def test_dloss_dlogits_matches_finite_differences():
    rng = np.random.default_rng(11)
    Z = rng.normal(scale=2.0, size=(6, 4))
    y = rng.integers(0, 4, size=6)
    analytic = reference.dloss_dlogits(reference.softmax(Z), y)
    assert analytic.shape == (6, 4)
    numerical = centred_difference(lambda: reference.cross_entropy(reference.softmax(Z), y), Z, FD_STEP)
    assert rel_error(analytic, numerical) <= FD_AGREEMENT


@pytest.mark.parametrize("n_classes", [2, 3, 6])
def test_softmax_jacobian_matches_finite_differences(n_classes):
    rng = np.random.default_rng(n_classes)
    z = rng.normal(scale=2.0, size=n_classes)
    p = reference.softmax(z[None, :])[0]
    jacobian = reference.softmax_jacobian(p)
    assert jacobian.shape == (n_classes, n_classes)
    numerical = np.zeros((n_classes, n_classes))
    for k in range(n_classes):  # row k: the gradient of p_k with respect to z
        numerical[k] = centred_difference(lambda k=k: reference.softmax(z[None, :])[0, k], z, FD_STEP)
    assert rel_error(jacobian, numerical) <= FD_AGREEMENT
    # Rows of the Jacobian of probabilities that always sum to 1 sum to 0.
    assert np.max(np.abs(jacobian.sum(axis=0))) <= 1e-12


def test_jacobian_times_p_minus_onehot_is_the_chain_rule():
    """dL/dz = J^T dL/dp with dL/dp = -onehot/p (one example): the p - onehot simplification."""
    rng = np.random.default_rng(3)
    p = reference.softmax(rng.normal(size=(1, 5)))[0]
    label = 2
    dloss_dp = np.zeros(5)
    dloss_dp[label] = -1.0 / p[label]
    via_jacobian = reference.softmax_jacobian(p).T @ dloss_dp
    simplified = reference.dloss_dlogits(p[None, :], np.array([label]))[0]
    assert rel_error(via_jacobian, simplified) <= 1e-12


def test_softmax_is_stable_for_large_logits():
    rng = np.random.default_rng(5)
    Z = 1000.0 + 300.0 * rng.normal(size=(8, 5))
    Z[0] = [1e3, 1e3, 1e3, 1e3, 1e3]
    P = reference.softmax(Z)
    assert P.shape == (8, 5) and P.dtype == np.float64
    assert np.all(np.isfinite(P))
    assert rel_error(P.sum(axis=1), np.ones(8)) <= 1e-12
    assert rel_error(P[0], np.full(5, 0.2)) <= 1e-12
    # Shift invariance: the same probabilities as from the shifted logits.
    assert rel_error(P, reference.softmax(Z - 1000.0)) <= 1e-12
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(mistakes._softmax_no_shift(Z))), "the case should overflow naively"


def test_cross_entropy_on_confident_mistakes_is_finite_and_exact():
    Z = np.array([[0.0, 200.0, -200.0], [5.0, 0.0, 0.0]])
    y = np.array([2, 0])
    loss = reference.cross_entropy(reference.softmax(Z), y)
    log_p = Z - np.max(Z, axis=1, keepdims=True)
    log_p = log_p - np.log(np.sum(np.exp(log_p), axis=1, keepdims=True))
    assert isinstance(loss, float)
    assert rel_error(loss, -np.mean(log_p[np.arange(2), y])) <= 1e-12


def test_one_hot_and_relu_prime_conventions():
    Y = reference.one_hot(np.array([2, 0, 2]), 4)
    assert Y.shape == (3, 4) and Y.dtype == np.float64
    assert rel_error(Y, np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0]])) == 0.0
    z = np.array([-1.0, -0.0, 0.0, 1e-300, 3.0])
    assert rel_error(reference.relu_prime(z), np.array([0.0, 0.0, 0.0, 1.0, 1.0])) == 0.0
    assert reference.relu_prime(z).dtype == np.float64


def test_train_lowers_the_loss_and_keeps_its_arguments():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > X[:, 1]).astype(int) + (X[:, 0] > 1.0).astype(int)
    params = reference.init_params([2, 8, 3], seed=0)
    before = {key: value.copy() for key, value in params.items()}
    trained, losses = reference.train(X, y, params, 0.5, 30, 8, seed=1)
    assert len(losses) == 30 and all(isinstance(loss, float) for loss in losses)
    assert losses[-1] < 0.7 * losses[0]
    assert all(np.array_equal(params[key], before[key]) for key in params)
    assert {key: value.shape for key, value in trained.items()} == {key: value.shape for key, value in params.items()}


def test_train_follows_the_permutation_convention():
    """The reference's batches are perm[i:i + batch_size] of one rng made once: written out by hand."""
    X, y, params = small_network(2, sizes=(11, 2, 4, 3))
    rng = np.random.default_rng(7)
    expected = params
    for _ in range(3):
        perm = rng.permutation(11)
        for batch in (perm[0:4], perm[4:8], perm[8:11]):
            grads = reference.gradients(X[batch], y[batch], expected)
            expected = {key: expected[key] - 0.3 * grads[key] for key in expected}
    trained, _ = reference.train(X, y, params, 0.3, 3, 4, seed=7)
    for key in expected:
        assert rel_error(trained[key], expected[key]) <= 1e-12


# ----- the hidden cases ---------------------------------------------------------------------------


def test_sizes_differ_and_the_last_cases_are_extreme():
    """(That the makers are reproducible is in test_assignment_battery.py.)"""
    for seed in SEEDS:
        for args in hidden_cases("gradients", seed):
            X, y, params = args
            n_examples, n_inputs = X.shape
            n_hidden, n_classes = params["W2"].shape
            assert len({n_examples, n_inputs, n_hidden, n_classes}) == 4
            assert y.shape == (n_examples,) and y.dtype.kind == "i"
        assert any(np.any(args[0] == 0.0) for args in hidden_cases("relu_prime", seed))
        large = hidden_cases("softmax", seed)[cases.LAST_CASE][0]
        assert np.max(np.abs(large)) > 700.0
        for args in hidden_cases("cross_entropy", seed):
            P, y = args
            assert P.shape[0] != P.shape[1] and np.all(P > 0.0)
        assert np.min(hidden_cases("cross_entropy", seed)[cases.LAST_CASE][0]) < 1e-20
        for args in hidden_cases("train", seed):
            X, _, _, _, epochs, batch_size, _ = args
            assert epochs >= 2 and 2 <= batch_size < X.shape[0]


# ----- mistakes -----------------------------------------------------------------------------------


# ----- the contract ---------------------------------------------------------------------------------


def test_the_catalog_and_the_contract_are_of_some_size():
    """(That every mistake is recognised somewhere and has a representative mutant is in
    test_assignment_battery.py.)"""
    own = {mistake.id for mistake in CONTRACT.own_mistakes}
    assert len(own) >= 12 and len(FUNCTION_NAMES) >= 8


def test_parts_cover_the_gradients():
    X, y, params = small_network(0)
    grads = to_plain(reference.gradients(X, y, params))
    paths = mistakes.PARTS["output_layer"](grads) + mistakes.PARTS["hidden_layer"](grads)
    assert sorted(paths) == sorted((key,) for key in grads)
