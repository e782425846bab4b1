"""Grading a student's function in this process, from its source: a notebook's namespace, the verdicts, the points.

Each helper grades against the backprop assignment unless it is given another assignment's contract.
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

import numpy as np

from backprop_course.authoring.lesson import read_lesson
from backprop_course.course.contract import Contract
from backprop_course.grading.judge import first_failure, judge
from backprop_course.grading.runner import run_cases

from .backprop import CONTRACT, MULTILAYER, Notebook


@functools.cache
def given_imports(folder: str, notebook_name: str) -> str:
    """The code a notebook's given cell starts with: its lesson's given cell (its imports)."""
    lesson = read_lesson(Path(folder) / "lessons" / f"{notebook_name}.py")
    return next(cell.source for cell in lesson.cells if cell.role == "given")


def notebook_namespace(student_code: str = "", notebook: Notebook = MULTILAYER, graded: str = "") -> dict:
    """What a notebook's globals hold: numpy and its given cell's imports, its given helpers, then
    the student's cells. With graded (a function or method of the notebook) the notebook's other
    answers are there too, as the solutions' (a scenario's steps may call them: a train_step
    beside the train that is graded), unless the student's code defines them."""
    namespace = {"np": np}
    contract = notebook.contract
    exec(given_imports(contract.folder, notebook.name), namespace)
    for name in notebook.given:
        namespace[name] = contract.reference_function(name)
    if graded:
        own = graded.split(".")[0]
        namespace.update({root: contract.reference_function(root) for function in notebook.functions
                          if (root := function.name.split(".")[0]) != own})
    exec(textwrap.dedent(student_code), namespace)
    return namespace


def verdicts_of(function_name: str, student_code: str, student_id: str = "someone", contract: Contract = CONTRACT):
    namespace = notebook_namespace(student_code, contract.notebook_of[function_name], graded=function_name)
    cases = contract.hidden_cases(function_name, student_id)
    return judge(contract, function_name, cases, run_cases(contract, function_name, namespace, cases))


def points_of(function_name: str, student_code: str, contract: Contract = CONTRACT) -> float:
    return sum(verdict.points for verdict in verdicts_of(function_name, student_code, contract=contract))


def failure_of(function_name: str, student_code: str, contract: Contract = CONTRACT):
    return first_failure(verdict.failure for verdict in verdicts_of(function_name, student_code, contract=contract))
