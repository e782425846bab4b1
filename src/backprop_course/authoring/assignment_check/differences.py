"""Each reference gradient against centred differences of its loss, for the graded
functions whose contract entry says what they are the gradient of (gradient_of)."""

from __future__ import annotations

import copy
import inspect
import warnings
from typing import Any

import numpy as np

from ...course.contract import Contract, GradientOf
from ...course.numerics import FD_AGREEMENT, centred_difference, gradient_error
from .subject import Problem, Subject

# Whose hidden cases each gradient is checked on (the first of the check's students).
GRADIENT_STUDENTS = 2
FIX = "fix the reference, or its gradient_of in assignment.toml"


def gradient_problems(subject: Subject, function_names) -> tuple[list[Problem], str]:
    """The problems, and a line that says what was checked."""
    contract = subject.contract
    declared = [name for name in function_names if contract.functions[name].gradient_of is not None]
    if not declared:
        return [], "finite differences: no gradient_of in assignment.toml, none checked"
    problems, checked, skipped = [], 0, 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name in declared:
            cases = [(f"hidden case {index} of student {student!r}", args)
                     for student in subject.students[:GRADIENT_STUDENTS]
                     for index, args in enumerate(contract.hidden_cases(name, student))]
            for where, args in cases:
                try:
                    found = _case_problem(contract, name, args)
                except Exception as error:
                    found = f"the loss raised {type(error).__name__}: {error}"
                checked += found is not None
                skipped += found is None
                if found:
                    problems.append(Problem(subject.file("reference.py"), name, f"{found} on its {where}", FIX))
                    break
    summary = (f"finite differences: {', '.join(declared)} against centred differences on {checked} hidden cases"
               + (f" ({skipped} left out, where the loss or its differences are not finite)" if skipped else ""))
    return problems, summary


def _case_problem(contract: Contract, name: str, args: tuple) -> str | None:
    """What disagrees on one case ('' when nothing does; None when the loss is not finite there)."""
    gradient_of: GradientOf = contract.functions[name].gradient_of
    result = contract.reference_function(name)(*copy.deepcopy(args))
    bound = inspect.signature(contract.reference_function(name)).bind(*copy.deepcopy(args))
    bound.apply_defaults()
    names = {"np": np, **{key: value for key, value in vars(contract.reference).items() if not key.startswith("_")}}
    names.update(bound.arguments)
    for parameter in gradient_of.wrt:
        names[parameter] = _boxed(names[parameter])
    code = compile(gradient_of.loss, f"{name}'s gradient_of", "eval")

    def loss() -> float:
        return float(eval(code, names))  # noqa: S307 - the course's own contract

    if not np.isfinite(loss()):
        return None
    parts = list(result) if gradient_of.several and isinstance(result, (tuple, list)) else [result]
    if len(parts) != len(gradient_of.wrt):
        return f"returns {len(parts)} parts where gradient_of's wrt names {len(gradient_of.wrt)}"
    for parameter, part in zip(gradient_of.wrt, parts):
        for label, analytic, x in _pairs(parameter, part, names[parameter]):
            analytic = np.asarray(analytic, dtype=np.float64)
            if analytic.shape != x.shape:
                return f"its gradient of {label} has shape {analytic.shape}, {label} has {x.shape}"
            numerical = centred_difference(loss, x, contract.tolerances.fd_step)
            if not np.all(np.isfinite(numerical)):
                return None
            error = gradient_error(analytic, numerical)
            if error > FD_AGREEMENT:
                return (f"its gradient of {label} differs from centred differences of {gradient_of.loss} "
                        f"(gradient_error {error:.2g} above {FD_AGREEMENT:g})")
    return ""


def _boxed(value: Any) -> Any:
    """A parameter as float64 arrays that centred differences can change in place."""
    if isinstance(value, dict):
        return {key: _boxed(item) for key, item in value.items()}
    return np.array(value, dtype=np.float64)


def _pairs(parameter: str, part: Any, value: Any) -> list[tuple[str, Any, np.ndarray]]:
    """(label, the result's gradient, the parameter's array) for each array of the parameter."""
    if isinstance(value, dict):
        if not isinstance(part, dict) or part.keys() != value.keys():
            raise ValueError(f"the gradient of {parameter} should be a dict with keys {sorted(value)}")
        return [(f'{parameter}["{key}"]', part[key], value[key]) for key in value]
    return [(parameter, part, value)]
