"""Entry point of the notebooks' hidden test lines: run, judge, report, return the score.

Submissions are graded by grading.py, which never runs these lines in a student's kernel; they
run where a notebook grades itself in a kernel that can import this package: `nbgrader validate`
of the source or the solutions, and tests. feedback_lines is the text of every graded cell.
"""

from __future__ import annotations

import numpy as np

from ..course import reference
from ..course.cases import hidden_cases, public_example
from ..course.catalog import hint
from ..course.checks import VALUES, check_named
from ..course.plain import leaves, to_plain
from ..grader.judge import CheckVerdict, judge
from ..grader.runner import Outcome, run_cases

# Results of the last grading of each function in this kernel, so that the several check cells
# of one function run the student's code once. Keyed by the function object, so a function
# redefined between two cells is graded again.
_graded: dict[str, tuple[object, list[CheckVerdict], Outcome]] = {}


def _show(value) -> str:
    arrays = [leaf for _, leaf in leaves(value) if isinstance(leaf, np.ndarray)]
    parts = [np.array2string(array, precision=4, threshold=8) for array in arrays]
    text = ", ".join(parts) if parts else str(value)
    return text if len(text) <= 200 else text[:200] + " ..."


def feedback_lines(verdict: CheckVerdict, public: Outcome | None = None) -> list[str]:
    """What the student reads under a test cell: the check's score, then the mistake and its hint."""
    check = verdict.check
    unit = "point" if check.points == 1 else "points"
    lines = [f"{check.function}: {check.title}: {verdict.points:g} of {check.points} {unit}"]
    if verdict.failure is None:
        lines.append("  passed every hidden check")
        return lines
    failure = verdict.failure
    lines.append(f"  [{failure.mistake}] {hint(failure.mistake)}")
    lines.append(f"  detail: {failure.detail}")
    if check.kind == VALUES and public is not None and public.error is None:
        expected = to_plain(getattr(reference, check.function)(*public_example(check.function)))
        lines.append("  on the public example in this cell's assert_implemented line:")
        lines.append(f"    yours:    {_show(public.value)}")
        lines.append(f"    expected: {_show(expected)}")
    return lines


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
