"""Every assignment of the repository's course, for the tests that hold for any of them
(tests/test_assignment_battery.py): discovered from the assignments/ folder through the package's
loader, with the pieces those tests read (the mistakes module, a representative mutant of each
mistake, the hidden cases of a seed: the package's, which check-assignment reads too) and the
assignment's corpus, tests/corpora/<assignment>.py, where it has one."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from backprop_course.authoring.assignment_check.mutants import (  # noqa: F401 - the tests' names for them
    has_mutant_table,
    mistakes_module,
    representative_mutants,
    same_results,
    seeded_cases,
)
from backprop_course.course.contract import Contract
from backprop_course.course.paths import CourseDir
from backprop_course.course.scenario import case_function  # noqa: F401 - the reference as grading asks it, case by case

from . import REPO_COURSE, REPO_ROOT

ASSIGNMENTS = tuple(REPO_COURSE.assignment_names)
CORPORA = Path(__file__).resolve().parents[1] / "corpora"


def course_of(assignment: str) -> CourseDir:
    return CourseDir(REPO_ROOT, assignment=assignment)


def contract_of(assignment: str) -> Contract:
    return course_of(assignment).contract


def corpus_of(assignment: str) -> ModuleType | None:
    """tests/corpora/<assignment>.py, or None where the assignment has no corpus."""
    if not (CORPORA / f"{assignment}.py").is_file():
        return None
    return importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.corpora.{assignment}")
