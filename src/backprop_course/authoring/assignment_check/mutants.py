"""Each mistake's representative mutant: what a student making it computes. From mistakes.py's
MUTANTS table where it has one, else from the recognisers' predictions; for a mistake that an
inputs-kept check charges, the reference made to scribble on its arguments. For a function
graded through a scenario, a mutant is called with a case's values and returns what the steps
read: the scenario played with the mistake's code (scenario.PlayedCode) where there is code."""

from __future__ import annotations

import copy
import importlib
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from ...course.contract import Contract
from ...course.numerics import rel_error
from ...course.plain import Unsupported, leaves, same_structure, to_plain
from ...course.recognisers import MATCH_TOLERANCE, predictions
from ...course.scenario import Played, PlayedCode, PlayedRecogniser, case_function


def mistakes_module(contract: Contract) -> ModuleType:
    """The assignment's mistakes.py, as the loader imported it."""
    return importlib.import_module(contract.reference.__package__ + ".mistakes")


def seeded_cases(contract: Contract, function_name: str, seed: int) -> list[tuple]:
    """Hidden cases of function_name as the makers draw them from one seed (fresh arrays on every call)."""
    rng = np.random.default_rng(seed)
    return [contract.makers[function_name](rng, case) for case in range(contract.tolerances.cases_per_function)]


def has_mutant_table(contract: Contract) -> bool:
    """Whether the assignment's mistakes.py has MUTANTS, {mistake id: (graded function, mutant)}."""
    return hasattr(mistakes_module(contract), "MUTANTS")


def representative_mutants(contract: Contract) -> dict[tuple[str, str], Callable]:
    """{(mistake id, graded function): what a student making the mistake computes}.

    From the mistakes.py's MUTANTS table where it has one; otherwise from the catalog: for each
    recogniser that predicts the mistake's whole result on the hidden cases, its first prediction
    (for a mutant(f), f's result). Mistakes recognised only by a property have none there.
    """
    if has_mutant_table(contract):
        table = mistakes_module(contract).MUTANTS
        return {(mistake_id, name): function.code(contract.functions[name].scenario, contract.reference)
                if isinstance(function, Played) else function for mistake_id, (name, function) in table.items()}
    found = {}
    for mistake in contract.own_mistakes:
        for name, recognise in mistake.recognisers:
            if _predicts(contract, name, recognise):
                found[(mistake.id, name)] = (recognise.code if isinstance(recognise, PlayedRecogniser)
                                             else _predicted_mutant(contract, name, recognise))
    return found


def _predicted_mutant(contract: Contract, function_name: str, recognise) -> Callable:
    reference_function = case_function(contract, function_name)

    def mistaken(*args):
        expected = reference_function(*copy.deepcopy(args))
        with np.errstate(all="ignore"):
            return predictions(recognise, copy.deepcopy(args), expected)[0]

    return mistaken


def _predicts(contract: Contract, function_name: str, recognise) -> bool:
    try:
        args = seeded_cases(contract, function_name, 0)[0]
        expected = case_function(contract, function_name)(*copy.deepcopy(args))
        with np.errstate(all="ignore"):
            found = predictions(recognise, copy.deepcopy(args), expected)
    except Exception:  # a maker, reference or prediction that raises: check-assignment says which; no mutant
        return False
    if not found:
        return False
    # A part it cannot tell (...) is no plain result.
    return not any(isinstance(leaf, Unsupported) for _, leaf in leaves(to_plain(found[0])))


def inputs_mutants(contract: Contract) -> dict[tuple[str, str], Callable]:
    """{(mistake id, graded function)}: for each inputs-kept check, the reference changed to add
    1 to its first array argument after computing its result (the function that check charges).
    A function graded through a scenario scribbles inside its scenario's play; a method, after it."""
    found = {}
    for name, mistake_id in contract.inputs_mistakes().items():
        scenario = contract.functions[name].scenario
        function = contract.reference_function(name)
        if scenario is not None and "." not in name and inspect.isfunction(function):
            found[(mistake_id, name)] = PlayedCode(scenario, contract.reference, {name: _scribbling(function)})
        else:
            found[(mistake_id, name)] = _scribbling(case_function(contract, name))
    return found


def _scribbling(function: Callable) -> Callable:
    def scribbling(*args):
        result = function(*copy.deepcopy(args))
        target = next((leaf for leaf in _arrays(args) if leaf.size and leaf.flags.writeable), None)
        if target is not None:
            target += 1
        return result

    return scribbling


def _arrays(value: Any):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _arrays(item)


def same_results(first, second, equal_nan: bool = False) -> bool:
    """Plain results of the same structure whose leaves agree within MATCH_TOLERANCE (NaN at the
    same places counts as equal when equal_nan)."""
    first, second = to_plain(first), to_plain(second)
    if not same_structure(first, second):
        return False
    for (_, a), (_, b) in zip(leaves(first), leaves(second)):
        if isinstance(a, Unsupported) or isinstance(b, Unsupported):  # None, a string: no number to compare
            if a != b:
                return False
            continue
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if equal_nan:
            nan_a, nan_b = ~np.isfinite(a), ~np.isfinite(b)
            if not np.array_equal(nan_a, nan_b) or not np.array_equal(a[nan_a], b[nan_b], equal_nan=True):
                return False
            a, b = a[~nan_a], b[~nan_b]
        if not rel_error(a, b) <= MATCH_TOLERANCE:  # NaN compares false: not the same
            return False
    return True
