"""Learning from the class through the real tools: a dozen students of the planted class
(tests/support/learning_class.py) graded by `backprop-course autograde --jobs 2` in sandboxed
kernels, the report's groups and prevalence, a group drafted by `propose-mistake`, accepted as
drafted, vetted by `check-assignment`, and the class graded again: the group's students named by
the new id, every score unchanged."""

from __future__ import annotations

import csv

import nbformat
import pytest
from bs4 import BeautifulSoup

from backprop_course.authoring.samples import write_submission
from backprop_course.cli import main
from backprop_course.commands.report import prevalence_path, report_path
from backprop_course.nbgrader_glue.findings_table import read_findings
from backprop_course.nbgrader_glue.gradebook import cell_scores

from .support.classification import ASSIGNMENT, CONTRACT
from .support.learning_class import CORRECT, UNNAMED_PREFIX, planted_class
from .support.released import released_copy
from .support.sandbox import needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]

GROUPED = UNNAMED_PREFIX + "ce-log2"  # the mistake the test drafts into the catalog


def a_dozen():
    """Those of the planted class who write log base 2 or the Jacobian's diagonal twice, two
    correct students and one who makes only a catalog mistake."""
    chosen, correct, catalog = [], [], []
    for student in planted_class():
        labels = set(student.labels.values())
        if labels & {GROUPED, UNNAMED_PREFIX + "jacobian-diagonal-twice"}:
            chosen.append(student)
        elif labels == {CORRECT}:
            correct.append(student)
        elif len(labels - {CORRECT}) == 1 and (labels - {CORRECT}) <= set(CONTRACT.mistakes):
            catalog.append(student)
    return chosen + correct[:2] + catalog[:1]


def run(course, *argv) -> int:
    return main(["--course-dir", str(course.root), *argv])


def test_grade_group_propose_check_and_grade_again(tmp_path, capsys):
    course = released_copy(tmp_path / "course", [ASSIGNMENT]).of(ASSIGNMENT)
    students = a_dozen()
    assert 10 <= len(students) <= 14
    for student in students:
        write_submission(course.release, student.answer_cells(), course.submission(student.student))
    assert run(course, "autograde", ASSIGNMENT, "--jobs", "2", "--no-progress") == 0
    before = {student.student: cell_scores(course.db_url, ASSIGNMENT, student.student) for student in students}

    rows = {(row.student, row.finding.function): row.finding for row in read_findings(course.db_url, ASSIGNMENT)}
    assert len(rows) == len(students) * len(CONTRACT.functions)  # a finding per graded function, on SQLite
    for student in students:
        for function, label in student.labels.items():
            finding = rows[(student.student, function)]
            assert (finding.behaviour is not None) == label.startswith(UNNAMED_PREFIX), (student.student, function)
            assert (label in finding.mistakes) == (label in CONTRACT.mistakes), (student.student, function)

    capsys.readouterr()
    assert run(course, "report", ASSIGNMENT) == 0
    assert "unnamed mistakes shared by several students: cross_entropy group 1 (5)" in capsys.readouterr().out
    page = BeautifulSoup(report_path(course, ASSIGNMENT).read_text(), "html.parser")
    assert page.find_all("script") == []
    group = page.find(id="group-cross_entropy-1")
    log2 = sorted(student.student for student in students if GROUPED in student.labels.values())
    assert "5 students" in group.h4.get_text() and all(student in group.get_text() for student in log2)
    assert len(group.find_all("pre")) >= 2  # different answers of the group, as text
    assert page.find(id="group-softmax_jacobian-1") is not None
    with prevalence_path(course, ASSIGNMENT).open() as file:
        counted = {(row["function"], row["mistake"]): int(row["students"]) for row in csv.DictReader(file)}
    unnamed = [student for student in students if student.labels["cross_entropy"].startswith(UNNAMED_PREFIX)]
    assert counted[("cross_entropy", "wrong-value")] == len(unnamed)

    assert run(course, "propose-mistake", ASSIGNMENT, "cross_entropy", "1") == 0
    assert "cross-entropy-group-1: 5 students" in capsys.readouterr().out
    assert run(course, "check-assignment", ASSIGNMENT) == 0, capsys.readouterr().out
    assert run(course, "autograde", ASSIGNMENT, "--jobs", "2", "--no-progress") == 0

    for student in students:
        assert cell_scores(course.db_url, ASSIGNMENT, student.student) == before[student.student], student.student
    rows = {(row.student, row.finding.function): row.finding for row in read_findings(course.db_url, ASSIGNMENT)}
    for student in students:
        named = rows[(student.student, "cross_entropy")].mistakes == ("cross-entropy-group-1",)
        assert named == (student.student in log2), student.student
    feedback = nbformat.read(course.autograded / log2[0] / ASSIGNMENT / "softmax_classifier.ipynb", as_version=4)
    printed = "".join(output.get("text", "") for cell in feedback.cells for output in cell.get("outputs", []))
    assert "[cross-entropy-group-1]" in printed
