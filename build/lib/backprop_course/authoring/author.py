"""What a lesson's author-only cell imports, so that the lesson runs as it is in a kernel with this package.

The build leaves that cell out and puts these names into the notebook another way: the helpers
come from backprop_checks.py (helper_module.py writes it from the same sources), known() calls
are written as the Known values they return here.
"""

from __future__ import annotations

from ..course.contract import FD_STEP, REL_TOLERANCE
from ..course.notebook_helpers import check_result, check_unchanged
from ..course.numerics import centred_difference, rel_error
from .known import known

__all__ = ["FD_STEP", "REL_TOLERANCE", "centred_difference", "check_result", "check_unchanged", "known", "rel_error"]
