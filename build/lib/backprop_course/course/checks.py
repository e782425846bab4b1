"""The checks each graded function's points are split over: one graded test cell per check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .contract import GRADED_FUNCTIONS

STRUCTURE = "structure"  # runs, and returns the right types, keys, lengths and shapes
VALUES = "values"  # the chosen parts of the result are finite and within the tolerance
INPUTS_KEPT = "inputs-kept"  # the arguments are unchanged after the call

Path = tuple


@dataclass(frozen=True)
class Check:
    """One graded test cell: what it checks and what it is worth."""

    function: str
    name: str
    points: int
    kind: str
    title: str
    parts: Callable[[Any], list[Path]] | None = None  # for VALUES: paths into the result

    @property
    def grade_id(self) -> str:
        return f"{GRADED_FUNCTIONS[self.function].test_id}_{self.name}"


def _output_layer(grads: dict) -> list[Path]:
    last = len(grads) // 2
    return [(f"W{last}",), (f"b{last}",)]


def _hidden_layers(grads: dict) -> list[Path]:
    last = len(grads) // 2
    return [(key,) for key in sorted(grads) if key not in (f"W{last}", f"b{last}")]


def _fixed(*paths: Path) -> Callable[[Any], list[Path]]:
    return lambda result: list(paths)


# The points of the check marked REST: the function's points (contract.py) less its other checks'.
# So a function's points are changed in one place, the contract, and this check takes the change.
REST = None


def _checks(function: str, *specs: tuple) -> tuple[Check, ...]:
    """The checks of function from (name, points or REST, kind, title[, parts]) specs."""
    fixed = sum(spec[1] for spec in specs if spec[1] is not REST)
    rest = GRADED_FUNCTIONS[function].points - fixed
    if [spec[1] for spec in specs].count(REST) != 1 or rest < 1:
        raise ValueError(f"{function}: one check takes the points left by the others, and at least 1 is left")
    return tuple(Check(function, spec[0], rest if spec[1] is REST else spec[1], *spec[2:]) for spec in specs)


CHECKS: dict[str, tuple[Check, ...]] = {
    "neuron_forward": _checks("neuron_forward", ("values", REST, VALUES, "predictions")),
    "mse_loss": _checks("mse_loss", ("values", REST, VALUES, "loss value")),
    "dloss_dyhat": _checks(
        "dloss_dyhat", ("shape", 1, STRUCTURE, "shape and type"), ("values", REST, VALUES, "values")
    ),
    "sigmoid_prime": _checks(
        "sigmoid_prime", ("shape", 1, STRUCTURE, "shape and type"), ("values", REST, VALUES, "values")
    ),
    "neuron_gradients": _checks(
        "neuron_gradients",
        ("shape", 1, STRUCTURE, "shapes and types of (dw, db)"),
        ("dw", REST, VALUES, "dw values", _fixed((0,))),
        ("db", 1, VALUES, "db value", _fixed((1,))),
    ),
    "sgd_update": _checks(
        "sgd_update",
        ("values", REST, VALUES, "updated values"),
        ("inputs", 1, INPUTS_KEPT, "param left unchanged"),
    ),
    "train_neuron": _checks(
        "train_neuron",
        ("shape", 1, STRUCTURE, "shapes and types of (w, b, losses)"),
        ("params", REST, VALUES, "trained w and b", _fixed((0,), (1,))),
        ("losses", 1, VALUES, "loss history", _fixed((2,))),
    ),
    "mlp_forward": _checks(
        "mlp_forward", ("shape", 1, STRUCTURE, "shape and type"), ("values", REST, VALUES, "predictions")
    ),
    "mlp_gradients": _checks(
        "mlp_gradients",
        ("shape", 1, STRUCTURE, "keys and shapes"),
        ("output", 2, VALUES, "output layer's gradients", _output_layer),
        ("hidden", REST, VALUES, "hidden layers' gradients", _hidden_layers),
    ),
    "sgd_step": _checks(
        "sgd_step",
        ("values", REST, VALUES, "updated parameters"),
        ("inputs", 1, INPUTS_KEPT, "params left unchanged"),
    ),
    "train_mlp": _checks(
        "train_mlp",
        ("shape", 1, STRUCTURE, "shapes and types of (params, losses)"),
        ("params", REST, VALUES, "trained parameters", _fixed((0,))),
        ("losses", 1, VALUES, "loss history", _fixed((1,))),
    ),
}


def check_named(function: str, name: str) -> Check:
    return next(check for check in CHECKS[function] if check.name == name)


CHECK_OF_GRADE_ID: dict[str, Check] = {check.grade_id: check for checks in CHECKS.values() for check in checks}


def check_of_cell(grade_id: str) -> Check | None:
    """The check a graded test cell grades, from its grade_id; None for any other cell."""
    return CHECK_OF_GRADE_ID.get(grade_id)
