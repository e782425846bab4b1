"""The code students are given: helpers copied from the reference's source, solution markers dropped.

Both the notebooks' given cells (authoring) and the grader's fresh copies of the given helpers
(grading.py) are written from here, so the two never differ.
"""

from __future__ import annotations

import inspect
import re

from . import reference

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", re.MULTILINE)


def given_code(names: tuple[str, ...]) -> str:
    """The source of the reference's functions named in names, without solution markers."""
    return "\n\n".join(SOLUTION_MARKER.sub("", inspect.getsource(getattr(reference, name))) for name in names)
