"""An assignment's contract as the grader sees it (Contract): its notebooks, functions, checks,
catalog and reference, read from the assignment's folder of the course (loading.py); no
assignment's names are written in this package. `assignment`, elsewhere in the package, is
nbgrader's assignment id (the folder's name), never this object."""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from .cells import answer_id, test_id, visible_check_id
from .dependencies import names_used, reachable
from .mistake_ids import DTYPE_HINTS, GENERIC_HINTS, LIMIT_HINTS, NOT_FLOAT
from .plain import same_structure
from .recognisers import Cases, Raises, Recognise, Results, predictions
from .scenario import Scenario

log = logging.getLogger(__name__)

# The product's id, part of every hidden case's seed (with the assignment, notebook, function, student).
COURSE_ID = "backprop-course"

STRUCTURE = "structure"  # runs, and returns the right types, keys, lengths and shapes
VALUES = "values"  # the chosen parts of the result are finite and within the tolerance
INPUTS_KEPT = "inputs-kept"  # the arguments are unchanged after the call
CHECK_KINDS = (STRUCTURE, VALUES, INPUTS_KEPT)
# What a graded function's `dtype` may say: every number of its result is a float (an integer
# result fails its structure check, not-float, and its visible check).
FLOAT64 = "float64"
DTYPES = (FLOAT64,)

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", re.MULTILINE)

Path = tuple


@dataclass(frozen=True)
class Tolerances:
    """How results are compared: rel_error(actual, expected) <= rel_tolerance after equal shapes;
    fd_step is the step of the visible checks' centred differences."""

    rel_tolerance: float
    fd_step: float
    cases_per_function: int


@dataclass(frozen=True)
class Check:
    """One graded test cell: what it checks and what it is worth."""

    function: str
    name: str
    points: int
    kind: str
    title: str
    parts: Callable[[Any], list[Path]] | None = None  # for VALUES: paths into the result
    mistake: str = ""  # for INPUTS_KEPT: the mistake id a call that modifies its arguments gets

    @property
    def grade_id(self) -> str:
        return f"{test_id(self.function)}_{self.name}"


@dataclass(frozen=True)
class GradientOf:
    """What a graded function is the gradient of (assignment.toml's optional gradient_of): loss, a
    Python expression in the function's parameters, np and the reference's names, differentiated
    with respect to the parameters wrt; the result is that gradient, or a tuple of them in wrt's
    order when wrt is a list. A dict parameter's gradient is a dict with its keys."""

    loss: str
    wrt: tuple[str, ...]
    several: bool = False


@dataclass(frozen=True)
class GradedFunction:
    """One function the students write, as the contract names it."""

    name: str
    signature: str
    points: int
    public_example: str = ""  # arguments in plain sight, as Python text (np and the reference's names)
    checks: tuple[Check, ...] = ()
    gradient_of: GradientOf | None = None
    scenario: Scenario | None = None  # when graded through steps (scenario.py) rather than by a call
    dtype: str = ""  # FLOAT64 where the lesson says the result is floats; "" says nothing of it

    @property
    def answer_id(self) -> str:
        return answer_id(self.name)

    @property
    def visible_check_id(self) -> str:
        return visible_check_id(self.name)

    @property
    def test_id(self) -> str:
        return test_id(self.name)


@dataclass(frozen=True)
class Notebook:
    """One notebook of the assignment with its graded functions, in order."""

    name: str
    functions: tuple[GradedFunction, ...]
    given: tuple[str, ...]
    manual_points: int = 0
    manual_grade_id: str = ""
    manual_title: str = ""
    contract: Contract | None = field(default=None, compare=False, repr=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def autograded_points(self) -> int:
        return sum(function.points for function in self.functions)


@dataclass(frozen=True)
class Mistake:
    """One catalog entry: its id, the hint students read, and where and how it is recognised."""

    id: str
    hint: str
    recognisers: tuple[tuple[str, Recognise], ...] = ()  # (graded function, recogniser) pairs
    covers: str = ""  # what its recognisers take to be this mistake, in words, for the catalog page


@dataclass
class Contract:
    """The contract of one assignment folder: its notebooks, reference, hidden cases and mistake catalog."""

    name: str
    helper_module: str
    tolerances: Tolerances
    notebooks: tuple[Notebook, ...]
    own_mistakes: tuple[Mistake, ...]
    reference: ModuleType
    makers: dict[str, Callable[[np.random.Generator, int], tuple]]
    folder: str = ""  # where it was read from, for messages
    digest: str = ""  # of its files: what a precomputed result and a worker's copy are checked against

    def __post_init__(self):
        self.notebooks = tuple(_with_contract(notebook, self) for notebook in self.notebooks)
        self.functions = {function.name: function for nb in self.notebooks for function in nb.functions}
        self.notebook_of = {function.name: nb for nb in self.notebooks for function in nb.functions}
        self.checks = {name: function.checks for name, function in self.functions.items()}
        self.check_of_grade_id = {check.grade_id: check for checks in self.checks.values() for check in checks}
        generic = tuple(Mistake(mistake_id, hint) for mistake_id, hint in GENERIC_HINTS.items())
        if self.float_results:
            generic += (Mistake(NOT_FLOAT, DTYPE_HINTS[NOT_FLOAT]),)
        limits = tuple(Mistake(mistake_id, hint) for mistake_id, hint in LIMIT_HINTS.items())
        self.catalog = (*generic, *self.own_mistakes, *limits)
        self.mistakes = {mistake.id: mistake for mistake in self.catalog}

    # ----- the contract -------------------------------------------------------------------------

    @property
    def helper_file(self) -> str:
        return f"{self.helper_module}.py"

    @property
    def float_results(self) -> tuple[str, ...]:
        """The graded functions whose results the contract says are floats (dtype = "float64")."""
        return tuple(function.name for nb in self.notebooks for function in nb.functions if function.dtype == FLOAT64)

    @property
    def manual_grade_ids(self) -> tuple[str, ...]:
        return tuple(notebook.manual_grade_id for notebook in self.notebooks if notebook.manual_points)

    def notebook(self, name: str) -> Notebook | None:
        return next((notebook for notebook in self.notebooks if notebook.name == name), None)

    def callees(self, function_name: str) -> tuple[str, ...]:
        """What the reference stands in for while function_name is graded: its notebook's given
        helpers and the graded functions before it. Functions are graded in notebook order, so a
        callee's own grade is settled before anything can call the reference in its place."""
        notebook = self.notebook_of[function_name]
        earlier = [function.name for function in notebook.functions]
        return (*notebook.given, *earlier[: earlier.index(function_name)])

    def graded_callees(self, function_name: str) -> tuple[str, ...]:
        """The graded functions of function_name's notebook that its reference calls, directly or
        through one another, in notebook order (read from the reference's code). Its visible
        checks run only once theirs pass; its grading stands the reference in for them (callees)."""
        order = [function.name for function in self.notebook_of[function_name].functions]

        def called(name: str) -> set[str]:
            return names_used(inspect.getsource(self.reference_function(name))) & set(order)

        return reachable(function_name, called, order)

    def check_named(self, function_name: str, check_name: str) -> Check:
        return next(check for check in self.checks[function_name] if check.name == check_name)

    def check_of_cell(self, grade_id: str) -> Check | None:
        """The check a graded test cell grades, from its grade_id; None for any other cell."""
        return self.check_of_grade_id.get(grade_id)

    # ----- the reference and the cases ----------------------------------------------------------

    def reference_function(self, name: str) -> Callable:
        """The reference's function, class or (Class.method) method of that name."""
        return functools.reduce(getattr, name.split("."), self.reference)

    def given_code(self, names: tuple[str, ...]) -> str:
        """The source of the reference's functions named in names, without solution markers."""
        return "\n\n".join(SOLUTION_MARKER.sub("", inspect.getsource(self.reference_function(name))) for name in names)

    def solution_source(self, name: str) -> str:
        """The reference's source of a graded function (of its class, for a method), its solution
        between the markers."""
        return inspect.getsource(self.reference_function(name.split(".")[0]))

    def seed_for(self, function_name: str, student_id: str = "") -> int:
        """A seed from the course, assignment, notebook, function and student: stable across runs."""
        notebook = self.notebook_of[function_name].name
        key = "/".join((COURSE_ID, self.name, notebook, function_name, student_id))
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")

    def hidden_cases(self, function_name: str, student_id: str = "") -> list[tuple]:
        """The argument tuples the grader calls function_name with, fresh arrays on every call."""
        rng = np.random.default_rng(self.seed_for(function_name, student_id))
        make = self.makers[function_name]
        return [make(rng, case) for case in range(self.tolerances.cases_per_function)]

    def public_example(self, function_name: str) -> tuple:
        """The public example's arguments as values (the notebook evaluates the same text)."""
        names = {"np": np, **{name: value for name, value in vars(self.reference).items() if not name.startswith("_")}}
        return eval(f"({self.functions[function_name].public_example},)", names)  # noqa: S307 - the course's text

    # ----- the catalog --------------------------------------------------------------------------

    def hint(self, mistake_id: str) -> str:
        return self.mistakes[mistake_id].hint

    def recognisers_of(self, function_name: str):
        for mistake in self.catalog:
            for name, recognise in mistake.recognisers:
                if name == function_name:
                    yield mistake.id, recognise

    def diagnose(self, function_name: str, cases: Cases, expected: Results, actual: Results) -> str | None:
        """The first catalog mistake whose recogniser for function_name matches the results, if any.

        Each recogniser gets its own copy of the cases. One that raises is not this mistake; it is
        logged, as an author's error where the results have the reference's structure (plain data
        it must read: `backprop-course check-assignment` finds these before grading), and quietly
        where they do not (a result too far off for this recogniser to read).
        """
        readable = len(actual) == len(expected) and all(map(same_structure, actual, expected))
        for mistake_id, recognise in self.recognisers_of(function_name):
            try:
                if recognise(copy.deepcopy(cases), expected, actual):
                    return mistake_id
            except Exception as error:  # an author's code: any error at all, logged and passed over
                log.log(logging.ERROR if readable else logging.DEBUG,
                        "assignment %s, function %s: the recogniser of mistake %s raised %s: %s%s", self.name,
                        function_name, mistake_id, type(error).__name__, error,
                        "" if readable else " (on a result of another structure than the reference's)")
        return None

    def diagnose_error(self, function_name: str, messages: list[str]) -> str | None:
        """The first catalog mistake recognised for function_name by the errors its calls raised
        (messages as grading reports them), if any."""
        return next((mistake_id for mistake_id, recognise in self.recognisers_of(function_name)
                     if isinstance(recognise, Raises) and recognise.raised(messages)), None)

    def mistake_predictions(self, function_name: str, args: tuple, expected: Any) -> list[tuple[str, Any]]:
        """(id, result) for what each mistake of function_name predicts on one case, in catalog order."""
        found = []
        for mistake_id, recognise in self.recognisers_of(function_name):
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    found += [(mistake_id, result) for result in predictions(recognise, copy.deepcopy(args), expected)]
            except (ValueError, TypeError, IndexError, KeyError, AttributeError, FloatingPointError):
                continue  # a mutant that cannot run on these arguments predicts nothing here
        return found

    def inputs_mistakes(self) -> dict[str, str]:
        """{function: mistake id} for the functions whose arguments a check keeps unchanged."""
        return {check.function: check.mistake for checks in self.checks.values() for check in checks
                if check.kind == INPUTS_KEPT}


def _with_contract(notebook: Notebook, contract: Contract) -> Notebook:
    object.__setattr__(notebook, "contract", contract)
    return notebook
