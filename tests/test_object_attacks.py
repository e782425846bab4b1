"""The attack corpus aimed at classes and methods (tests/support/object_attack_corpus.py): the autograd
assignment's attackers graded beside its honest samples, serially by `nbgrader autograde` and
concurrently by `backprop-course autograde --jobs 2`. Each attack earns nothing for the checks it
attacks, everything else of its student is an honest answer at full marks, and the honest students
keep theirs."""

from __future__ import annotations

import pytest

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .support import course_copy
from .support.batches import (
    CONCURRENT,
    SERIAL,
    assert_gradebook_holds_only_grades,
    files_under,
    grade_in_mode,
)
from .support.object_attack_corpus import ATTACKS, attack_students
from .support.released import release_by_copy
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [pytest.mark.slow, needs_sandbox]

ASSIGNMENT = "autograd"
HONEST = ("alice", "bob")
CAP_OPTIONS = ("--SandboxedGrading.cell_timeout=8", "--SandboxedGrading.call_timeout=1")
STUDENTS = attack_students()
STUDENT_OF = {attack.student: student for student, attacks in STUDENTS.items() for attack in attacks}


@pytest.fixture(scope="module", params=[SERIAL, CONCURRENT])
def graded(request, tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("objattacks") / "course").of(ASSIGNMENT)
    release_by_copy(course, [ASSIGNMENT])
    answers = {student: answers_from_source((course.sample_answers / f"{student}.py").read_text())
               for student in HONEST}
    for student in HONEST:
        write_submission(course.release, answers[student], course.submission(student))
    for student, attacks in STUDENTS.items():
        written = answers["alice"]
        for attack in attacks:
            written = attack.answers(written)
        write_submission(course.release, written, course.submission(student))
    before = files_under(course)
    failed = grade_in_mode(course, request.param, CAP_OPTIONS)
    return {"course": course, "failed": failed, "before": before, "after": files_under(course),
            "scores": notebook_scores(course.db_url, ASSIGNMENT),
            "cells": {student: cell_scores(course.db_url, ASSIGNMENT, student) for student in STUDENTS}}


def attacked_grade_ids(contract, attack) -> set[str]:
    ids = set()
    for target in attack.attacked:
        function, _, check = target.partition(":")
        ids |= {c.grade_id for c in contract.checks[function] if not check or c.name == check}
    return ids


def test_every_student_is_graded_and_the_honest_keep_their_marks(graded):
    assert graded["failed"] == []
    expected = expected_scores(graded["course"])
    for student in HONEST:
        assert {name: score.auto_score for name, score in graded["scores"][student].items()} == expected[student]
    assert set(graded["scores"]) == {*HONEST, *STUDENTS}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.student)
def test_an_attack_earns_nothing_for_what_it_attacks(graded, attack):
    cells = graded["cells"][STUDENT_OF[attack.student]]
    earned = {grade_id: cells[grade_id][0] for grade_id in attacked_grade_ids(graded["course"].contract, attack)}
    assert earned and set(earned.values()) == {0.0}, (attack.what, earned)


def test_the_rest_of_an_attackers_work_is_graded_in_full(graded):
    contract = graded["course"].contract
    for student, attacks in STUDENTS.items():
        attacked = set().union(*(attacked_grade_ids(contract, attack) for attack in attacks))
        short = {grade_id: score for grade_id, score in graded["cells"][student].items()
                 if grade_id not in attacked and score[0] != score[1]}
        assert short == {}, student


def test_the_course_and_the_gradebook_come_out_as_they_went_in(graded):
    assert graded["after"] == graded["before"]
    assert_gradebook_holds_only_grades(graded["course"].gradebook)
    assert sandboxed_kernels() == ""
