"""The shipped backprop assignment, read from its folder of the repository's course, under the
names the tests use (its contract, checks, cases, catalog, reference, mistakes and helpers)."""

from __future__ import annotations

from backprop_course.course import recognisers  # noqa: F401 - the generic pieces its mistakes.py uses
from backprop_course.course.cells import GIVEN_CELL_ID  # noqa: F401
from backprop_course.course.contract import COURSE_ID, SOLUTION_MARKER, Contract, Notebook  # noqa: F401
from backprop_course.course.helper_module import helper_module_text as _helper_module_text
from backprop_course.course.helper_module import helper_namespace
from backprop_course.course.mistake_ids import GENERIC, LIMIT_IDS  # noqa: F401
from backprop_course.course.paths import CourseDir

from . import REPO_ROOT

ASSIGNMENT = "backprop"
CONTRACT: Contract = CourseDir(REPO_ROOT, assignment=ASSIGNMENT).contract
SINGLE_NEURON, MULTILAYER = CONTRACT.notebooks
NOTEBOOKS = CONTRACT.notebooks
GRADED_FUNCTIONS = CONTRACT.functions
NOTEBOOK_OF = CONTRACT.notebook_of
(MANUAL_GRADE_ID,) = CONTRACT.manual_grade_ids
REL_TOLERANCE = CONTRACT.tolerances.rel_tolerance
FD_STEP = CONTRACT.tolerances.fd_step
CHECKS = CONTRACT.checks
check_named = CONTRACT.check_named
check_of_cell = CONTRACT.check_of_cell
hidden_cases = CONTRACT.hidden_cases
public_example = CONTRACT.public_example
PUBLIC_EXAMPLES = {name: function.public_example for name, function in GRADED_FUNCTIONS.items()}
reference = CONTRACT.reference
mutants = mistakes = __import__(CONTRACT.reference.__package__ + ".mistakes", fromlist=["RECOGNISERS"])
CATALOG = CONTRACT.catalog
MISTAKES = CONTRACT.mistakes
hint = CONTRACT.hint
HELPER_MODULE = CONTRACT.helper_module
HELPER_FILE = CONTRACT.helper_file
# The helpers of the visible checks, as the assignment's helper module defines them.
HELPERS = helper_namespace(CONTRACT)
Known = HELPERS["Known"]
check_result = HELPERS["check_result"]
HINTS = HELPERS["HINTS"]


def helper_module_text() -> str:
    return _helper_module_text(CONTRACT)
