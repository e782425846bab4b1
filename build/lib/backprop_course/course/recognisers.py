"""How a catalog entry recognises its mistake in plain results: a "mutant" (the function a
student making the mistake would write) whose results the student's match, or a property (a
shape, a constant ratio); either may also predict the mistake's result on one case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import reference
from .numerics import rel_error
from .plain import Unsupported, leaves, same_structure, to_plain

Cases = list[tuple]
Results = list[Any]
Recognise = Callable[[Cases, Results, Results], bool]
# predict(args, expected): what the mistake returns on one case, as results a function returns
# (tuples, floats, arrays, dicts), ... standing for a part it cannot tell; [] when it cannot say.
Predict = Callable[[tuple, Any], list[Any]]

# Looser than the grading tolerance: a mutant written differently from the student's code can
# round differently, and recognising a mistake only picks the hint, never the score.
MATCH_TOLERANCE = 1e-6


def _cannot_say(args: tuple, expected: Any) -> list[Any]:
    return []


@dataclass(frozen=True)
class Recogniser:
    """A recogniser (called like one) that can also predict the mistake's result on one case."""

    recognise: Recognise
    predict: Predict = _cannot_say

    def __call__(self, cases: Cases, expected: Results, actual: Results) -> bool:
        return self.recognise(cases, expected, actual)


def predictions(recognise: Recognise, args: tuple, expected: Any) -> list[Any]:
    """What recognise predicts on one case; nothing for a plain property function."""
    return recognise.predict(args, expected) if isinstance(recognise, Recogniser) else []


def _close(actual: Any, expected: Any) -> bool:
    if not same_structure(actual, expected):
        return False
    return all(rel_error(a, e) <= MATCH_TOLERANCE for (_, a), (_, e) in zip(leaves(actual), leaves(expected)))


def mutant(function: Callable) -> Recogniser:
    """Recognise results that equal function's on every case."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return all(_close(result, to_plain(function(*args))) for args, result in zip(cases, actual))

    return Recogniser(recognise, lambda args, expected: [function(*args)])


def any_of(*recognisers: Recognise) -> Recogniser:
    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return any(check(cases, expected, actual) for check in recognisers)

    return Recogniser(recognise, lambda args, expected: [
        found for check in recognisers for found in predictions(check, args, expected)])


def scaled_by(factor: float) -> Recogniser:
    """Recognise results that are the reference's times factor."""
    return Recogniser(scaled(_is(factor)), lambda args, expected: [_times(factor, expected)])


def _times(factor: float, value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _times(factor, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_times(factor, item) for item in value)
    return factor * value


def scaled(predicate: Callable[[float], bool]) -> Recognise:
    """Recognise results that are the reference's times one factor per case that predicate accepts."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        for wanted, got in zip(expected, actual):
            if not same_structure(got, wanted):
                return False
            pairs = [(e, a) for (_, e), (_, a) in zip(leaves(wanted), leaves(got))]
            wanted_flat = np.concatenate([np.ravel(e) for e, _ in pairs])
            got_flat = np.concatenate([np.ravel(a) for _, a in pairs])
            usable = np.abs(wanted_flat) > 1e-12
            if not usable.any():
                return False
            factor = float(np.median(got_flat[usable] / wanted_flat[usable]))
            if not predicate(factor) or rel_error(got_flat, factor * wanted_flat) > MATCH_TOLERANCE:
                return False
        return True

    return recognise


def _is(value: float) -> Callable[[float], bool]:
    return lambda factor: abs(factor - value) <= 1e-6 * abs(value)


def _neither_one_nor_minus_one(factor: float) -> bool:
    return abs(abs(factor) - 1.0) > 1e-6 and factor != 0.0


def _examples(args: tuple) -> int:
    return int(np.shape(args[0])[0])


def array_with_axis_of_n(where: Callable[[Any], list[Any]]) -> Recognise:
    """Recognise results where a part that where() picks has an axis as long as the example count."""

    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return any(
            any(isinstance(part, np.ndarray) and _examples(args) in part.shape for part in where(result))
            for args, result in zip(cases, actual)
        )

    return recognise


def _item(result: Any, index: int) -> list[Any]:
    return [result[index]] if isinstance(result, list) and len(result) > index else []


def _gradient_parts(result: Any) -> list[Any]:
    if isinstance(result, list):
        return list(result)
    return list(result.values()) if isinstance(result, dict) else [result]


def _bias_gradients(result: Any) -> list[Any]:
    return [value for key, value in result.items() if key.startswith("b")] if isinstance(result, dict) else []


def _n_axis_where_reference_has_none(cases: Cases, expected: Results, actual: Results) -> bool:
    """A part grew a dimension, and the new axis is as long as the example count: (d, N), (N, N)."""
    for args, wanted, got in zip(cases, expected, actual):
        n_examples = _examples(args)
        for part_wanted, part_got in zip(_gradient_parts(wanted), _gradient_parts(got)):
            if not isinstance(part_got, np.ndarray) or not isinstance(part_wanted, np.ndarray):
                continue
            grew = part_got.ndim > part_wanted.ndim
            if grew and part_got.shape.count(n_examples) > part_wanted.shape.count(n_examples):
                return True
    return False


def _gradients_per_example_for_dw(X, y, w, b):
    """dw given as the per-example factors delta_i (shape (N,)), x left out of the chain."""
    z = X @ w + b
    delta = 2.0 / X.shape[0] * (reference.sigmoid(z) - y) * reference.sigmoid_prime(z)
    return delta, np.sum(delta)


def _dw_is_the_bias_gradient(cases: Cases, expected: Results, actual: Results) -> bool:
    """dw_j came out as sum_i delta_i, the bias gradient, for every j (or as that one number)."""
    for wanted, got in zip(expected, actual):
        if not (isinstance(got, list) and len(got) == 2 and isinstance(got[0], np.ndarray)):
            return False
        if got[0].size == 0 or rel_error(got[0], np.full(got[0].shape, float(wanted[1]))) > MATCH_TOLERANCE:
            return False
    return True


def _bias_gradient_for_dw(args: tuple, expected: Any) -> list[Any]:
    return [(np.full(np.shape(expected[0]), float(expected[1])), ...)]


def _step_ignores_learning_rate(cases: Cases, expected: Results, actual: Results) -> bool:
    """param - actual = c * grad with one c for all cases, although their learning rates differ."""
    factors = []
    for (param, grad, _learning_rate), got in zip(cases, actual):
        params, grads, gots = _flat(param), _flat(grad), _flat(got)
        if gots is None or gots.shape != params.shape:
            return False
        usable = np.abs(grads) > 1e-12
        if not usable.any():
            continue
        factor = (params[usable] - gots[usable]) / grads[usable]
        if rel_error(factor, np.full(factor.shape, np.median(factor))) > MATCH_TOLERANCE:
            return False
        factors.append(float(np.median(factor)))
    learning_rates = {args[2] for args in cases}
    return len(learning_rates) > 1 and len(factors) > 1 and np.ptp(factors) <= 1e-6 * max(map(abs, factors))


def _flat(value: Any) -> np.ndarray | None:
    value = to_plain(value) if not isinstance(value, (np.ndarray, dict, list, Unsupported)) else value
    if isinstance(value, dict):
        if not value:
            return None
        return np.concatenate([np.ravel(value[key]) for key in sorted(value) if isinstance(value[key], np.ndarray)])
    return np.ravel(value) if isinstance(value, np.ndarray) else None


def _trained_parameters_unchanged(start: Callable[[tuple], Any]) -> Recogniser:
    def recognise(cases: Cases, expected: Results, actual: Results) -> bool:
        return all(
            isinstance(got, list) and len(got) >= 2 and _close(_trained(got), to_plain(start(args)))
            for args, got in zip(cases, actual)
        )

    def predict(args: tuple, expected: Any) -> list[Any]:
        parameters = start(args)
        return [(*parameters, ...) if isinstance(parameters, list) else (parameters, ...)]

    return Recogniser(recognise, predict)


def _trained(result: list) -> Any:
    """The trained parameters of a training result: [w, b] of (w, b, losses), params of (params, losses)."""
    return result[:-1] if len(result) > 2 else result[0]


def _parameters_right_losses_wrong(cases: Cases, expected: Results, actual: Results) -> bool:
    """The trained parameters are right, but the loss history is not (values or length)."""
    for wanted, got in zip(expected, actual):
        if not (isinstance(got, list) and len(got) == len(wanted)):
            return False
        if not _close(got[:-1], wanted[:-1]):
            return False
    return any(not _close(got[-1], wanted[-1]) for wanted, got in zip(expected, actual))


def _right_parameters_other_losses(args: tuple, expected: Any) -> list[Any]:
    return [(*expected[:-1], ...)]


def _loss_history_of_wrong_length(cases: Cases, expected: Results, actual: Results) -> bool:
    return any(
        isinstance(got, list) and len(got) == len(wanted) and np.shape(got[-1]) != np.shape(wanted[-1])
        for wanted, got in zip(expected, actual)
    )


def _keys_differ(cases: Cases, expected: Results, actual: Results) -> bool:
    return any(isinstance(got, dict) and got.keys() != wanted.keys() for wanted, got in zip(expected, actual))


def _weights_transposed_or_permuted(cases: Cases, expected: Results, actual: Results) -> bool:
    found = False
    for wanted, got in zip(expected, actual):
        if not isinstance(got, dict):
            return False
        for key, value in wanted.items():
            other = got.get(key)
            if not key.startswith("W") or not isinstance(other, np.ndarray) or other.size != value.size:
                continue
            if _close(np.sort(np.ravel(other)), np.sort(np.ravel(value))) and not _close(other, value):
                found = True
    return found


# Mutants: what a student who makes each mistake computes.


