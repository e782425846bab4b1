"""The rules an assignment's contract keeps as a whole, beyond each entry's own form: every
graded and given function defined by the reference, each graded once, with a maker and a public
example; checks of known kinds; recognisers only for graded functions; scenarios that play."""

from __future__ import annotations

import inspect

from .contract import CHECK_KINDS, DTYPES, INPUTS_KEPT, STRUCTURE, VALUES, Contract
from .scenario import scenario_problems


def contract_problems(contract: Contract) -> list[str]:
    """What is wrong with a contract as a whole, one line each (none: it can be graded)."""
    problems = []
    names = [name for notebook in contract.notebooks for name in (f.name for f in notebook.functions)]
    problems += [f"function {name!r} is graded twice" for name in sorted(set(names)) if names.count(name) > 1]
    for notebook in contract.notebooks:
        for name in (*notebook.given, *(f.name for f in notebook.functions)):
            if not callable(_defined(contract, name)):
                problems.append(f"{notebook.name}: reference.py has no function {name!r}")
        if notebook.manual_points and not notebook.manual_grade_id:
            problems.append(f"{notebook.name}: manual_points need a manual_grade_id")
    for name, function in contract.functions.items():
        reference_function = getattr(contract.reference, name, None)
        if function.gradient_of and callable(reference_function):
            unknown = set(function.gradient_of.wrt) - set(inspect.signature(reference_function).parameters)
            if unknown:
                problems.append(f"{name}: gradient_of's wrt names {sorted(unknown)}, which are not its parameters")
        if name not in contract.makers:
            problems.append(f"{name}: cases.py's CASES has no maker for it")
        if not function.public_example:
            problems.append(f"{name}: no public_example")
        if function.dtype and function.dtype not in DTYPES:
            problems.append(f"{name}: dtype {function.dtype!r} is none of {', '.join(DTYPES)}")
        if function.dtype and not any(check.kind == STRUCTURE for check in function.checks):
            problems.append(f"{name}: its dtype is checked by its {STRUCTURE} check, and it has none")
        for check in function.checks:
            if check.kind not in CHECK_KINDS:
                problems.append(f"{check.grade_id}: kind {check.kind!r} is none of {', '.join(CHECK_KINDS)}")
            if check.kind == INPUTS_KEPT and check.mistake not in contract.mistakes:
                problems.append(f"{check.grade_id}: an {INPUTS_KEPT} check names the catalog mistake it charges "
                                f"(mistake = ...)")
            if check.parts is not None and check.kind != VALUES:
                problems.append(f"{check.grade_id}: only a {VALUES} check has parts")
    for mistake in contract.own_mistakes:
        problems += [f"{mistake.id}: recognised for {name!r}, which is not graded" for name, _ in mistake.recognisers
                     if name not in contract.functions]
    problems += scenario_problems(contract)
    return problems


def _defined(contract: Contract, name: str):
    """The reference's function, class or method of that name, or None."""
    try:
        return contract.reference_function(name)
    except AttributeError:
        return None
