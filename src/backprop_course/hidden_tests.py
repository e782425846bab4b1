"""Entry point of the notebooks' hidden test cells: run, judge, report, return the score."""

from __future__ import annotations

from .cases import hidden_cases
from .contract import MISTAKES
from .judge import Verdict, judge
from .runner import run_cases


def feedback_lines(verdict: Verdict) -> list[str]:
    """What the student reads under the test cell: score, then the mistake id and its hint."""
    unit = "point" if verdict.max_points == 1 else "points"
    lines = [f"{verdict.function}: {verdict.points:g} of {verdict.max_points} {unit}"]
    if verdict.failure is None:
        lines.append("  passed every hidden check")
    else:
        failure = verdict.failure
        lines.append(f"  [{failure.mistake}] {MISTAKES[failure.mistake]}")
        lines.append(f"  detail: {failure.detail}")
    return lines


def grade(function_name: str, namespace: dict, student_id: str = "") -> float:
    """Grade namespace[function_name] on hidden inputs; the returned float is the cell's score."""
    cases = hidden_cases(function_name, student_id)
    outcomes = run_cases(function_name, namespace, cases)
    verdict = judge(function_name, hidden_cases(function_name, student_id), outcomes)
    print("\n".join(feedback_lines(verdict)))
    return verdict.points
