"""The classification assignment's own tests: the reference's mathematics against centred
differences (an independent oracle, at a stated tolerance), its stability, the hidden cases, and
each mistake's mutant against its recogniser."""

from __future__ import annotations

import ast
import copy
import inspect
import itertools

import numpy as np
import pytest

from backprop_course.course.numerics import centred_difference, rel_error
from backprop_course.course.plain import leaves, same_structure, to_plain
from backprop_course.course.recognisers import MATCH_TOLERANCE as MATCH

from .support.classification import CONTRACT, COURSE, cases, mistakes, reference

FUNCTION_NAMES = list(CONTRACT.functions)
FD_STEP = CONTRACT.tolerances.fd_step
# How close the reference's gradients must be to centred differences with FD_STEP (truncation
# error of order FD_STEP**2 plus rounding of order 1e-16 / FD_STEP).
FD_AGREEMENT = 1e-6
SEEDS = range(8)


def same_results(first, second, equal_nan: bool = False) -> bool:
    """Plain results of the same structure whose leaves agree within match_tolerance (NaN at the
    same places counts as equal when equal_nan)."""
    first, second = to_plain(first), to_plain(second)
    if not same_structure(first, second):
        return False
    for (_, a), (_, b) in zip(leaves(first), leaves(second)):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if equal_nan:
            nan_a, nan_b = ~np.isfinite(a), ~np.isfinite(b)
            if not np.array_equal(nan_a, nan_b) or not np.array_equal(a[nan_a], b[nan_b], equal_nan=True):
                return False
            a, b = a[~nan_a], b[~nan_b]
        if not rel_error(a, b) <= MATCH:  # NaN compares false: not the same
            return False
    return True


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


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_is_finite_float64_and_keeps_its_arguments_on_the_hidden_cases(seed):
    for name in FUNCTION_NAMES:
        for args in hidden_cases(name, seed):
            before = copy.deepcopy(args)
            result = to_plain(getattr(reference, name)(*args))
            for path, leaf in leaves(result):
                assert isinstance(leaf, np.ndarray), f"{name}{path}: {leaf!r}"
                assert np.all(np.isfinite(leaf)), f"{name}{path} is not finite"
            assert same_results(list(args), list(before)), f"{name} modified its arguments"


def test_makers_are_reproducible_and_sizes_differ():
    for name in FUNCTION_NAMES:
        first, second = hidden_cases(name, 4), hidden_cases(name, 4)
        assert len(first) == CONTRACT.tolerances.cases_per_function
        assert same_results(list(first), list(second))
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


def _results(function, args_list):
    with np.errstate(all="ignore"):
        return [to_plain(function(*args)) for args in args_list]


@pytest.mark.parametrize("mistake_id", sorted(mistakes.MUTANTS))
def test_each_mutant_differs_from_the_reference_and_is_recognised(mistake_id):
    function_name, mutant_function = mistakes.MUTANTS[mistake_id]
    recognisers = dict(mistakes.RECOGNISERS[mistake_id])
    assert function_name in recognisers
    for seed in SEEDS:
        args_list = hidden_cases(function_name, seed)
        expected = _results(getattr(reference, function_name), args_list)
        actual = _results(mutant_function, args_list)
        assert not all(same_results(a, e) for a, e in zip(actual, expected)), f"seed {seed}: not seen"
        with np.errstate(all="ignore"):
            assert recognisers[function_name](args_list, expected, actual), f"seed {seed}: not recognised"
            assert not recognisers[function_name](args_list, expected, expected), "the reference is recognised"


@pytest.mark.parametrize("function_name", sorted({name for name, _ in mistakes.MUTANTS.values()}))
def test_mutants_of_one_function_are_pairwise_distinguishable(function_name):
    ids = sorted(mistake for mistake, (name, _) in mistakes.MUTANTS.items() if name == function_name)
    for seed in SEEDS:
        args_list = hidden_cases(function_name, seed)
        results = {mistake: _results(mistakes.MUTANTS[mistake][1], args_list) for mistake in ids}
        for first, second in itertools.combinations(ids, 2):
            assert not all(same_results(a, b, equal_nan=True) for a, b in zip(results[first], results[second])), (
                f"seed {seed}: {first} and {second} give the same results")
        # Nor does any other mistake's recogniser of this function claim a mutant.
        expected = _results(getattr(reference, function_name), args_list)
        for mistake in ids:
            for other in ids:
                if other != mistake:
                    recognise = dict(mistakes.RECOGNISERS[other])[function_name]
                    with np.errstate(all="ignore"):
                        assert not recognise(args_list, expected, results[mistake]), f"{other} claims {mistake}"


# ----- the contract ---------------------------------------------------------------------------------


def test_every_mistake_is_recognised_somewhere_and_has_a_representative_mutant():
    inputs_kept = set(CONTRACT.inputs_mistakes().values())
    own = {mistake.id for mistake in CONTRACT.own_mistakes}
    assert len(own) >= 12 and len(FUNCTION_NAMES) >= 8
    assert own == set(mistakes.RECOGNISERS) | inputs_kept
    assert set(mistakes.MUTANTS) == own - inputs_kept


def test_parts_cover_the_gradients():
    X, y, params = small_network(0)
    grads = to_plain(reference.gradients(X, y, params))
    paths = mistakes.PARTS["output_layer"](grads) + mistakes.PARTS["hidden_layer"](grads)
    assert sorted(paths) == sorted((key,) for key in grads)


def _names_used(function) -> set[str]:
    tree = ast.parse(inspect.getsource(function))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def test_functions_use_only_numpy_given_helpers_and_earlier_graded_functions():
    module_functions = {name for name, value in vars(reference).items()
                        if inspect.isfunction(value) and value.__module__ == reference.__name__}
    for notebook in CONTRACT.notebooks:
        allowed = set(notebook.given)
        for function in notebook.functions:
            used = _names_used(reference_function := CONTRACT.reference_function(function.name)) & module_functions
            assert used - {function.name} <= allowed, f"{reference_function.__name__} calls {used - allowed}"
            allowed.add(function.name)
        for name in notebook.given:  # a given helper calls only earlier given helpers
            used = _names_used(CONTRACT.reference_function(name)) & module_functions - {name}
            assert used <= set(notebook.given), f"{name} calls {used}"


def test_lessons_mark_every_graded_function():
    for notebook in CONTRACT.notebooks:
        text = (COURSE.lessons / f"{notebook.name}.py").read_text(encoding="utf-8")
        for function in notebook.functions:
            assert f'# %% [markdown] exercise="{function.name}"' in text
            assert f'# %% exercise="{function.name}"' in text
