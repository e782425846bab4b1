"""The classification assignment's mistake corpus, graded in this process and run through the released
check cells: each entry is named by its id after submission (and only there), and before submission
by its check cell, or is listed in CHECK_EXCEPTIONS with the reason; correct answers in other styles
get full points and pass their checks."""

from __future__ import annotations

import pytest

from backprop_course.course.mistake_ids import GENERIC, TIME_LIMIT

from .support.check_cells import MISTAKE_ID, check_cell_outcomes, run_check
from .support.classification import CONTRACT, COURSE
from .support.classification_corpus import CHECK_EXCEPTIONS, CORPUS, CORRECT_VARIANTS, MORE_MISTAKES
from .support.grading import failure_of, points_of, verdicts_of

GRADED_FUNCTIONS = CONTRACT.functions
ENTRIES = [("CORPUS", *entry) for entry in CORPUS] + [("MORE_MISTAKES", *entry) for entry in MORE_MISTAKES]


def test_the_corpus_covers_every_id_a_call_can_produce():
    own = {mistake.id for mistake in CONTRACT.own_mistakes}
    assert len(own) == 36 and set(CONTRACT.inputs_mistakes().values()) == {"sgd-mutates-input"}
    # sgd-mutates-input is charged by sgd_step's inputs-kept check, after a call: a call produces it too.
    assert {mistake_id for mistake_id, _, _ in CORPUS} == own | set(GENERIC) | {TIME_LIMIT}
    assert {mistake_id for mistake_id, _, _ in MORE_MISTAKES} <= own
    assert {function_name for function_name, _ in CORRECT_VARIANTS} == set(GRADED_FUNCTIONS)
    assert {key for key in CHECK_EXCEPTIONS} <= {(corpus, mistake_id) for corpus, mistake_id, _, _ in ENTRIES}


@pytest.mark.parametrize(
    ("mistake_id", "function_name", "code"),
    CORPUS + MORE_MISTAKES,
    ids=[f"{entry[0]}-{entry[1]}" for entry in CORPUS + MORE_MISTAKES],
)
def test_each_corpus_mistake_is_named_and_costs_points(mistake_id, function_name, code, monkeypatch):
    monkeypatch.setattr("backprop_course.grader.runner.CALL_TIME_LIMIT", 0.5)
    assert points_of(function_name, code, contract=CONTRACT) < GRADED_FUNCTIONS[function_name].points
    assert failure_of(function_name, code, contract=CONTRACT).mistake == mistake_id
    verdicts = verdicts_of(function_name, code, contract=CONTRACT)
    named = {verdict.failure.mistake for verdict in verdicts if verdict.failure}
    assert named == {mistake_id}, "every failed check of a function names the same mistake"


@pytest.mark.parametrize(("function_name", "code"), CORRECT_VARIANTS, ids=[entry[0] for entry in CORRECT_VARIANTS])
def test_correct_answers_in_other_styles_get_full_points_and_pass_their_check(function_name, code):
    assert points_of(function_name, code, contract=CONTRACT) == GRADED_FUNCTIONS[function_name].points
    assert failure_of(function_name, code, contract=CONTRACT) is None
    shown = run_check(COURSE, function_name, code)
    assert f"{function_name}: visible checks passed" in shown, shown
    assert not MISTAKE_ID.findall(shown), shown


def test_each_corpus_mistake_is_named_by_its_check_cell_or_listed_with_the_reason():
    named, wrong, table = check_cell_outcomes(COURSE, ENTRIES, CHECK_EXCEPTIONS)
    print(table)
    assert not wrong, "\n".join(wrong) + "\n\n" + table
    assert named == len(ENTRIES) - len(CHECK_EXCEPTIONS)


def test_the_solutions_pass_every_check():
    for function_name in GRADED_FUNCTIONS:
        shown = run_check(COURSE, function_name, None)
        assert shown == f"{function_name}: visible checks passed\n", shown
