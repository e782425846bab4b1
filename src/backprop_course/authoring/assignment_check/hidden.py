"""Each mutant on the hidden cases, graded as a student's function is: some check fails and the
catalog names its own mistake; and the mutants of one function give different results there."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...grading.judge import judge
from ...grading.runner import Outcome
from .mutants import same_results
from .subject import Problem, Subject


@dataclass
class Hidden:
    """What grading made of one (mistake, function)'s mutant: a word for the table, the mistakes it
    is confused with, and its problems."""

    status: str
    confused: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def hidden_outcomes(subject: Subject, function_names) -> tuple[dict[tuple[str, str], Hidden], list[Problem]]:
    """What grading made of each (mistake, function)'s mutant; and the pairs of mutants it cannot tell apart."""
    found, pairs = {}, []
    for name in function_names:
        for mistake_id in subject.mutants_of(name):
            found[(mistake_id, name)] = _graded(subject, name, mistake_id)
        for (first, second), students in _ambiguous_pairs(subject, name).items():
            for one, other in ((first, second), (second, first)):
                found[(one, name)].confused.add(other)
            pairs.append(Problem(
                subject.file("cases.py"), f"the cases of {name}",
                f"{first} and {second} give the same results on the hidden cases of {_students(students)}",
                "make a case that tells them apart, or merge the two mistakes"))
    return found, pairs


def _graded(subject: Subject, name: str, mistake_id: str) -> Hidden:
    missed, named = [], {}
    for run in subject.runs(name):
        failures = [verdict.failure for verdict in judge(subject.contract, name, run.cases, run.outcomes[mistake_id])
                    if verdict.failure]
        if not failures:
            missed.append(run.student)
        for other in {failure.mistake for failure in failures} - {mistake_id}:
            named.setdefault(other, []).append(run.student)
    if missed:
        return Hidden("no", problems=[Problem(
            subject.file("cases.py"), f"the cases of {name}",
            f"{mistake_id}'s mutant passes every check on the hidden cases of {_students(missed)}",
            f"make the maker of {name} draw a case where it differs from the reference")])
    if named:
        others = ", ".join(sorted(named))
        return Hidden(f"named {others}", set(named), [Problem(
            subject.file("mistakes.py"), f"the recogniser of {mistake_id} for {name}",
            f"its mutant fails the checks, but grading names it {others} "
            f"({_students(sorted({student for students in named.values() for student in students}))})",
            f"make it recognise its mutant, or list {mistake_id} before a mistake whose recogniser claims it too")])
    return Hidden("yes")


def _ambiguous_pairs(subject: Subject, name: str) -> dict[tuple[str, str], list[str]]:
    """{(mistake, mistake): students on whose hidden cases their mutants give the same results}."""
    inputs = set(subject.contract.inputs_mistakes().values())
    ids = [mistake_id for mistake_id in subject.mutants_of(name) if mistake_id not in inputs]
    pairs: dict[tuple[str, str], list[str]] = {}
    for run in subject.runs(name):
        for first, second in itertools.combinations(ids, 2):
            if all(map(_same_outcome, run.outcomes[first], run.outcomes[second])):
                pairs.setdefault((first, second), []).append(run.student)
    return pairs


def _same_outcome(first: Outcome, second: Outcome) -> bool:
    if first.error or second.error:
        return first.error == second.error
    return same_results(first.value, second.value, equal_nan=True)


def _students(students: list[str]) -> str:
    shown = ", ".join(repr(student) for student in students[:3])
    more = f" and {len(students) - 3} more" if len(students) > 3 else ""
    return f"student{'s' if len(students) > 1 else ''} {shown}{more}"
