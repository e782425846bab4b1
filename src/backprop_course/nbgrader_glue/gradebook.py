"""Reads per-student, per-notebook scores back from the nbgrader gradebook."""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.api import Gradebook, MissingEntry, SubmittedAssignment

from ..course.contract import Contract


@dataclass(frozen=True)
class NotebookScore:
    """A notebook's autograded points, its total so far, and the points still to grade by hand."""

    auto_score: float
    score: float
    max_score: float
    needs_manual_grade: bool


def notebook_scores(db_url: str, assignment: str) -> dict[str, dict[str, NotebookScore]]:
    """{student: {notebook: NotebookScore}} for every submission of the assignment."""
    scores: dict[str, dict[str, NotebookScore]] = {}
    with Gradebook(db_url) as gradebook:
        for student in gradebook.students:
            try:
                submission = gradebook.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            scores[student.id] = {
                notebook.name: NotebookScore(
                    auto_score=sum(grade.auto_score or 0.0 for grade in notebook.grades),
                    score=notebook.score,
                    max_score=notebook.max_score,
                    needs_manual_grade=notebook.needs_manual_grade,
                )
                for notebook in submission.notebooks
            }
    return scores


def score_table(scores: dict[str, dict[str, NotebookScore]], contract: Contract) -> str:
    """A plain-text table: one row per student, autograded points per notebook and in total."""
    names = [notebook.name for notebook in contract.notebooks]
    autograded_max = {notebook.name: notebook.autograded_points for notebook in contract.notebooks}
    header = ["student", *names, "total", "to grade by hand"]
    rows = [header]
    for student, by_notebook in sorted(scores.items()):
        cells = [student]
        for name in names:
            found = by_notebook.get(name)
            cells.append("missing" if found is None else f"{found.auto_score:g}/{autograded_max[name]}")
        total = sum(found.auto_score for found in by_notebook.values())
        cells.append(f"{total:g}/{sum(autograded_max.values())}")
        manual = [name for name, found in by_notebook.items() if found.needs_manual_grade]
        cells.append(", ".join(manual) or "-")
        rows.append(cells)
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def cell_scores(db_url: str, assignment: str, student_id: str) -> dict[str, tuple[float, float]]:
    """{grade_id: (score, max_score)} over every graded cell of a student's submission."""
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student_id)
        return {
            grade.name: (grade.score, grade.max_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def submission_scores(db_url: str, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """(score, max score) per notebook of one student's submission (none when there is none)."""
    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return scores_of(submission)


def scores_of(submission: SubmittedAssignment) -> dict[str, tuple[float, float]]:
    """(score, max score) per notebook of a submission row."""
    return {nb.name: (nb.score, nb.max_score) for nb in submission.notebooks}


def submitted_students(db_url: str, assignment: str) -> set[str]:
    """The students with a submission of assignment in the gradebook (none when it is not there)."""
    with Gradebook(db_url) as gradebook:
        try:
            return {submission.student.id for submission in gradebook.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()
