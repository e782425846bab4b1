"""Check cells that wait for the checks of the functions they depend on, so that a mistake is
named at its own function's check only, not again (and in the wrong place) at its callers'.

A graded function's check depends on the graded functions of its notebook that its reference
calls (Contract.graded_callees) and that its check code calls, and on theirs in turn. The build
opens such a check cell with `checks_start(<function>, after=[...])`, which stops, naming the
function to fix or check first, unless their checks passed; every cell that another waits for
ends with `checks_passed(<function>)` (notebook_helpers.py has both).
"""

from __future__ import annotations

import dataclasses

from ..course.contract import Notebook
from ..course.dependencies import names_used, reachable
from .known import literal
from .lesson import Lesson, LessonCell

Cells = list[LessonCell]


def check_dependencies(notebook: Notebook, cells: Cells) -> dict[str, tuple[str, ...]]:
    """For each graded function of notebook: the graded functions whose checks its check waits
    for, in notebook order, from the contract and the lesson's cells (their check code)."""
    contract = notebook.contract
    order = [function.name for function in notebook.functions]
    check_code = {cell.exercise: cell.source for cell in cells if _is_check(cell)}

    def direct(name: str) -> set[str]:
        earlier = set(order[: order.index(name)])
        return (set(contract.graded_callees(name)) | names_used(check_code.get(name, ""))) & earlier

    return {name: reachable(name, direct, order) for name in order}


def _is_check(cell: LessonCell) -> bool:
    return cell.role == "exercise" and cell.cell_type == "code"


def gated(source: str, function_name: str, after: tuple[str, ...], waited_for: bool) -> str:
    """The check code of function_name, opened and closed by the lines that let it wait for the
    checks of after and let others wait for it (unchanged when neither applies)."""
    if not after and not waited_for:
        return source
    name = literal(function_name)
    if after:
        start = f"checks_start({name}, after="
        opening = (f"# These checks run once those of the functions named here have passed.\n"
                   f"{start}{literal(list(after), 0, len(start))})")
    else:
        opening = f"checks_start({name})"
    return f"{opening}\n{source.strip(chr(10))}\nchecks_passed({name})\n"


def gate_checks(lesson: Lesson, notebook: Notebook, cells: Cells) -> Cells:
    """Each exercise's check code with the lines of gated(), from check_dependencies()."""
    waits = check_dependencies(notebook, cells)
    waited_for = {name for after in waits.values() for name in after}
    return [dataclasses.replace(cell, source=gated(cell.source, cell.exercise, waits[cell.exercise],
                                                   cell.exercise in waited_for)) if _is_check(cell) else cell
            for cell in cells]
