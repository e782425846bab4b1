"""Entry point of the notebooks' hidden test lines: run, judge, report, return the score.

Submissions are graded by grading.py, which never runs these lines in a student's kernel; they
run where a notebook grades itself in a kernel that can import this package: `nbgrader validate`
of the source or the solutions, and tests.
"""

from __future__ import annotations

from ..course.cases import hidden_cases, public_example
from ..course.checks import check_named
from ..grader.feedback import feedback_lines
from ..grader.judge import CheckVerdict, judge
from ..grader.runner import Outcome, run_cases

# Results of the last grading of each function in this kernel, so that the several check cells
# of one function run the student's code once. Keyed by the function object, so a function
# redefined between two cells is graded again.
_graded: dict[str, tuple[object, list[CheckVerdict], Outcome]] = {}


def grade(function_name: str, check_name: str, namespace: dict, student_id: str = "") -> float:
    """Grade one check of namespace[function_name]; the returned float is the cell's score.

    The hidden inputs are seeded with student_id (none when a notebook grades itself).
    """
    student = student_id
    function = namespace.get(function_name)
    cached = _graded.get(function_name)
    if cached is None or cached[0] is not function:
        cases = hidden_cases(function_name, student)  # the runner gives the student copies of them
        outcomes = run_cases(function_name, namespace, [*cases, public_example(function_name)])
        verdicts = judge(function_name, cases, outcomes[:-1])
        cached = _graded[function_name] = (function, verdicts, outcomes[-1])
    _, verdicts, public = cached
    verdict = next(found for found in verdicts if found.check == check_named(function_name, check_name))
    print("\n".join(feedback_lines(verdict, public)))
    return verdict.points
