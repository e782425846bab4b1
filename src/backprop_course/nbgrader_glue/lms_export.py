"""nbgrader export plugins that write grades for an LMS: Canvas's gradebook CSV, Moodle's grading worksheet."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry, Student
from nbgrader.plugins import ExportPlugin
from traitlets import Dict

CANVAS_IDENTITY_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
# Canvas's own export writes this label (leading spaces included); its importer looks for "Points Possible".
CANVAS_POINTS_POSSIBLE = "    Points Possible"

MOODLE_COLUMNS = (
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
)
# Moodle's importer drops this many leading characters of an Identifier and reads the rest as
# the participant number ("Participant 4711" -> 4711).
MOODLE_PARTICIPANT = "Participant "
MOODLE_NO_SUBMISSION = "No submission"
MOODLE_SUBMITTED = "Submitted for grading"
MOODLE_GRADED = "Submitted for grading - Graded"


class ExportError(ValueError):
    """The export cannot be written as asked, for example a worksheet for two assignments."""


@dataclass(frozen=True)
class Result:
    """One student's result on one assignment, reckoned as nbgrader's own CSV exporter does."""

    submitted: bool
    raw_score: float
    late_penalty: float
    max_score: float
    timestamp: datetime | None  # UTC, as nbgrader stores it
    needs_manual_grade: bool
    notebooks: tuple[tuple[str, float, float], ...]  # (name, score, max_score)

    @property
    def score(self) -> float:
        """The score after the late penalty, never below zero; 0 without a submission."""
        return max(0.0, self.raw_score - self.late_penalty)


def student_result(gradebook: Gradebook, assignment: str, student_id: str) -> Result:
    """The student's result on the assignment; no submission counts 0 points, as in nbgrader's export."""
    max_score = gradebook.find_assignment(assignment).max_score
    try:
        submission = gradebook.find_submission(assignment, student_id)
    except MissingEntry:
        return Result(
            submitted=False,
            raw_score=0.0,
            late_penalty=0.0,
            max_score=max_score,
            timestamp=None,
            needs_manual_grade=False,
            notebooks=(),
        )
    notebooks = tuple(
        (notebook.name, notebook.score, notebook.max_score)
        for notebook in sorted(submission.notebooks, key=lambda notebook: notebook.name)
    )
    return Result(
        submitted=True,
        raw_score=submission.score,
        late_penalty=submission.late_submission_penalty or 0.0,
        max_score=max_score,
        timestamp=submission.timestamp,
        needs_manual_grade=submission.needs_manual_grade,
        notebooks=notebooks,
    )


def selected_students(gradebook: Gradebook, student_ids: list[str]) -> list[Student]:
    """The gradebook's students (by last, then first name), only those in student_ids if any are given."""
    return [student for student in gradebook.students if not student_ids or student.id in student_ids]


def points(value: float) -> str:
    """Points as both LMSs write them: two decimals, a dot, no thousands separator."""
    return f"{value:.2f}"


@contextmanager
def exit_on_error(log: logging.Logger) -> Iterator[None]:
    """Log an export that cannot be done (or an assignment not in the gradebook) and exit with 1."""
    try:
        yield
    except (ExportError, MissingEntry) as error:
        log.error("%s", error)
        raise SystemExit(1) from None


def write_csv(path: str | Path, rows: list[list[str]]) -> None:
    """UTF-8 CSV with every field quoted and CRLF line ends (RFC 4180)."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL).writerows(rows)


# Canvas


def canvas_name(student: Student) -> str:
    """Canvas's sortable name, "Last, First" (the student id when the gradebook has no name)."""
    return ", ".join(name for name in (student.last_name, student.first_name) if name) or student.id


def canvas_rows(
    gradebook: Gradebook, assignments: list[str], student_ids: list[str], columns: dict[str, str]
) -> list[list[str]]:
    """Header, the Points Possible row, then one row per student with a column per assignment."""
    names = assignments or [assignment.name for assignment in gradebook.assignments]
    maxima = [gradebook.find_assignment(name).max_score for name in names]
    blank_identity = [""] * (len(CANVAS_IDENTITY_COLUMNS) - 1)
    rows = [
        [*CANVAS_IDENTITY_COLUMNS, *(columns.get(name, name) for name in names)],
        [CANVAS_POINTS_POSSIBLE, *blank_identity, *(points(maximum) for maximum in maxima)],
    ]
    for student in selected_students(gradebook, student_ids):
        identity = [canvas_name(student), student.lms_user_id or "", "", student.id, ""]
        rows.append([*identity, *(points(student_result(gradebook, name, student.id).score) for name in names)])
    return rows


class CanvasExportPlugin(ExportPlugin):
    """Canvas's gradebook CSV: one row per student, one column per assignment (Canvas: Grades > Import).

    The columns are those Canvas's own gradebook export starts with and its importer reads:
    Student (the sortable name "Last, First"), ID (Canvas's user id: nbgrader's lms_user_id, which
    Canvas matches first), SIS User ID (left empty: nbgrader does not know it), SIS Login ID
    (nbgrader's student id, which Canvas matches next, so JupyterHub logins that are the campus
    logins need no lms_user_id), and Section (empty; Canvas ignores it on import, but its importer
    requires the column to end the student columns). Then one column per assignment, headed with
    the assignment's name (or its Canvas title from `assignment_columns`), and a second row,
    "Points Possible", with each assignment's maximum. A score is nbgrader's after the late
    penalty, never below 0; no submission scores 0, as in nbgrader's own CSV export.
    """

    assignment_columns = Dict(
        {},
        help=(
            "Canvas column header for an nbgrader assignment, for example "
            "{'backprop': 'Backprop (4711)'}: Canvas matches 'Title (assignment id)' to its "
            "assignment exactly; otherwise it matches the plain title or creates an assignment."
        ),
    ).tag(config=True)

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "canvas_grades.csv"
        assignments = [str(name) for name in self.assignment]
        students = [str(student) for student in self.student]
        with exit_on_error(self.log):
            rows = canvas_rows(gradebook, assignments, students, dict(self.assignment_columns))
        write_csv(destination, rows)
        self.log.info("Wrote Canvas gradebook CSV for %d students to %s", len(rows) - 2, destination)


# Moodle


def moodle_identifier(lms_user_id: str | None) -> str:
    """Moodle's "Participant N" from the lms_user_id N (or the whole Identifier); empty when unknown."""
    if not lms_user_id:
        return ""
    return lms_user_id if lms_user_id.startswith(MOODLE_PARTICIPANT) else MOODLE_PARTICIPANT + lms_user_id


def moodle_time(moment: datetime | None) -> str:
    """ISO 8601 with its UTC offset, which PHP's strtotime (Moodle's importer) reads exactly; "-" for none."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def moodle_status(result: Result) -> str:
    if not result.submitted:
        return MOODLE_NO_SUBMISSION
    return MOODLE_SUBMITTED if result.needs_manual_grade else MOODLE_GRADED


def moodle_feedback(result: Result) -> str:
    """Points per notebook and any late penalty, e.g. "part2: 10.50/12.00; late penalty: 2.00"."""
    if not result.submitted:
        return "No submission in nbgrader."
    parts = [f"{name}: {points(score)}/{points(maximum)}" for name, score, maximum in result.notebooks]
    if result.late_penalty:
        parts.append(f"late penalty: {points(result.late_penalty)}")
    return "; ".join(parts)


def moodle_row(student: Student, result: Result, graded_at: datetime) -> list[str]:
    full_name = " ".join(name for name in (student.first_name, student.last_name) if name) or student.id
    return [
        moodle_identifier(student.lms_user_id),
        full_name,
        student.email or "",
        moodle_status(result),
        points(result.score),
        points(result.max_score),
        "Yes",
        moodle_time(result.timestamp),
        moodle_time(graded_at),
        moodle_feedback(result),
    ]


def moodle_assignment(assignments: list[str], in_gradebook: list[str]) -> str:
    """The one assignment a worksheet is for: the one given, or the gradebook's only one."""
    if len(assignments) > 1:
        raise ExportError(f"A Moodle grading worksheet is for one assignment; got {assignments}")
    if assignments:
        return assignments[0]
    if len(in_gradebook) != 1:
        raise ExportError(f"A Moodle grading worksheet is for one assignment: the gradebook has "
                          f"{', '.join(sorted(in_gradebook)) or 'none'}, so choose one with --assignment")
    return in_gradebook[0]


def moodle_rows(gradebook: Gradebook, assignment: str, student_ids: list[str], graded_at: datetime) -> list[list[str]]:
    """Header, then one row per student: the worksheet Moodle's assignment downloads for offline grading."""
    gradebook.find_assignment(assignment)  # MissingEntry for an assignment not in the gradebook
    rows = [list(MOODLE_COLUMNS)]
    for student in selected_students(gradebook, student_ids):
        rows.append(moodle_row(student, student_result(gradebook, assignment, student.id), graded_at))
    return rows


class MoodleExportPlugin(ExportPlugin):
    """Moodle's offline grading worksheet for one assignment (Assignment > View all submissions >
    Upload grading worksheet).

    The columns are those of the worksheet Moodle downloads for an assignment with file
    submissions and feedback comments (site language English). Moodle's importer reads three of
    them: Identifier ("Participant N", N being the student's lms_user_id in nbgrader: copy it from
    the Identifier column of a worksheet downloaded from that Moodle assignment), Grade (nbgrader's
    score after the late penalty; no submission scores 0, as in nbgrader's own CSV export), and
    Last modified (grade) (the time of this export: Moodle keeps a grade changed in Moodle after
    it). It also writes Feedback comments (points per notebook), which replace the feedback
    comments in Moodle. The assignment is `--assignment` (one only), needed when the gradebook
    holds several.
    """

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "moodle_grading_worksheet.csv"
        students = [str(student) for student in self.student]
        with exit_on_error(self.log):
            assignment = moodle_assignment([str(name) for name in self.assignment],
                                           [found.name for found in gradebook.assignments])
            rows = moodle_rows(gradebook, assignment, students, datetime.now(UTC))
        write_csv(destination, rows)
        unmatched = [row[1] for row in rows[1:] if not row[0]]
        if unmatched:
            self.log.warning("No lms_user_id, so Moodle will skip the rows of: %s", ", ".join(unmatched))
        self.log.info("Wrote the Moodle worksheet of %s, %d students, to %s", assignment, len(rows) - 1, destination)
