"""What a lesson's author-only cell imports, so that the lesson runs as it is in a kernel with this package.

The build leaves that cell out and puts these names into the notebook another way (the given
cell, the checking helpers, known values written as literals).
"""

from __future__ import annotations

from ..contract import FD_STEP, REL_TOLERANCE
from ..numerics import centred_difference, rel_error
from .known import known

__all__ = ["FD_STEP", "REL_TOLERANCE", "centred_difference", "known", "rel_error"]
