"""The helper module shipped with an assignment (its helper_module, e.g. <name>_checks.py): the
visible checks' helpers and hints.

Its text is written from this package's sources (notebook_helpers, numerics, wire.py's plain
data) and the assignment's facts (its tolerances, its catalog's hints), so it needs numpy only
and holds no reference or mutant code. build-source writes it into source/<assignment>/, where
nbgrader copies it into release/ and solutions/, and grading writes the same text into each
kernel's working folder before the notebook's cells run.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import types
from collections.abc import Iterator

from ..in_kernel import wire
from . import notebook_helpers, numerics
from .contract import Contract
from .mistake_ids import NOT_FLOAT
from .numerics import REL_ERROR_FLOOR
from .play_helpers import SCENARIO_HELPER_NAMES, scenario_helpers_text, scenarios_of
from .recognisers import MATCH_TOLERANCE

# What the notebooks' given cells import from it.
HELPER_NAMES = (
    "FD_STEP", "REL_TOLERANCE", "Known", "assert_implemented", "centred_difference", "check_result",
    "check_unchanged", "checks_passed", "checks_start", "rel_error",
)
SHIPPED = (
    numerics.rel_error,
    numerics.centred_difference,
    wire.Unsupported,
    wire.to_plain,
    wire.integer_part,
    notebook_helpers.Known,
    notebook_helpers.CheckError,
    notebook_helpers.check_result,
    notebook_helpers.check_unchanged,
    notebook_helpers.checks_start,
    notebook_helpers.checks_passed,
    notebook_helpers._caller_line,
    notebook_helpers.first_difference,
    notebook_helpers.matches,
    notebook_helpers._close,
    notebook_helpers.describe,
    notebook_helpers._ratio,
    notebook_helpers._show,
    notebook_helpers.assert_implemented,
)

HEADER = '''"""Helpers of the {name} assignment's visible checks (the read-only cell after each answer).

The notebooks import them from this file, which must stay beside them. check_result compares
your result on a check's example with its known value; when it differs, it names the mistake
your result matches, if it matches a common one, or says what differs. Needs numpy only.
Written by the course's tools: do not edit (the graders use their own copy).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
'''


def helper_module_text(contract: Contract) -> str:
    """The text of the assignment's helper module."""
    hints = "".join(f"    {mistake.id!r}: {mistake.hint!r},\n" for mistake in contract.catalog)
    mutated = "".join(f"    {name!r}: {mistake!r},\n" for name, mistake in contract.inputs_mistakes().items())
    tolerances = contract.tolerances
    constants = (
        f"REL_TOLERANCE = {tolerances.rel_tolerance!r}\nREL_ERROR_FLOOR = {REL_ERROR_FLOOR!r}\n"
        f"FD_STEP = {tolerances.fd_step!r}\n"
        f"# A result within this relative error of what a mistake gives is taken to be that mistake.\n"
        f"MATCH_TOLERANCE = {MATCH_TOLERANCE!r}\n"
        f"# Each mistake id with its hint, as the feedback words it.\nHINTS = {{\n{hints}}}\n"
        f"# The mistake of a function that modifies the arguments it was given.\nINPUTS_MUTATED = {{\n{mutated}}}\n"
        f"# The functions whose results are floats: an integer result fails their checks.\n"
        f"FLOAT_RESULTS = {contract.float_results!r}\nNOT_FLOAT = {NOT_FLOAT!r}\n"
        f"# How each function's visible checks last ended in this kernel (checks_start, checks_passed).\n"
        f"CHECKS_SEEN = {{}}\n"
    )
    sources = "\n\n".join(inspect.getsource(item) for item in SHIPPED)
    return f"{HEADER.format(name=contract.name)}\n{constants}\n\n{sources}" + scenario_helpers_text(contract)


@contextlib.contextmanager
def helper_module_importable(contract: Contract) -> Iterator[types.ModuleType]:
    """While the block runs, `import <helper_module>` finds the module the assignment ships, run
    from its text (as students get it); whatever held that name before is put back after."""
    name = contract.helper_module
    module = types.ModuleType(name)
    previous = sys.modules.get(name)
    sys.modules[name] = module  # before its code runs: its dataclass looks itself up there
    try:
        exec(compile(helper_module_text(contract), contract.helper_file, "exec"), module.__dict__)  # noqa: S102
        yield module
    finally:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous


def helper_namespace(contract: Contract) -> dict:
    """The names of the assignment's helper module, run from its text (as students get it)."""
    with helper_module_importable(contract) as module:
        return module.__dict__


def helper_import(contract: Contract) -> str:
    """The import of the helpers in a notebook's given cell."""
    scenario_names = f"    {', '.join(SCENARIO_HELPER_NAMES)},\n" if scenarios_of(contract) else ""
    return (f"# The helpers of the checks, from {contract.helper_file} beside this notebook.\n"
            f"from {contract.helper_module} import (\n    {', '.join(HELPER_NAMES)},\n{scenario_names})")
