"""The mistake catalog: each id with its one-line hint and how its outputs are recognised.

An entry's recogniser looks only at plain data: the inputs of the hidden cases, the reference's
results and the student's results on them. Most describe the mistake as a "mutant", the
function a student making that mistake would have written, and match the student's results
against it; a few test a property (a shape, a constant ratio). Adding a mistake means adding
one entry here.

A recogniser may also predict what a student making the mistake returns on one case (a mutant
can always; a property where the inputs and the reference's result settle it). The notebooks'
visible checks carry these predictions on their examples as plain numbers, so a student's
check cell names the mistake offline (authoring/known.py); no recogniser code ships.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import reference
from .mistake_ids import (
    DISK_LIMIT,
    GENERIC,
    KERNEL_DIED,
    LIMITS,
    MEMORY_LIMIT,
    NOT_FINITE,
    NOT_IMPLEMENTED,
    OUTPUT_LIMIT,
    PROCESS_LIMIT,
    RAISED_ERROR,
    TIME_LIMIT,
    WRONG_SHAPE,
    WRONG_VALUE,
)
from .mutants import (
    _backprop,
    _dloss_flipped,
    _dloss_without_2,
    _dloss_without_mean,
    _forward_linear_output,
    _gradients_bias_per_example,
    _gradients_broadcast_n_by_n,
    _gradients_without_sigprime,
    _initial_network,
    _initial_neuron,
    _loss_abs,
    _loss_half,
    _loss_plain,
    _loss_sum,
    _sigprime_on_z,
    _sigprime_twice,
    _step_ascent,
    _step_without_learning_rate,
)
from .recognisers import (
    MATCH_TOLERANCE,
    Cases,
    Recognise,
    Recogniser,
    Results,
    _bias_gradient_for_dw,
    _bias_gradients,
    _dw_is_the_bias_gradient,
    _gradients_per_example_for_dw,
    _item,
    _keys_differ,
    _loss_history_of_wrong_length,
    _n_axis_where_reference_has_none,
    _neither_one_nor_minus_one,
    _parameters_right_losses_wrong,
    _right_parameters_other_losses,
    _step_ignores_learning_rate,
    _trained_parameters_unchanged,
    _weights_transposed_or_permuted,
    any_of,
    array_with_axis_of_n,
    mutant,
    predictions,
    scaled,
    scaled_by,
)

__all__ = ["CATALOG", "GENERIC", "LIMITS", "MATCH_TOLERANCE", "MISTAKES", "Mistake", "diagnose", "hint",
           "mistake_predictions"]


@dataclass(frozen=True)
class Mistake:
    """One catalog entry: its id, the hint students read, and where and how it is recognised."""

    id: str
    hint: str
    recognisers: tuple[tuple[str, Recognise], ...] = ()  # (graded function, recogniser) pairs


_GRADIENT_FUNCTIONS = ("neuron_gradients", "mlp_gradients")

CATALOG: tuple[Mistake, ...] = (
    Mistake(NOT_IMPLEMENTED, "The function still raises NotImplementedError or is missing: write its body."),
    Mistake(RAISED_ERROR, "The function raised an exception when called on valid inputs."),
    Mistake(WRONG_SHAPE, "The result has the wrong shape or type; check it against the docstring."),
    Mistake(NOT_FINITE, "The result holds NaN or infinity where the correct result is finite."),
    Mistake(WRONG_VALUE, "The values are wrong, in a way that matches none of the common mistakes."),
    Mistake(
        "loss-sum-not-mean",
        "You summed the squared errors: the loss is their mean (divide by N).",
        (("mse_loss", mutant(_loss_sum)),),
    ),
    Mistake(
        "loss-half-factor",
        "Our loss has no factor 1/2: it is the plain mean of the squared errors.",
        (("mse_loss", mutant(_loss_half)),),
    ),
    Mistake(
        "loss-not-squared",
        "Square each error before averaging.",
        (("mse_loss", any_of(mutant(_loss_abs), mutant(_loss_plain))),),
    ),
    Mistake(
        "dloss-missing-2",
        "The derivative of (y_hat - y)**2 brings down a factor 2.",
        (("dloss_dyhat", mutant(_dloss_without_2)),),
    ),
    Mistake(
        "dloss-missing-1-over-n",
        "The loss is a mean, so its derivative keeps the factor 1/N.",
        (("dloss_dyhat", mutant(_dloss_without_mean)),),
    ),
    Mistake(
        "dloss-sign-flipped",
        "Differentiate with respect to y_hat: the term is y_hat - y, not y - y_hat.",
        (("dloss_dyhat", mutant(_dloss_flipped)),),
    ),
    Mistake(
        "sigprime-returns-sigmoid",
        "You returned sigmoid(z); its derivative is sigmoid(z) * (1 - sigmoid(z)).",
        (("sigmoid_prime", mutant(reference.sigmoid)),),
    ),
    Mistake(
        "sigprime-on-preactivation",
        "Apply sigmoid first: use s = sigmoid(z), then s * (1 - s), not z * (1 - z).",
        (("sigmoid_prime", mutant(_sigprime_on_z)),),
    ),
    Mistake(
        "sigprime-applied-twice",
        "Pass z itself, not sigmoid(z), to the derivative.",
        (("sigmoid_prime", mutant(_sigprime_twice)),),
    ),
    Mistake(
        "grad-bias-not-summed",
        "The bias gradient is one number: sum the per-example terms.",
        (("neuron_gradients", any_of(array_with_axis_of_n(lambda result: _item(result, 1)),
                                     mutant(_gradients_bias_per_example))),),
    ),
    Mistake(
        "grad-missing-input",
        "dz/dw_j = x_j: the weight gradient needs the inputs in the chain.",
        (("neuron_gradients", any_of(Recogniser(_dw_is_the_bias_gradient, _bias_gradient_for_dw),
                                     mutant(_gradients_per_example_for_dw))),),
    ),
    Mistake(
        "grad-broadcast-n-by-n",
        "An (N, 1) array met an (N,) array and broadcast to (N, N): keep vectors 1-D.",
        (("neuron_gradients", any_of(_n_axis_where_reference_has_none, mutant(_gradients_broadcast_n_by_n))),),
    ),
    Mistake(
        "grad-missing-sigprime",
        "The chain goes through the activation: multiply by sigmoid'(z).",
        (("neuron_gradients", mutant(_gradients_without_sigprime)),),
    ),
    Mistake(
        "grad-sign-flipped",
        "The gradient has the wrong sign.",
        tuple((name, scaled_by(-1.0)) for name in _GRADIENT_FUNCTIONS),
    ),
    Mistake(
        "grad-scale",
        "The gradient is off by a constant factor: check 2/N and the sums.",
        tuple((name, scaled(_neither_one_nor_minus_one)) for name in _GRADIENT_FUNCTIONS),
    ),
    Mistake(
        "sgd-ascent",
        "Gradient descent steps against the gradient: subtract learning_rate * grad.",
        (("sgd_update", mutant(_step_ascent)), ("sgd_step", mutant(_step_ascent))),
    ),
    Mistake(
        "sgd-ignores-learning-rate",
        "The step must be scaled by learning_rate.",
        tuple((name, any_of(_step_ignores_learning_rate, mutant(_step_without_learning_rate)))
              for name in ("sgd_update", "sgd_step")),
    ),
    Mistake("sgd-mutates-input", "Return a new value: do not modify the parameters passed in."),
    Mistake(
        "train-params-not-updated",
        "The parameters never change: keep the values your update returns.",
        (
            ("train_neuron", _trained_parameters_unchanged(_initial_neuron)),
            ("train_mlp", _trained_parameters_unchanged(_initial_network)),
        ),
    ),
    Mistake(
        "train-wrong-loss-history",
        "losses needs one full-training-set loss per epoch, after that epoch's steps.",
        tuple(
            (name, any_of(Recogniser(_parameters_right_losses_wrong, _right_parameters_other_losses),
                          _loss_history_of_wrong_length))
            for name in ("train_neuron", "train_mlp")
        ),
    ),
    Mistake(
        "mlp-forward-no-output-sigmoid",
        "Every layer applies the sigmoid, the output layer included.",
        (("mlp_forward", mutant(_forward_linear_output)),),
    ),
    Mistake(
        "mlp-grad-missing-key",
        "Return a gradient for every parameter, with the same keys as params.",
        (("mlp_gradients", _keys_differ),),
    ),
    Mistake(
        "mlp-grad-transposed",
        "dL/dW_l = a_{l-1}^T delta_l has the shape of W_l: check the transposes.",
        (("mlp_gradients", any_of(_weights_transposed_or_permuted,
                                  mutant(lambda X, y, params: _backprop(X, y, params, transposed=True)))),),
    ),
    Mistake(
        "mlp-grad-bias-not-summed",
        "db_l is the sum of delta_l over the examples (rows).",
        (("mlp_gradients", any_of(array_with_axis_of_n(_bias_gradients),
                                  mutant(lambda X, y, params: _backprop(X, y, params, bias_summed=False)))),),
    ),
    Mistake(
        "mlp-grad-missing-hidden-sigprime",
        "Hidden deltas need it too: (delta_l W_l^T) * sigmoid'(z_{l-1}).",
        (("mlp_gradients", mutant(lambda X, y, params: _backprop(X, y, params, hidden_sigprime=False))),),
    ),
    Mistake(
        "mlp-grad-scale-per-layer",
        "Apply 2/N once, in the output delta, not again at every layer.",
        (
            (
                "mlp_gradients",
                any_of(
                    mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 1.0 / n)),
                    mutant(lambda X, y, params: _backprop(X, y, params, per_layer_factor=lambda n: 2.0 / n)),
                ),
            ),
        ),
    ),
    Mistake(TIME_LIMIT, "The notebook or one of its calls ran past its time limit."),
    Mistake(OUTPUT_LIMIT, "The notebook printed more than the output limit; the rest was cut."),
    Mistake(KERNEL_DIED, "The notebook's kernel exited or was killed while it ran."),
    Mistake(MEMORY_LIMIT, "The notebook's processes and its files in /tmp used more memory than the sandbox has."),
    Mistake(PROCESS_LIMIT, "The notebook started more processes or threads than the sandbox allows."),
    Mistake(DISK_LIMIT, "The notebook filled the sandbox's /tmp, its only writable folder."),
)

MISTAKES: dict[str, Mistake] = {mistake.id: mistake for mistake in CATALOG}


def hint(mistake_id: str) -> str:
    return MISTAKES[mistake_id].hint


def mistake_predictions(function_name: str, args: tuple, expected: Any) -> list[tuple[str, Any]]:
    """(id, result) for what each mistake of function_name predicts on one case, in catalog order."""
    found = []
    for mistake in CATALOG:
        for name, recognise in mistake.recognisers:
            if name != function_name:
                continue
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    found += [(mistake.id, result) for result in predictions(recognise, copy.deepcopy(args), expected)]
            except (ValueError, TypeError, IndexError, KeyError, AttributeError, FloatingPointError):
                continue  # a mutant that cannot run on these arguments predicts nothing here
    return found


def diagnose(function_name: str, cases: Cases, expected: Results, actual: Results) -> str | None:
    """The first catalog mistake whose recogniser for function_name matches the results, if any."""
    for mistake in CATALOG:
        for name, recognise in mistake.recognisers:
            if name != function_name:
                continue
            try:
                if recognise(cases, expected, actual):
                    return mistake.id
            except (ValueError, TypeError, IndexError, KeyError, AttributeError, FloatingPointError):
                continue  # a result too far off for this recogniser to read says it is not this mistake
    return None
