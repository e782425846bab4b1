"""The released check cells name mistakes offline, from plain numbers, and ship nothing they must not.

Each corpus submission's function runs through its released check cell in a plain Python
namespace: the released given cell (which imports the released backprop_checks.py), the
solutions' answers for the other functions, the student's answer, then the check cell.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from .corpora.backprop import CORPUS, CORRECT_VARIANTS, MORE_MISTAKES
from .support import REPO_COURSE
from .support.backprop import (
    GRADED_FUNCTIONS,
    HELPER_FILE,
    NOTEBOOKS,
    SOLUTION_MARKER,
    helper_module_text,
    hidden_cases,
    mistakes,
    recognisers,
    reference,
)
from .support.check_cells import MISTAKE_ID, check_cell_outcomes, run_check

COURSE = REPO_COURSE
ENTRIES = [("CORPUS", *entry) for entry in CORPUS] + [("MORE_MISTAKES", *entry) for entry in MORE_MISTAKES]

# Where a check cell cannot name the corpus entry's id, what it does instead, and why.
EXCEPTIONS = {
    ("CORPUS", "not-implemented"): (
        "NotImplementedError", "the check stops with the student's own stub's NotImplementedError"),
    ("CORPUS", "raised-error"): (
        "ValueError", "the check stops with the student's own exception and traceback"),
    ("CORPUS", "time-limit"): (
        "visible checks passed", "the loop only starts on inputs larger than the check's example (size 3)"),
    ("CORPUS", "grad-scale"): (
        "[wrong-value]", "any factor but 1 and -1 is this mistake: a property, not numbers to precompute; "
                         "the check says 'yours is 0.5 times the expected values'"),
    ("CORPUS", "sgd-ignores-learning-rate"): (
        "[wrong-value]", "a step of 0.01 * grad: the catalog tells it by one factor over cases with different "
                         "learning rates; only the step param - grad is precomputed"),
    ("CORPUS", "mlp-grad-missing-key"): (
        "[wrong-shape]", "recognised by the keys (a property); the check says which keys it expected and got"),
    ("MORE_MISTAKES", "mlp-grad-transposed"): (
        "[wrong-value]", "entries permuted by a reshape, not transposed: recognised by sorting (a property)"),
    ("MORE_MISTAKES", "grad-scale"): (
        "[wrong-value]", "as grad-scale above: the check says 'yours is 3 times the expected values'"),
}


def test_each_corpus_mistake_is_named_by_its_check_cell_or_listed_with_the_reason():
    named, wrong, table = check_cell_outcomes(COURSE, ENTRIES, EXCEPTIONS)
    print(table)
    assert not wrong, "\n".join(wrong) + "\n\n" + table
    assert named == len(ENTRIES) - len(EXCEPTIONS) == 33


@pytest.mark.parametrize(("function_name", "code"), CORRECT_VARIANTS, ids=[entry[0] for entry in CORRECT_VARIANTS])
def test_a_correct_answer_in_another_style_passes_its_check_and_is_named_nothing(function_name, code):
    shown = run_check(COURSE, function_name, code)
    assert f"{function_name}: visible checks passed" in shown, shown
    assert not MISTAKE_ID.findall(shown), shown


def test_the_solutions_pass_every_check():
    for function_name in GRADED_FUNCTIONS:
        shown = run_check(COURSE, function_name, None)
        assert shown == f"{function_name}: visible checks passed\n", shown


# ----- what ships: no reference code, no mutant code, no hidden input -----------------------

def shipped_texts() -> dict[str, str]:
    """Every released notebook's cell sources and the released helper module."""
    texts = {HELPER_FILE: (COURSE.release / HELPER_FILE).read_text()}
    for notebook in NOTEBOOKS:
        cells = nbformat.read(COURSE.release / notebook.filename, as_version=4).cells
        texts[notebook.filename] = "\n".join(cell.source for cell in cells)
    return texts


def solution_lines(function_name: str) -> list[str]:
    """The lines of the reference's solution of function_name (between its solution markers)."""
    source = inspect.getsource(getattr(reference, function_name))
    body = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip()]


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def test_no_reference_solution_ships():
    """No solution as a whole, and none of its lines of some length (the hints restate short formulas
    of the lesson, such as `s = sigmoid(z)`, in words students read in their feedback anyway)."""
    for name, text in shipped_texts().items():
        given = next((nb.given for nb in NOTEBOOKS if nb.filename == name), ())
        for function_name in GRADED_FUNCTIONS:
            if function_name in given:
                continue  # a given helper of this notebook (graded in the other one) is meant to be there
            lines = solution_lines(function_name)
            assert _squeezed(" ".join(lines)) not in _squeezed(text), f"{name} holds {function_name}'s solution"
            found = [line for line in lines if len(line) >= 25 and line in text]
            assert not found, f"{name} holds lines of {function_name}'s solution: {found}"
        assert not SOLUTION_MARKER.search(text) and "BEGIN SOLUTION" not in text and "backprop_course" not in text


def test_no_mutant_or_recogniser_code_ships():
    source = "\n".join(inspect.getsource(module) for module in (mistakes, recognisers))
    code_lines = [line.strip() for line in source.splitlines()
                  if re.match(r"\s+(return |delta|z = |grads\[|a = |.*reference\.)", line) and len(line.strip()) >= 20]
    assert len(code_lines) > 20
    for name, text in shipped_texts().items():
        found = [line for line in code_lines if line in text]
        assert not found, f"{name} holds catalog code: {found}"


def test_no_hidden_input_ships():
    students = ["", "alice", "bob", "carol", "solution_student"]
    values = set()
    for function_name in GRADED_FUNCTIONS:
        for student in students:
            for case in hidden_cases(function_name, student):
                for leaf in _numbers(case):
                    values |= {repr(leaf), f"{leaf:.10g}"} if isinstance(leaf, float) else {str(leaf)}
    distinctive = {value for value in values if len(value.lstrip("-").replace(".", "").lstrip("0")) >= 6}
    assert len(distinctive) > 1000
    for name, text in shipped_texts().items():
        found = sorted(value for value in distinctive if value in text)
        assert not found, f"{name} holds hidden inputs: {found[:5]}"


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, np.ndarray):
        yield from (float(item) for item in value.ravel())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def test_the_helper_module_needs_numpy_alone_and_defines_every_name_it_uses():
    text = helper_module_text()
    imported = set(re.findall(r"^(?:from|import) (\w+)", text, re.MULTILINE))
    assert imported == {"__future__", "dataclasses", "inspect", "numpy", "typing"}
    lint = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--isolated", "--select", "F",
                           "--stdin-filename", HELPER_FILE, "-"], input=text, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
