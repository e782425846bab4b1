"""Grading a student's function in this process, from its source: a notebook's namespace, the verdicts, the points."""

from __future__ import annotations

import textwrap

import numpy as np

from backprop_course.grader.judge import first_failure, judge
from backprop_course.grader.runner import run_cases

from .backprop import CONTRACT, MULTILAYER, NOTEBOOK_OF, Notebook, hidden_cases, reference


def notebook_namespace(student_code: str = "", notebook: Notebook = MULTILAYER) -> dict:
    """What a notebook's globals hold: numpy, its given helpers, then the student's cells."""
    namespace = {"np": np}
    for name in notebook.given:
        namespace[name] = getattr(reference, name)
    exec(textwrap.dedent(student_code), namespace)
    return namespace


def verdicts_of(function_name: str, student_code: str, student_id: str = "someone"):
    namespace = notebook_namespace(student_code, NOTEBOOK_OF[function_name])
    cases = hidden_cases(function_name, student_id)
    return judge(CONTRACT, function_name, cases, run_cases(CONTRACT, function_name, namespace, cases))


def points_of(function_name: str, student_code: str) -> float:
    return sum(verdict.points for verdict in verdicts_of(function_name, student_code))


def failure_of(function_name: str, student_code: str):
    return first_failure(verdict.failure for verdict in verdicts_of(function_name, student_code))
