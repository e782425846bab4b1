"""A term through nbgrader's own exchange: release, fetch, submit, collect, grade, feedback, late penalty."""

from __future__ import annotations

import csv
import datetime
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import answers_from_source, expected_scores, fill_answers
from backprop_course.commands.demo import export
from backprop_course.commands.report import graded_function_of
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.apps import nbgrader

from .support import course_copy
from .support.backprop import ASSIGNMENT, CONTRACT, COURSE_ID, NOTEBOOKS

pytestmark = pytest.mark.slow

ON_TIME_STUDENT = "alice"
LATE_STUDENT = "bob"


@dataclass(frozen=True)
class Term:
    """A course copy, its exchange, and each student's home folder after the whole round trip."""

    course: CourseDir
    exchange: Path
    homes: dict[str, Path]
    duedate: str

    def exchange_options(self, home: Path | None = None) -> list[str]:
        cache = (home or self.course.root) / ".nbgrader-cache"
        return [f"--Exchange.root={self.exchange}", f"--Exchange.cache={cache}"]

    def as_student(self, student: str, *args: str) -> str:
        """Run `nbgrader ARGS` in the student's home folder under the student's id; return its log."""
        home = self.homes[student]
        options = [f"--course={COURSE_ID}", f"--student={student}", *self.exchange_options(home)]
        result = nbgrader(*args, *options, course=CourseDir(home))
        return result.stdout + result.stderr

    def as_instructor(self, *args: str) -> str:
        result = nbgrader(*args, *self.exchange_options(), course=self.course)
        return result.stdout + result.stderr


def answer_fetched_notebooks(folder: Path, answers_file: Path) -> None:
    """Write the student's answers into the fetched notebooks, as the student would in Jupyter."""
    answers = answers_from_source(answers_file.read_text())
    for notebook in NOTEBOOKS:
        path = folder / notebook.filename
        nbformat.write(fill_answers(nbformat.read(path, as_version=4), answers), path)


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def each_student(term: Term, *args: str) -> None:
    """Run the same student command for every student at once (nbgrader's start-up dominates)."""
    with ThreadPoolExecutor(max_workers=len(term.homes)) as pool:
        list(pool.map(lambda student: term.as_student(student, *args), term.homes))


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory, graded_course: CourseDir) -> Term:
    """The round trip for one student on time and one after the deadline.

    The course copy starts from the graded course's gradebook, which already holds the
    assignment and its cells (what `nbgrader generate_assignment` records), to save a release.
    """
    root = tmp_path_factory.mktemp("term")
    exchange = root / "exchange"
    exchange.mkdir()
    homes = {student: root / "home" / student for student in (ON_TIME_STUDENT, LATE_STUDENT)}
    for home in homes.values():
        home.mkdir(parents=True)
    term = Term(course_copy(root / "course"), exchange, homes, duedate="")
    shutil.copy2(graded_course.gradebook, term.course.gradebook)
    term.as_instructor("release_assignment", ASSIGNMENT)
    each_student(term, "fetch_assignment", ASSIGNMENT)
    for student, home in homes.items():
        answer_fetched_notebooks(home / ASSIGNMENT, term.course.sample_answers / f"{student}.py")
    term.as_student(ON_TIME_STUDENT, "submit", ASSIGNMENT)
    # The deadline passes between the two submissions (what `nbgrader db assignment add --duedate` sets).
    duedate = utc_now()
    with Gradebook(f"sqlite:///{term.course.gradebook}") as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=duedate)
    term.as_student(LATE_STUDENT, "submit", ASSIGNMENT)
    term.as_instructor("collect", ASSIGNMENT)
    term.as_instructor("autograde", ASSIGNMENT, "--LateSubmissionPlugin.penalty_method=zero")
    term.as_instructor("generate_feedback", ASSIGNMENT)
    term.as_instructor("release_feedback", ASSIGNMENT)
    each_student(term, "fetch_feedback", ASSIGNMENT)
    return Term(term.course, exchange, homes, duedate)


def fetched_feedback(home: Path, notebook_name: str) -> str:
    pages = sorted((home / ASSIGNMENT / "feedback").glob(f"*/{notebook_name}.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text()


def test_collect_takes_each_students_submission_from_the_exchange(term):
    for student in term.homes:
        for notebook in NOTEBOOKS:
            assert (term.course.submission(student) / notebook.filename).is_file(), (student, notebook.name)


def score_line(function_name: str, score: float, max_score: float) -> re.Pattern:
    """`<function>: 1 of 2 points`, or with a check's name: `<function>: <check>: 1 of 2 points`."""
    unit = "point" if max_score == 1 else "points"
    return re.compile(rf"{re.escape(function_name)}: (?:[^\n<]*: )?{score:g} of {max_score:g} {unit}\b")


def test_each_student_fetches_feedback_with_their_score_lines(term):
    with Gradebook(f"sqlite:///{term.course.gradebook}") as gradebook:
        for student, home in term.homes.items():
            for notebook in NOTEBOOKS:
                page = fetched_feedback(home, notebook.name)
                graded = gradebook.find_submission_notebook(notebook.name, ASSIGNMENT, student).grades
                lines = 0
                for grade in graded:
                    function = graded_function_of(CONTRACT, grade.name, notebook.name)
                    if function is not None:
                        assert score_line(function, grade.score, grade.max_score).search(page), (student, grade.name)
                        lines += 1
                assert lines >= len(notebook.functions)


def test_the_exchange_round_trip_grades_like_the_samples(term):
    expected = expected_scores(term.course)
    with Gradebook(f"sqlite:///{term.course.gradebook}") as gradebook:
        for student in term.homes:
            for notebook in NOTEBOOKS:
                submitted = gradebook.find_submission_notebook(notebook.name, ASSIGNMENT, student)
                autograded = sum(grade.auto_score or 0.0 for grade in submitted.grades)
                assert autograded == pytest.approx(expected[student][notebook.name]), (student, notebook.name)


def test_a_late_submission_gets_the_zero_penalty_and_an_on_time_one_none(term):
    with Gradebook(f"sqlite:///{term.course.gradebook}") as gradebook:
        on_time = gradebook.find_submission(ASSIGNMENT, ON_TIME_STUDENT)
        late = gradebook.find_submission(ASSIGNMENT, LATE_STUDENT)
        assert on_time.total_seconds_late == 0
        assert on_time.late_submission_penalty == 0
        assert late.total_seconds_late > 0
        assert late.score > 0
        assert late.late_submission_penalty == pytest.approx(late.score)
    export(term.course)  # nbgrader export subtracts the penalty: score = raw_score - late_submission_penalty
    with term.course.grades_csv.open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows[LATE_STUDENT]["score"]) == 0
    assert float(rows[LATE_STUDENT]["late_submission_penalty"]) == pytest.approx(float(rows[LATE_STUDENT]["raw_score"]))
    assert float(rows[ON_TIME_STUDENT]["raw_score"]) > 0
    assert float(rows[ON_TIME_STUDENT]["score"]) == pytest.approx(float(rows[ON_TIME_STUDENT]["raw_score"]))
