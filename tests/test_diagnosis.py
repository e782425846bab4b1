"""The mistake corpus, graded in this process: each entry is named by its id, and only there."""

from __future__ import annotations

import pytest

from .support.backprop import CATALOG, GENERIC, GRADED_FUNCTIONS, MISTAKES
from .support.grading import failure_of, points_of, verdicts_of
from .support.mistake_corpus import CORPUS, CORRECT_VARIANTS, MORE_MISTAKES

# Ids that only a notebook run, not a function call, can produce (the sandbox reports them).
NOTEBOOK_LEVEL = {"output-limit", "kernel-died", "memory-limit", "process-limit", "disk-limit"}


def test_every_catalog_id_has_a_hint_and_the_corpus_covers_every_id_a_call_can_produce():
    assert all(mistake.hint for mistake in CATALOG)
    assert len(MISTAKES) == len(CATALOG)
    assert {mistake_id for mistake_id, _, _ in CORPUS} == set(MISTAKES) - NOTEBOOK_LEVEL


@pytest.mark.parametrize(
    ("mistake_id", "function_name", "code"),
    CORPUS + MORE_MISTAKES,
    ids=[f"{entry[0]}-{entry[1]}" for entry in CORPUS + MORE_MISTAKES],
)
def test_each_corpus_mistake_is_named_and_costs_points(mistake_id, function_name, code, monkeypatch):
    monkeypatch.setattr("backprop_course.grader.runner.CALL_TIME_LIMIT", 0.5)
    assert points_of(function_name, code) < GRADED_FUNCTIONS[function_name].points
    assert failure_of(function_name, code).mistake == mistake_id
    named = {verdict.failure.mistake for verdict in verdicts_of(function_name, code) if verdict.failure}
    assert named == {mistake_id}, "every failed check of a function names the same mistake"


@pytest.mark.parametrize(("function_name", "code"), CORRECT_VARIANTS, ids=[entry[0] for entry in CORRECT_VARIANTS])
def test_correct_answers_in_other_styles_get_full_points(function_name, code):
    assert points_of(function_name, code) == GRADED_FUNCTIONS[function_name].points, failure_of(function_name, code)


def test_generic_ids_come_first_in_the_catalog():
    assert [mistake.id for mistake in CATALOG[: len(GENERIC)]] == list(GENERIC)
