"""Entry point of the notebooks' hidden test lines: run, judge, report, return the score.

Submissions are graded by notebook_grading.py, which never runs these lines in a student's
kernel; they run where a notebook grades itself in a kernel that can import this package:
`nbgrader validate` of the source or the solutions, and tests. The kernel runs in the notebook's
folder of the course, so the assignment's folder is found above it.
"""

from __future__ import annotations

from pathlib import Path

from ..course.contract import Contract
from ..course.paths import contract_of
from ..grading.feedback import feedback_lines
from ..grading.judge import CheckVerdict, judge
from ..grading.runner import Outcome, run_cases

# Results of the last grading of each function in this kernel, so that the several check cells
# of one function run the student's code once. Keyed by the function object (a method's class),
# so a function redefined between two cells is graded again.
_graded: dict[tuple[str, str], tuple[object, list[CheckVerdict], Outcome]] = {}


def course_contract(assignment: str, start: Path | None = None) -> Contract:
    """The contract of assignment, from the first folder at or above start (the working folder)
    that holds the course's folder of it."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        found = contract_of(folder, assignment)
        if found is not None:
            return found
    raise LookupError(f"no folder of the assignment {assignment!r} in a course at or above {here}")


def grade(assignment: str, function_name: str, check_name: str, namespace: dict, student_id: str = "") -> float:
    """Grade one check of namespace[function_name]; the returned float is the cell's score.

    The hidden inputs are seeded with student_id (none when a notebook grades itself).
    """
    contract = course_contract(assignment)
    function = namespace.get(function_name.split(".")[0])  # a method's class
    cached = _graded.get((assignment, function_name))
    if cached is None or cached[0] is not function:
        cases = contract.hidden_cases(function_name, student_id)  # the runner gives the student copies of them
        outcomes = run_cases(contract, function_name, namespace, [*cases, contract.public_example(function_name)])
        verdicts = judge(contract, function_name, cases, outcomes[:-1])
        cached = _graded[(assignment, function_name)] = (function, verdicts, outcomes[-1])
    _, verdicts, public = cached
    verdict = next(found for found in verdicts if found.check == contract.check_named(function_name, check_name))
    print("\n".join(feedback_lines(contract, verdict, public)))
    return verdict.points
