"""The mistakes of the classification assignment, as code: the functions a student making each
mistake would write (mutants), the properties that recognise the others, and RECOGNISERS, which
says for each mistake id of assignment.toml where (which graded function) and how it is
recognised. MUTANTS holds one representative mutant per mistake (the tests check that each one
is seen on its function's hidden cases); PARTS names the parts of a result that a values check
of assignment.toml grades."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_course.course.numerics import rel_error
from backprop_course.course.plain import Unsupported, same_structure
from backprop_course.course.recognisers import (
    MATCH_TOLERANCE,
    Cases,
    Recogniser,
    Results,
    any_of,
    array_with_axis_of_n,
    close,
    mutant,
    scaled_by,
)

from . import reference

# ----- one_hot --------------------------------------------------------------------------------


def _one_hot_transposed(y, K):
    """(K, N): one column per example."""
    return reference.one_hot(y, K).T


def _one_hot_width_from_labels(y, K):
    """As many columns as the largest label seen, plus one, instead of K."""
    return np.eye(int(np.max(y)) + 1)[y]


# ----- softmax --------------------------------------------------------------------------------


def _softmax_no_shift(Z):
    exp_z = np.exp(Z)
    return exp_z / np.sum(exp_z, axis=1, keepdims=True)


def _softmax_over_columns(Z):
    """Normalised over the examples (axis 0) instead of the classes."""
    exp_z = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return exp_z / np.sum(exp_z, axis=0, keepdims=True)


def _softmax_row_shift_over_columns(Z):
    """Shifted by each row's maximum (as it should), but then normalised over the examples (axis 0)."""
    exp_z = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exp_z / np.sum(exp_z, axis=0, keepdims=True)


def _softmax_sum_over_all(Z):
    """Divided by the sum over the whole matrix instead of each row's."""
    exp_z = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exp_z / np.sum(exp_z)


def _softmax_all_over_all(Z):
    """No axis anywhere: shifted by the whole matrix's maximum and divided by its whole sum."""
    exp_z = np.exp(Z - np.max(Z))
    return exp_z / np.sum(exp_z)


def _overflows_without_shift(cases: Cases, expected: Results, actual: Results) -> bool:
    """Where the unshifted softmax is finite, the result is it (so the reference's); where it
    overflows, the result holds NaN or infinity too; and it overflows on at least one case."""
    overflowed = False
    with np.errstate(all="ignore"):
        for args, got in zip(cases, actual):
            naive = _softmax_no_shift(*args)
            if np.all(np.isfinite(naive)):
                if not close(got, naive):
                    return False
            else:
                overflowed = True
                if not (isinstance(got, np.ndarray) and got.shape == naive.shape and not np.all(np.isfinite(got))):
                    return False
    return overflowed


# ----- cross_entropy --------------------------------------------------------------------------


def _picked(P, y):
    return P[np.arange(y.shape[0]), y]


def _ce_sum(P, y):
    return float(-np.sum(np.log(_picked(P, y))))


def _ce_columns(P, y):
    """P[:, y] picks whole columns, an (N, N) array, instead of one entry per row."""
    return float(-np.mean(np.log(P[:, y])))


# How a student keeps log away from 0, each with one epsilon: what the log is taken of, given the
# true classes' probabilities p.
_GUARDS = {
    "add": lambda p, epsilon: p + epsilon,
    "clip": lambda p, epsilon: np.maximum(p, epsilon),
    "clip-both": lambda p, epsilon: np.clip(p, epsilon, 1.0 - epsilon),
}
# Where the epsilon is sought: any that a student may write (np.finfo(float).tiny to 0.5).
_EPSILON_RANGE = (np.finfo(float).tiny, 0.5)
# The usual constants (numpy's machine epsilon, Keras's 1e-7, scikit-learn's 1e-15, ...): what a
# check cell can name, as it carries plain numbers only. The grader recognises any epsilon.
_USUAL_EPSILONS = (float(np.finfo(float).eps), 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)


def _ce_clipped(epsilon: float, how: str):
    def cross_entropy(P, y):
        return float(-np.mean(np.log(_GUARDS[how](_picked(P, y), epsilon))))

    return cross_entropy


def _epsilon_giving(how: str, args: tuple, loss: float) -> float | None:
    """The epsilon at which the loss guarded by how is loss on args (bisection over log epsilon,
    where the guarded loss falls as epsilon grows), or None when no epsilon of _EPSILON_RANGE gives it."""
    low, high = np.log(_EPSILON_RANGE[0]), np.log(_EPSILON_RANGE[1])

    def excess(log_epsilon: float) -> float:
        return _ce_clipped(float(np.exp(log_epsilon)), how)(*args) - loss

    if not excess(low) >= 0.0 >= excess(high):
        return None
    for _ in range(80):  # the range is 745 wide: 80 halvings leave far less than a float's step
        middle = (low + high) / 2.0
        low, high = (middle, high) if excess(middle) > 0.0 else (low, middle)
    return float(np.exp((low + high) / 2.0))


def _clipped_at_one_epsilon(cases: Cases, expected: Results, actual: Results) -> bool:
    """The loss is the reference's, except where true classes' probabilities fall below one epsilon,
    the same on every case, which the student clipped them to or added to them: the epsilon is
    estimated on the case whose loss it lowers most, then checked on every case."""
    if not all(isinstance(got, np.ndarray) and got.shape == () and np.isfinite(got) for got in actual):
        return False
    lowered = [(float(want) - float(got), index) for index, (want, got) in enumerate(zip(expected, actual))
               if float(got) < float(want) - MATCH_TOLERANCE * abs(float(want))]
    if not lowered:
        return False
    _, index = max(lowered)
    with np.errstate(all="ignore"):
        for how in _GUARDS:
            epsilon = _epsilon_giving(how, cases[index], float(actual[index]))
            if epsilon is not None and mutant(_ce_clipped(epsilon, how))(cases, expected, actual):
                return True
    return False


def _usual_clippings(args: tuple, expected: Any) -> list[float]:
    return [_ce_clipped(epsilon, how)(*args) for epsilon in _USUAL_EPSILONS for how in _GUARDS]


# ----- softmax_jacobian -----------------------------------------------------------------------


def _jacobian_missing_diagonal(p):
    return -np.outer(p, p)


def _jacobian_outer_sign(p):
    return np.diag(p) + np.outer(p, p)


def _jacobian_diagonal_only(p):
    return np.diag(p * (1.0 - p))


def _jacobian_diagonal_vector(p):
    return p * (1.0 - p)


# ----- dloss_dlogits --------------------------------------------------------------------------


def _dlogits_no_mean(P, y):
    return P - reference.one_hot(y, P.shape[1])


def _dlogits_flipped(P, y):
    return (reference.one_hot(y, P.shape[1]) - P) / P.shape[0]


def _dlogits_labels_as_numbers(P, y):
    """The label indices subtracted as numbers from every entry of their row."""
    return (P - y[:, None]) / P.shape[0]


def _dlogits_no_labels(P, y):
    return P / P.shape[0]


# ----- relu_prime -----------------------------------------------------------------------------


def _relu_prime_one_at_zero(z):
    return (z >= 0).astype(np.float64)


def _relu_prime_boolean(z):
    return z > 0


def _boolean_result(cases: Cases, expected: Results, actual: Results) -> bool:
    """The result came back as booleans (the grader keeps only their type, not their values)."""
    return any(isinstance(got, Unsupported) and "bool" in got.type_name for got in actual)


# ----- forward and predict --------------------------------------------------------------------


def _forward_no_relu(X, params):
    return reference.softmax((X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])


def _forward_relu_on_logits(X, params):
    hidden = reference.relu(X @ params["W1"] + params["b1"])
    return reference.softmax(reference.relu(hidden @ params["W2"] + params["b2"]))


def _predict_over_examples(X, params):
    return np.argmax(reference.forward(X, params), axis=0)


def _predict_largest_probability(X, params):
    return np.max(reference.forward(X, params), axis=1)


# ----- gradients ------------------------------------------------------------------------------


def _backprop(X, y, params, mean=True, hidden_relu_prime=True, transposed=False, bias_summed=True,
              output_input="A1"):
    """gradients with switches for the mistakes of the backward pass."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = reference.relu(Z1)
    P = reference.softmax(A1 @ params["W2"] + params["b2"])
    delta2 = reference.dloss_dlogits(P, y) * (X.shape[0] if not mean else 1.0)
    delta1 = delta2 @ params["W2"].T
    if hidden_relu_prime:
        delta1 = delta1 * reference.relu_prime(Z1)
    into_output = A1 if output_input == "A1" else Z1

    def weight(inputs, delta):
        return delta.T @ inputs if transposed else inputs.T @ delta

    def bias(delta):
        return np.sum(delta, axis=0) if bias_summed else delta

    return {"W1": weight(X, delta1), "b1": bias(delta1), "W2": weight(into_output, delta2), "b2": bias(delta2)}


def _grad_no_mean(X, y, params):
    return _backprop(X, y, params, mean=False)


def _grad_bias_per_example(X, y, params):
    return _backprop(X, y, params, bias_summed=False)


def _grad_no_hidden_relu_prime(X, y, params):
    return _backprop(X, y, params, hidden_relu_prime=False)


def _grad_transposed(X, y, params):
    return _backprop(X, y, params, transposed=True)


def _grad_output_from_preactivation(X, y, params):
    return _backprop(X, y, params, output_input="Z1")


def _grad_flipped(X, y, params):
    return {key: -value for key, value in reference.gradients(X, y, params).items()}


def _bias_gradients(result: Any) -> list[Any]:
    return [value for key, value in result.items() if key.startswith("b")] if isinstance(result, dict) else []


def _weights_with_reversed_shape(cases: Cases, expected: Results, actual: Results) -> bool:
    """A weight gradient has the shape of the transposed weights (the sizes never coincide)."""
    return any(
        isinstance(got, dict) and isinstance(got.get(key), np.ndarray) and got[key].shape == value.shape[::-1]
        for wanted, got in zip(expected, actual)
        for key, value in wanted.items()
        if key.startswith("W")
    )


# ----- sgd_step -------------------------------------------------------------------------------


def _step_ascent(params, grads, learning_rate):
    return {key: params[key] + learning_rate * grads[key] for key in params}


def _step_without_learning_rate(params, grads, learning_rate):
    return {key: params[key] - grads[key] for key in params}


def _step_of_fixed_size(cases: Cases, expected: Results, actual: Results) -> bool:
    """params - result = c * grads with one nonzero c for all cases, although their learning rates
    differ: a learning rate written into the function (lr = 0.01) instead of the one passed in."""
    if len({args[2] for args in cases}) < 2:
        return False
    factors = []
    for (params, grads, _learning_rate), got in zip(cases, actual):
        params, grads = _plain_dict(params), _plain_dict(grads)
        if not same_structure(got, params):
            return False
        step = np.concatenate([np.ravel(params[key] - got[key]) for key in sorted(params)])
        grad = np.concatenate([np.ravel(grads[key]) for key in sorted(params)])
        usable = np.abs(grad) > 1e-12
        if not usable.any():
            return False
        factor = float(np.median(step[usable] / grad[usable]))
        if factor == 0.0 or rel_error(step, factor * grad) > MATCH_TOLERANCE:
            return False
        factors.append(factor)
    return max(factors) - min(factors) <= MATCH_TOLERANCE * max(map(abs, factors))


def _plain_dict(value: dict) -> dict:
    return {str(key): np.asarray(item, dtype=np.float64) for key, item in value.items()}


# ----- train ----------------------------------------------------------------------------------


def _train(X, y, params, learning_rate, epochs, batch_size, seed=0, shuffle=True, rng_every_epoch=False,
           loss="after"):
    """train with switches for the mistakes of the training loop."""
    n_examples = X.shape[0]
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        if rng_every_epoch:
            rng = np.random.default_rng(seed)
        perm = rng.permutation(n_examples) if shuffle else np.arange(n_examples)
        if loss == "before":
            losses.append(reference.cross_entropy(reference.forward(X, params), y))
        for start in range(0, n_examples, batch_size):
            batch = perm[start:start + batch_size]
            params = reference.sgd_step(params, reference.gradients(X[batch], y[batch], params), learning_rate)
        if loss == "after":
            losses.append(reference.cross_entropy(reference.forward(X, params), y))
        elif loss == "last_batch":
            losses.append(reference.cross_entropy(reference.forward(X[batch], params), y[batch]))
    return params, losses


def _train_no_shuffle(*args):
    return _train(*args, shuffle=False)


def _train_rng_every_epoch(*args):
    return _train(*args, rng_every_epoch=True)


def _train_loss_on_last_batch(*args):
    return _train(*args, loss="last_batch")


def _train_loss_before_epoch(*args):
    return _train(*args, loss="before")


# ----- one mutant per mistake, and where and how each mistake is recognised -----------------------

# (graded function, what a student making the mistake writes), for the tests and the notes.
# sgd-mutates-input is left out: sgd_step's inputs-kept check charges it, not its values.
MUTANTS = {
    "onehot-transposed": ("one_hot", _one_hot_transposed),
    "onehot-width-from-labels": ("one_hot", _one_hot_width_from_labels),
    "softmax-no-max-shift": ("softmax", _softmax_no_shift),
    "softmax-wrong-axis": ("softmax", _softmax_over_columns),
    "softmax-sum-over-all": ("softmax", _softmax_sum_over_all),
    "ce-sum-not-mean": ("cross_entropy", _ce_sum),
    "ce-sign-flipped": ("cross_entropy", lambda P, y: -reference.cross_entropy(P, y)),
    "ce-picks-columns": ("cross_entropy", _ce_columns),
    "ce-clipped-probabilities": ("cross_entropy", _ce_clipped(1e-12, "add")),
    "jacobian-missing-diagonal": ("softmax_jacobian", _jacobian_missing_diagonal),
    "jacobian-outer-sign": ("softmax_jacobian", _jacobian_outer_sign),
    "jacobian-diagonal-only": ("softmax_jacobian", _jacobian_diagonal_only),
    "dlogits-missing-1-over-n": ("dloss_dlogits", _dlogits_no_mean),
    "dlogits-sign-flipped": ("dloss_dlogits", _dlogits_flipped),
    "labels-not-one-hot": ("dloss_dlogits", _dlogits_labels_as_numbers),
    "dlogits-labels-left-out": ("dloss_dlogits", _dlogits_no_labels),
    "relu-prime-at-zero": ("relu_prime", _relu_prime_one_at_zero),
    "relu-prime-is-relu": ("relu_prime", reference.relu),
    "relu-prime-boolean": ("relu_prime", _relu_prime_boolean),
    "forward-no-hidden-relu": ("forward", _forward_no_relu),
    "forward-relu-on-logits": ("forward", _forward_relu_on_logits),
    "predict-wrong-axis": ("predict_classes", _predict_over_examples),
    "predict-max-not-argmax": ("predict_classes", _predict_largest_probability),
    "grad-missing-1-over-n": ("gradients", _grad_no_mean),
    "grad-bias-not-summed": ("gradients", _grad_bias_per_example),
    "grad-hidden-missing-relu-prime": ("gradients", _grad_no_hidden_relu_prime),
    "grad-weights-transposed": ("gradients", _grad_transposed),
    "grad-output-uses-preactivation": ("gradients", _grad_output_from_preactivation),
    "grad-sign-flipped": ("gradients", _grad_flipped),
    "sgd-ascent": ("sgd_step", _step_ascent),
    "sgd-ignores-learning-rate": ("sgd_step", _step_without_learning_rate),
    "train-no-shuffle": ("train", _train_no_shuffle),
    "train-rng-every-epoch": ("train", _train_rng_every_epoch),
    "train-loss-on-last-batch": ("train", _train_loss_on_last_batch),
    "train-loss-before-epoch": ("train", _train_loss_before_epoch),
}


def _as_mutant(mistake_id: str) -> Recogniser:
    return mutant(MUTANTS[mistake_id][1])


RECOGNISERS = {
    "onehot-transposed": (("one_hot", _as_mutant("onehot-transposed")),),
    "onehot-width-from-labels": (("one_hot", _as_mutant("onehot-width-from-labels")),),
    "softmax-no-max-shift": (
        ("softmax", Recogniser(_overflows_without_shift, lambda args, expected: [_softmax_no_shift(*args)])),
    ),
    "softmax-wrong-axis": (
        ("softmax", any_of(_as_mutant("softmax-wrong-axis"), mutant(_softmax_row_shift_over_columns))),
    ),
    "softmax-sum-over-all": (
        ("softmax", any_of(_as_mutant("softmax-sum-over-all"), mutant(_softmax_all_over_all))),
    ),
    "ce-sum-not-mean": (("cross_entropy", _as_mutant("ce-sum-not-mean")),),
    "ce-sign-flipped": (("cross_entropy", scaled_by(-1.0)),),
    "ce-picks-columns": (("cross_entropy", _as_mutant("ce-picks-columns")),),
    "ce-clipped-probabilities": (("cross_entropy", Recogniser(_clipped_at_one_epsilon, _usual_clippings)),),
    "jacobian-missing-diagonal": (("softmax_jacobian", _as_mutant("jacobian-missing-diagonal")),),
    "jacobian-outer-sign": (("softmax_jacobian", _as_mutant("jacobian-outer-sign")),),
    "jacobian-diagonal-only": (
        ("softmax_jacobian", any_of(mutant(_jacobian_diagonal_only), mutant(_jacobian_diagonal_vector))),
    ),
    "dlogits-missing-1-over-n": (("dloss_dlogits", _as_mutant("dlogits-missing-1-over-n")),),
    "dlogits-sign-flipped": (("dloss_dlogits", scaled_by(-1.0)),),
    "labels-not-one-hot": (("dloss_dlogits", _as_mutant("labels-not-one-hot")),),
    "dlogits-labels-left-out": (("dloss_dlogits", _as_mutant("dlogits-labels-left-out")),),
    "relu-prime-at-zero": (("relu_prime", _as_mutant("relu-prime-at-zero")),),
    "relu-prime-is-relu": (("relu_prime", _as_mutant("relu-prime-is-relu")),),
    "relu-prime-boolean": (("relu_prime", Recogniser(_boolean_result, lambda args, expected: [args[0] > 0])),),
    "forward-no-hidden-relu": (("forward", _as_mutant("forward-no-hidden-relu")),),
    "forward-relu-on-logits": (("forward", _as_mutant("forward-relu-on-logits")),),
    "predict-wrong-axis": (("predict_classes", _as_mutant("predict-wrong-axis")),),
    "predict-max-not-argmax": (("predict_classes", _as_mutant("predict-max-not-argmax")),),
    "grad-missing-1-over-n": (("gradients", _as_mutant("grad-missing-1-over-n")),),
    "grad-bias-not-summed": (
        ("gradients", any_of(array_with_axis_of_n(_bias_gradients), _as_mutant("grad-bias-not-summed"))),
    ),
    "grad-hidden-missing-relu-prime": (("gradients", _as_mutant("grad-hidden-missing-relu-prime")),),
    "grad-weights-transposed": (
        ("gradients", any_of(_weights_with_reversed_shape, _as_mutant("grad-weights-transposed"))),
    ),
    "grad-output-uses-preactivation": (("gradients", _as_mutant("grad-output-uses-preactivation")),),
    "grad-sign-flipped": (("gradients", scaled_by(-1.0)),),
    "sgd-ascent": (("sgd_step", _as_mutant("sgd-ascent")),),
    "sgd-ignores-learning-rate": (
        ("sgd_step", any_of(_as_mutant("sgd-ignores-learning-rate"), _step_of_fixed_size)),
    ),
    "train-no-shuffle": (("train", _as_mutant("train-no-shuffle")),),
    "train-rng-every-epoch": (("train", _as_mutant("train-rng-every-epoch")),),
    "train-loss-on-last-batch": (("train", _as_mutant("train-loss-on-last-batch")),),
    "train-loss-before-epoch": (("train", _as_mutant("train-loss-before-epoch")),),
}


# ----- the parts of a result that values checks grade --------------------------------------------


def _output_layer(grads: dict) -> list[tuple]:
    return [("W2",), ("b2",)]


def _hidden_layer(grads: dict) -> list[tuple]:
    return [("W1",), ("b1",)]


PARTS = {"output_layer": _output_layer, "hidden_layer": _hidden_layer}
