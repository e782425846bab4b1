"""The helper module shipped with the assignment, backprop_checks.py: the visible checks' helpers and hints.

Its text is written from this package's sources (notebook_helpers, numerics, kernel_side's plain
data) and facts (the contract's tolerances, the catalog's hints), so it needs numpy only and
holds no reference or mutant code. build-source writes it into source/<assignment>/, where
nbgrader copies it into release/ and solutions/, and grading writes the same text into each
kernel's working folder before the notebook's cells run.
"""

from __future__ import annotations

import inspect

from ..portable import kernel_side
from . import notebook_helpers, numerics
from .catalog import MATCH_TOLERANCE
from .contract import FD_STEP, REL_ERROR_FLOOR, REL_TOLERANCE

HELPER_MODULE = "backprop_checks"
HELPER_FILE = f"{HELPER_MODULE}.py"
# What the notebooks' given cells import from it.
HELPER_NAMES = (
    "FD_STEP", "REL_TOLERANCE", "Known", "assert_implemented", "centred_difference", "check_result",
    "check_unchanged", "rel_error",
)
SHIPPED = (
    numerics.rel_error,
    numerics.centred_difference,
    kernel_side.Unsupported,
    kernel_side.to_plain,
    notebook_helpers.Known,
    notebook_helpers.CheckError,
    notebook_helpers.check_result,
    notebook_helpers.check_unchanged,
    notebook_helpers._caller_line,
    notebook_helpers.first_difference,
    notebook_helpers.matches,
    notebook_helpers._close,
    notebook_helpers.describe,
    notebook_helpers._ratio,
    notebook_helpers._show,
    notebook_helpers.assert_implemented,
)

HEADER = '''"""Helpers of the backprop assignment's visible checks (the read-only cell after each answer).

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


def helper_module_text() -> str:
    """The text of backprop_checks.py."""
    hints = "".join(f"    {mistake_id!r}: {hint!r},\n" for mistake_id, hint in notebook_helpers.HINTS.items())
    constants = (
        f"REL_TOLERANCE = {REL_TOLERANCE!r}\nREL_ERROR_FLOOR = {REL_ERROR_FLOOR!r}\nFD_STEP = {FD_STEP!r}\n"
        f"# A result within this relative error of what a mistake gives is taken to be that mistake.\n"
        f"MATCH_TOLERANCE = {MATCH_TOLERANCE!r}\n"
        f"# Each mistake id with its hint, as the feedback words it.\nHINTS = {{\n{hints}}}\n"
    )
    sources = "\n\n".join(inspect.getsource(item) for item in SHIPPED)
    return f"{HEADER}\n{constants}\n\n{sources}"


def helper_import() -> str:
    """The import of the helpers in a notebook's given cell."""
    return (f"# The helpers of the checks, from {HELPER_FILE} beside this notebook.\n"
            f"from {HELPER_MODULE} import (\n    {', '.join(HELPER_NAMES)},\n)")
