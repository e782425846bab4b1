"""Learning from the class, in this process: a planted class of the classification assignment
(tests/support/learning_class.py) graded as the grader grades it, its unnamed failures grouped by
behaviour and measured against the planted mistakes; the report's sections; a group drafted into
a catalog entry (propose-mistake), vetted by check-assignment, and the class graded again with it.

The whole path through real kernels and `backprop-course autograde` is test_learning_class.py's."""

from __future__ import annotations

import collections
import json
import warnings

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbgrader.api import Gradebook
from sqlalchemy import create_engine
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session

from backprop_course.authoring.answer_code import RefusedAnswerError, draft_mutant
from backprop_course.authoring.assignment_check import check_assignment
from backprop_course.authoring.samples import fill_answers
from backprop_course.commands.propose_mistake import ProposeError, propose_mistake
from backprop_course.commands.report import AssignmentReport, StudentResult, render_html
from backprop_course.commands.report.groups import Answer, class_groupings, group_views
from backprop_course.commands.report.prevalence import latest_findings, prevalence
from backprop_course.course.loading import load_contract_folder
from backprop_course.grading.behaviour import MAX_VALUES, Behaviour, Finding, reference_behaviour
from backprop_course.grading.grouping import group_behaviours
from backprop_course.nbgrader_glue.findings_table import FindingRow, ensure_table, read_findings, write_findings

from .support import course_copy
from .support.classification import ASSIGNMENT, CONTRACT
from .support.learning_class import (
    CORRECT,
    UNNAMED,
    UNNAMED_PREFIX,
    findings_in_process,
    pair_scores,
    planted_class,
)

TOLERANCE = CONTRACT.tolerances.rel_tolerance


@pytest.fixture(scope="module")
def planted():
    return planted_class()


@pytest.fixture(scope="module")
def graded(planted):
    """{student: {function: finding}}, graded in this process."""
    return {student.student: findings_in_process(student) for student in planted}


def groupings_of(graded) -> dict:
    latest = {student: {function: FindingRow(student, CONTRACT.notebook_of[function].name, "", finding)
                        for function, finding in findings.items()} for student, findings in graded.items()}
    return class_groupings(CONTRACT, latest)


def test_the_class_is_at_least_60_students_with_4_unnamed_mistakes_each_written_several_ways(planted):
    assert len(planted) >= 60
    made = collections.defaultdict(set)
    for student in planted:
        for function, label in student.labels.items():
            if label.startswith(UNNAMED_PREFIX):
                made[label].add(student.answers[function])
    assert len(made) >= 4
    assert all(len(ways) >= 2 for ways in made.values())
    assert sum(1 for student in planted if set(student.labels.values()) == {CORRECT}) >= 10


def test_correct_students_are_in_no_group_and_catalog_mistakes_are_named_not_grouped(planted, graded):
    for student in planted:
        for function, label in student.labels.items():
            finding = graded[student.student][function]
            if label == CORRECT:
                assert finding.mistakes == () and finding.behaviour is None, (student.student, function)
            elif label in CONTRACT.mistakes:
                assert label in finding.mistakes and finding.behaviour is None, (student.student, function)
            else:  # unnamed: the grader's generic id only, and a behaviour recorded
                assert finding.behaviour is not None and set(finding.mistakes) <= {"wrong-value", "wrong-shape",
                                                                                  "not-finite"}


def test_the_groups_match_the_planted_mistakes(planted, graded, capsys):
    groupings = groupings_of(graded)
    labels = {student.student: student.labels for student in planted}
    scores = {}
    for function, grouping in groupings.items():
        grouped = {student: group.number for group in grouping.groups for student in group.students}
        assert not grouping.like_reference
        scores[function] = pair_scores(grouped, {student: labels[student][function] for student in grouped})
        for group in grouping.groups:  # nobody correct nor named by the catalog
            assert all(not (labels[student][function] == CORRECT or labels[student][function] in CONTRACT.mistakes)
                       for student in group.students)
    planted_functions = {function for function, _ in UNNAMED.values()}
    assert planted_functions <= set(groupings)
    precision = min(score[0] for score in scores.values())
    recall = min(score[1] for score in scores.values())
    with capsys.disabled():
        print(f"\ngrouping of {len(planted)} students: precision {precision:.3f}, recall {recall:.3f} "
              f"(the lowest of any function's)")
    assert precision >= 0.9 and recall >= 0.9
    sizes = {function: [group.size for group in grouping.shared] for function, grouping in groupings.items()}
    assert sizes["forward"] == [5]  # one of its ways gives NaN where the others overflow: joined in stage 2


def test_exact_groups_alone_split_a_mistake_that_the_looser_stage_joins(graded):
    behaviours = {student: findings["forward"].behaviour for student, findings in graded.items()
                  if findings["forward"].behaviour is not None}
    grouping = group_behaviours("forward", behaviours, reference_behaviour(CONTRACT, "forward"), TOLERANCE)
    (group,) = grouping.groups
    assert [len(variant.students) for variant in group.variants] == [4, 1]


def test_scalars_are_never_joined_by_a_factor_but_by_the_rounding_the_catalog_allows():
    """log base 2 and log base 10 differ by a factor on every case, but a scalar always fits a
    factor; code written differently may round differently, as far as the catalog's recognisers allow."""
    def scalar(values):
        return Behaviour.of([__import__("numpy").array(value) for value in values])

    reference = scalar([1.0, 2.0, 3.0, 4.0])
    log2 = [1.4, 2.9, 4.3, 5.8]
    behaviours = {"a": scalar(log2), "b": scalar([0.4, 0.9, 1.3, 1.7]),
                  "c": scalar([value * (1 + 3 * TOLERANCE) for value in log2])}
    grouping = group_behaviours("f", behaviours, reference, TOLERANCE)
    assert [(group.students, len(group.variants)) for group in grouping.groups] == [(("a", "c"), 2), (("b",), 1)]


def test_a_large_result_is_recorded_cut_down_and_students_stay_comparable():
    import numpy as np

    big = np.random.default_rng(0).normal(size=(100, 100))
    first, second = Behaviour.of([big]), Behaviour.of([big * (1 + 1e-12)])
    assert first.signature == "[a[100, 100]]" and first.results[0].size == MAX_VALUES
    assert len(first.text()) < 2_000
    grouping = group_behaviours("f", {"a": first, "b": second, "c": Behaviour.of([big + 1])},
                                Behaviour.of([big * 0]), TOLERANCE)
    assert [group.size for group in grouping.groups] == [2, 1]


def test_findings_round_trip_through_the_gradebook_table_and_resubmissions_count_as_fixed(tmp_path, graded):
    engine = create_engine(f"sqlite:///{tmp_path / 'gradebook.db'}")
    ensure_table(engine)
    student, findings = next(iter(graded.items()))
    with Session(engine) as db:
        for submitted, mistakes in (("2026-01-01 10:00:00", ("ce-sum-not-mean",)), ("2026-01-02 10:00:00", ())):
            records = [Finding("cross_entropy", mistakes).record()]
            write_findings(db, ASSIGNMENT, student, "softmax_classifier", submitted, records)
        write_findings(db, ASSIGNMENT, "other", "softmax_classifier", "",
                       [finding.record() for finding in findings.values()])
        write_findings(db, ASSIGNMENT, "other", "softmax_classifier", "",  # graded again: replaced
                       [finding.record() for finding in findings.values()])
        db.commit()
    rows = read_findings(str(engine.url), ASSIGNMENT)
    assert len(rows) == 2 + len(findings)
    assert {row.finding.function: row.finding for row in rows if row.student == "other"} == findings
    (made,) = [row for row in prevalence(CONTRACT, rows) if row.mistake == "ce-sum-not-mean"]
    assert made.students == (student,) and made.fixed_later == (student,)


def test_the_report_shows_groups_largest_first_with_their_answers_escaped(tmp_path, planted, graded):
    course = course_copy(tmp_path / "course")
    latest = {}
    answers = {student.student: student.answers for student in planted}
    hostile = "def cross_entropy(P, y):\n    return 0  # </code></pre><script>alert(1)</script>"
    for student, findings in graded.items():
        latest[student] = {function: FindingRow(student, CONTRACT.notebook_of[function].name, "", finding)
                           for function, finding in findings.items()}
    grouping = class_groupings(CONTRACT, latest)["cross_entropy"]
    first = grouping.groups[0].students[0]
    answers[first] = {**answers[first], "cross_entropy": hostile}
    for student in grouping.groups[0].students[:2]:
        write_autograded(course, student, answers[student])
    views = group_views(course, ASSIGNMENT, CONTRACT, grouping, latest)
    assert [view.group.size for view in views] == sorted((view.group.size for view in views), reverse=True)
    assert views[0].answers[0] == Answer(first, hostile) and len(views[0].answers) == 2
    assert views[0].case is not None and views[0].rows
    assert "on every common case" in views[0].looks_like  # a log's base: one factor
    assert views[0].nearest is not None
    max_points = {**{function: 2.0 for function in CONTRACT.functions}, "total": 28.0}
    report = AssignmentReport(ASSIGNMENT, {first: StudentResult(first)}, max_points, CONTRACT,
                              unnamed={"cross_entropy": (grouping, views)})
    page = render_html(report)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all("script") == []
    assert hostile in soup.find(id="unnamed-cross_entropy").get_text()
    assert "propose-mistake classification cross_entropy GROUP" in page


def write_autograded(course, student: str, answers: dict[str, str]) -> None:
    from backprop_course.course.cells import answer_id

    cells = {answer_id(function): code for function, code in answers.items()}
    folder = course.autograded / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in CONTRACT.notebooks:
        released = nbformat.read(course.of(ASSIGNMENT).release / notebook.filename, as_version=4)
        nbformat.write(fill_answers(released, cells), folder / notebook.filename)


def in_gradebook(db_url: str, students) -> None:
    """The assignment with its notebooks (no cells) and a submission of each student, in nbgrader's
    gradebook at db_url."""
    with Gradebook(db_url) as gradebook, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's add_submission, on SQLAlchemy 2
        gradebook.add_assignment(ASSIGNMENT)
        for notebook in CONTRACT.notebooks:
            gradebook.add_notebook(notebook.name, ASSIGNMENT)
        for student in students:
            gradebook.add_student(student)
            gradebook.add_submission(ASSIGNMENT, student)


@pytest.mark.slow  # check-assignment of the whole assignment
def test_a_proposed_mistake_accepted_unchanged_passes_the_check_and_names_its_group(tmp_path, planted, graded):
    course = course_copy(tmp_path / "course").of(ASSIGNMENT)
    in_gradebook(course.db_url, [student.student for student in planted])
    engine = create_engine(course.db_url)
    ensure_table(engine)
    with Session(engine) as db:
        for student in planted:
            for notebook in CONTRACT.notebooks:
                write_findings(db, ASSIGNMENT, student.student, notebook.name, "",
                               [graded[student.student][function.name].record() for function in notebook.functions])
            write_autograded(course, student.student, student.answers)
        db.commit()
    grouping = class_groupings(CONTRACT, latest_findings(read_findings(course.db_url, ASSIGNMENT)))["train"]
    group = grouping.group(1)
    proposal = propose_mistake(course, ASSIGNMENT, "train", 1)
    assert proposal.mistake == "train-group-1" and proposal.size == group.size
    report = check_assignment(course)
    assert report.ok, report.lines()
    contract = load_contract_folder(course.assignment_folder)
    assert contract.mistakes["train-group-1"].recognisers and contract.mistakes["train-group-1"].covers
    by_student = {student.student: student for student in planted}
    for student in group.students:  # graded again: named, the same points
        again = findings_in_process(by_student[student], contract)["train"]
        assert again.mistakes == ("train-group-1",) and again.behaviour is None
    others = [student for other in grouping.groups[1:] for student in other.students]
    for student in others:
        assert "train-group-1" not in findings_in_process(by_student[student], contract)["train"].mistakes
    with pytest.raises(ProposeError, match="no group 9"):
        propose_mistake(course, ASSIGNMENT, "train", 9)


@pytest.mark.parametrize("code, why", [
    ("import os\ndef f(x):\n    return os.getcwd()", "imports os"),
    ("def f(x, y=__import__('os')):\n    return x", "default value"),
    ("def f(x):\n    return x.__class__", "attribute __class__"),
    ("def f(x):\n    return np.load('secret.npy')", "attribute load"),
    ("def f(x):\n    return open('/etc/passwd').read()", "uses open"),
    ("@cache\ndef f(x):\n    return x", "decorator"),
    ("def f(x):\n    try:\n        return x\n    except:\n        return 0", "try"),
    ("def f(x):\n    return helper(x)", "uses helper"),
    ("def f(x):\n    return x +", "does not parse"),
])
def test_an_answer_that_could_reach_past_arithmetic_is_refused(code, why):
    with pytest.raises(RefusedAnswerError, match=why):
        draft_mutant(code, "f", (), "_mutant")


def test_a_drafted_mutant_keeps_the_function_and_calls_the_reference_for_callees():
    code = ("import math\nEPS = 1e-3\n\ndef softmax(Z):\n    return Z  # the student's own, replaced in grading\n\n"
            "def helper(v):\n    return v * 2\n\nprint('checking')\n\n"
            "def cross_entropy(P: 'np.ndarray', y) -> float:\n    print(P)\n"
            "    return -math.log(helper(softmax(P)[0, y[0]]) + EPS)\n")
    draft = draft_mutant(code, "cross_entropy", ("softmax",), "_ce_group_1")
    assert draft.uses_reference and "def _ce_group_1(P, y):" in draft.source
    assert "reference.softmax(P)" in draft.source and "def helper" in draft.source and "EPS = 0.001" in draft.source
    assert "print" not in draft.source and "checking" not in draft.source and "np.ndarray" not in draft.source
    namespace = {"reference": CONTRACT.reference}
    exec(draft.source, namespace)  # noqa: S102 - our own test's code
    assert json.dumps(namespace["_ce_group_1"](__import__("numpy").full((2, 3), 0.25), [1]))
