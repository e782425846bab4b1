"""The second assignment, classification, graded as a class hands it in: its sample students, its
mistake corpus (written as students write) and the attack corpus in one batch, graded serially by
`nbgrader autograde` and concurrently by `backprop-course autograde --jobs 2`. Nothing here is
particular to the assignment but its corpus: the grader was not changed to grade it."""

from __future__ import annotations

import sys
import uuid

import nbformat
import pytest

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .corpora.classification import CORPUS, MORE_MISTAKES
from .support import course_copy
from .support.attack_corpus import ATTACKS, target_places
from .support.batches import (
    CONCURRENT,
    SERIAL,
    assert_gradebook_holds_only_grades,
    files_under,
    grade_in_mode,
    students_of,
    submit_attackers,
)
from .support.classification import ASSIGNMENT, CONTRACT
from .support.released import release_by_copy
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [pytest.mark.slow, needs_sandbox]

HONEST = ("alice", "bob")
CAP_OPTIONS = ("--SandboxedGrading.cell_timeout=8", "--SandboxedGrading.call_timeout=1")


@pytest.fixture(scope="module", params=[SERIAL, CONCURRENT])
def graded(request, tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("classification") / "course").of(ASSIGNMENT)
    release_by_copy(course, [ASSIGNMENT])  # nbgrader generate_assignment of it, once per session
    answers = {student: answers_from_source((course.sample_answers / f"{student}.py").read_text())
               for student in HONEST}
    for student in HONEST:
        write_submission(course.release, answers[student], course.submission(student))
    corpus_students = students_of(CORPUS + MORE_MISTAKES)
    for student, mistakes in corpus_students.items():
        mistaken = {f"answer_{name}": code.strip("\n") for name, (_, code) in mistakes.items()}
        write_submission(course.release, {**answers["alice"], **mistaken}, course.submission(student))
    tag = f"cl-attack-{uuid.uuid4().hex[:10]}"
    places = {"course": str(course.root), "gradebook": str(course.gradebook), "tag": tag, "python": sys.executable,
              **target_places(CONTRACT)}
    submit_attackers(course, answers["alice"], places)
    before = files_under(course)
    failed = grade_in_mode(course, request.param, CAP_OPTIONS)
    return {
        "course": course,
        "tag": tag,
        "failed": failed,
        "corpus": corpus_students,
        "before": before,
        "after": files_under(course),
        "scores": notebook_scores(course.db_url, ASSIGNMENT),
    }


def autograded_text(course: CourseDir, student: str, notebook) -> str:
    cells = nbformat.read(course.autograded / student / ASSIGNMENT / notebook.filename, as_version=4).cells
    return "\n".join(str(output.get("text", "")) for cell in cells for output in cell.get("outputs", []))


def test_every_student_is_graded_and_the_samples_score_as_expected(graded):
    assert graded["failed"] == []
    expected = expected_scores(graded["course"])
    for student in HONEST:
        assert {name: score.auto_score for name, score in graded["scores"][student].items()} == expected[student]
    assert set(graded["scores"]) == {*HONEST, *graded["corpus"], *(attack.student for attack in ATTACKS)}


def test_each_mistake_costs_points_only_in_its_function_and_is_named(graded):
    course = graded["course"]
    for student, mistakes in graded["corpus"].items():
        scores = cell_scores(course.db_url, ASSIGNMENT, student)
        lost = {function for function, checks in CONTRACT.checks.items()
                if any(scores[check.grade_id][0] < scores[check.grade_id][1] for check in checks)}
        assert lost == set(mistakes), student
        for function_name, (mistake_id, _) in mistakes.items():
            text = autograded_text(course, student, CONTRACT.notebook_of[function_name])
            assert f"[{mistake_id}]" in text, (student, function_name, mistake_id)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.student)
def test_an_attacker_earns_only_what_its_functions_earn(graded, attack):
    scores, expected = graded["scores"][attack.student], attack.expected_points(CONTRACT)
    assert {name: scores[name].auto_score for name in expected} == expected, attack.what


def test_the_course_and_the_gradebook_come_out_as_they_went_in(graded):
    assert graded["after"] == graded["before"]
    assert_gradebook_holds_only_grades(graded["course"].gradebook)
    assert sandboxed_kernels() == ""
