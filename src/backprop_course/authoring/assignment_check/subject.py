"""What the checks of an assignment share: its contract, the students whose hidden cases they
use, each mistake's representative mutant run on those cases once, and the problems' form."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nbformat

from ...course.contract import Contract, Notebook
from ...course.paths import CourseDir
from ...course.scenario import PlayedCode, reference_result
from ...grading.runner import CALL_TIME_LIMIT, Outcome, run_cases
from ...in_kernel import kernel_side
from ..build import build_notebook
from .mutants import inputs_mutants, representative_mutants

# Whose hidden cases the checks draw (a student id seeds them): "" as `nbgrader validate` does,
# then made-up ids. Every check of a mutant must hold for each of them.
CHECK_STUDENTS = ("", *(f"check-{number}" for number in range(1, 8)))


@dataclass(frozen=True)
class Problem:
    """One trap found: the file to change, where in it, what is wrong, and what to do."""

    file: str
    where: str
    what: str
    todo: str

    def line(self) -> str:
        return f"{self.file}: {self.where}: {self.what}; {self.todo}"


@dataclass(frozen=True)
class Run:
    """One function on one student's hidden cases: the cases, the reference's plain results and
    each of its mutants' outcomes (by mistake id), as the grader gets them."""

    student: str
    cases: list[tuple]
    expected: list[Any]
    outcomes: dict[str, list[Outcome]]


@dataclass
class Subject:
    """The assignment being checked."""

    course: CourseDir
    contract: Contract
    students: tuple[str, ...] = CHECK_STUDENTS
    # Whether the course's source/ notebooks are the lessons' build as it is now (the build's
    # step after build-source): then they are read, not built again.
    source_built: bool = False
    mutants: dict[tuple[str, str], Callable] = field(init=False)
    _runs: dict[str, tuple[Run, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.mutants = {**representative_mutants(self.contract), **inputs_mutants(self.contract)}

    def file(self, name: str) -> str:
        """A file of the assignment's folder, as messages name it (from the course's root)."""
        path = self.course.assignment_folder / name
        try:
            return str(path.relative_to(self.course.root))
        except ValueError:
            return str(path)

    def built(self, notebook: Notebook) -> nbformat.NotebookNode:
        """notebook's source notebook, as build-source makes it from its lesson."""
        if self.source_built:
            return nbformat.read(self.course.source / notebook.filename, as_version=4)
        return build_notebook(self.course, notebook)

    def mutants_of(self, function_name: str) -> dict[str, Callable]:
        return {mistake_id: mutant for (mistake_id, name), mutant in sorted(self.mutants.items())
                if name == function_name}

    def expected(self, function_name: str, cases: list[tuple]) -> list[Any]:
        """The reference's plain results, each on a copy of its case."""
        return [reference_result(self.contract, function_name, copy.deepcopy(args)) for args in cases]

    def outcomes(self, function_name: str, mutant: Callable, cases: list[tuple]) -> list[Outcome]:
        """A mutant graded as a student's code is: called (or its scenario played, in the namespace
        its code makes) on each case, its callees the reference's."""
        contract = self.contract
        if isinstance(mutant, PlayedCode):
            # Its code and the reference's look names up in the reference's module, as PlayedCode plays.
            return run_cases(contract, function_name, mutant.namespace, cases, vars(contract.reference))
        if contract.functions[function_name].scenario is None:
            return run_cases(contract, function_name, {function_name: mutant}, cases)
        # No code to put in a notebook (a property's prediction): its whole play, called as a play is.
        return [Outcome(**found) for found in kernel_side.run_cases(mutant, cases, {}, CALL_TIME_LIMIT)]

    def runs(self, function_name: str) -> tuple[Run, ...]:
        """function_name's mutants on every student's hidden cases (the reference's results too),
        worked out once."""
        if function_name in self._runs:
            return self._runs[function_name]
        found = []
        for student in self.students:
            cases = self.contract.hidden_cases(function_name, student)
            outcomes = {mistake_id: self.outcomes(function_name, mutant, cases)
                        for mistake_id, mutant in self.mutants_of(function_name).items()}
            found.append(Run(student, cases, self.expected(function_name, cases), outcomes))
        self._runs[function_name] = tuple(found)
        return self._runs[function_name]


def case_label(run: Run, index: int) -> str:
    return f"hidden case {index} of student {run.student!r}"
