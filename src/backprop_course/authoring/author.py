"""What a lesson's author-only cell imports, so that the lesson runs as it is in a kernel with this package.

The build leaves that cell out and puts these names into the notebook another way: the helpers
come from the assignment's helper module (helper_module.py writes it from the same sources), the
given helpers and solutions from its reference, known() calls are written as the Known values
they return here. The assignment is the one whose folder holds the working folder (a lesson runs
in its assignments/<name>/lessons/ folder), so any of its reference's functions can be imported
from here by name too.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..course.helper_module import helper_namespace
from ..course.loading import CONTRACT_FILE, load_contract_folder
from ..course.numerics import centred_difference, rel_error
from .known import known as known_of

HELPER_NAMES = ("FD_STEP", "REL_TOLERANCE", "check_result", "check_unchanged", "play")
__all__ = ["centred_difference", "rel_error"]


def lesson_assignment(start: Path | None = None):
    """The assignment whose folder holds start (the working folder by default)."""
    here = Path(start or Path.cwd()).resolve()
    folder = next((folder for folder in (here, *here.parents) if (folder / CONTRACT_FILE).is_file()), None)
    if folder is None:
        raise LookupError(f"no {CONTRACT_FILE} at or above {here}: run the lesson in its assignment's folder")
    return load_contract_folder(folder)


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    contract = lesson_assignment()
    if name == "known":
        return functools.partial(known_of, contract)
    if name in HELPER_NAMES:
        return helper_namespace(contract)[name]
    if hasattr(contract.reference, name):
        return contract.reference_function(name)
    raise AttributeError(f"{name} is neither a helper of the checks nor a function of {contract.name}'s reference")
