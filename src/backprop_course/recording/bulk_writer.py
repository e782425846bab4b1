"""Records whole students as `nbgrader autograde` would, many at once: their autograded folders
as nbgrader writes them, and their gradebook rows through nbgrader's own models, in one
transaction per batch of students (so a stopped run leaves only whole students).

For each student it does what nbgrader's Autograde does for a submission whose notebooks are
exactly the assignment's: create or update the student and the submission (with every notebook,
grade and comment row nbgrader's add_submission makes), store each graded cell's score and each
answer's comment as SaveAutoGrades does, each notebook's findings as SaveFindings does, and each
notebook's late penalty as AssignLatePenalties does; and write the folder as its converters do
(the submission's other files, the instructor's files over them, the notebooks, then the
permissions).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader import utils
from nbgrader.api import Comment as CommentRow
from nbgrader.api import Grade as GradeRow
from nbgrader.api import Gradebook, Student, SubmittedAssignment, SubmittedNotebook
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.config import Config

from ..nbgrader_glue.findings_table import ensure_table, submitted_key, write_findings
from .notebook_pipeline import NotebookResult


@dataclass(frozen=True)
class StudentRecord:
    """One student's graded notebooks, all of the assignment's, ready to be recorded."""

    student: str
    notebooks: tuple[NotebookResult, ...]


class BulkWriter:
    """The gradebook writer of one run: one open gradebook, one transaction per batch."""

    def __init__(self, coursedir: CourseDirectory, config: Config, assignment: str):
        self.coursedir, self.assignment = coursedir, assignment
        self.gradebook = Gradebook(coursedir.db_url, coursedir.course_id)
        self.db = self.gradebook.db
        ensure_table(self.gradebook.engine)
        self.assignment_row = self.gradebook.find_assignment(assignment)
        self.notebook_rows = {notebook.name: notebook for notebook in self.assignment_row.notebooks}
        self.late = AssignLatePenalties(config=config)
        self.late.init_plugin()
        self.converter = Autograde(coursedir=coursedir, config=config)  # for its steps that write files

    @property
    def notebook_names(self) -> set[str]:
        return set(self.notebook_rows)

    def close(self) -> None:
        self.gradebook.close()

    def done_reading(self) -> None:
        """End the reading transaction, which would keep another writer (nbgrader's own
        Autograde, formgrader) waiting on SQLite."""
        self.db.commit()

    def write(self, batch: list[StudentRecord]) -> None:
        """Write the batch's folders and rows; on any failure, neither (rolled back, removed)."""
        written = []
        try:
            for record in batch:
                written.append(self.write_folder(record))
                self.write_rows(record)
            self.db.commit()
        except BaseException:
            self.db.rollback()
            for folder in written:
                shutil.rmtree(folder, ignore_errors=True)
            raise

    # ----- the folder ---------------------------------------------------------------------

    def folder(self, student: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, self.assignment))

    def submitted(self, student: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, self.assignment))

    def write_folder(self, record: StudentRecord) -> Path:
        """The student's autograded folder, through nbgrader's own converter steps where they write
        no gradebook: the submission's other files, the instructor's files over them (as
        Autograde.init_assignment copies them), the notebooks, then the permissions."""
        dest = self.folder(record.student)
        if dest.exists():  # --force: nbgrader removes what an earlier run wrote
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        BaseConverter.init_assignment(self.converter, self.assignment, record.student)
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment))
        excluded = {str(source / name) for name in self.converter.exclude_overwriting.get(self.assignment, [])}
        for filename in utils.find_all_files(str(source), self.coursedir.ignore + ["*.ipynb"]):
            if filename in excluded:
                continue
            target = dest / os.path.relpath(filename, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(filename, target)
        for result in record.notebooks:
            (dest / f"{result.job.notebook}.ipynb").write_text(result.autograded, encoding="utf-8")
        self.converter.set_permissions(self.assignment, record.student)
        return dest

    # ----- the rows ------------------------------------------------------------------------

    def write_rows(self, record: StudentRecord) -> None:
        student = self.db.get(Student, record.student)
        if student is None:
            student = Student(id=record.student)
            self.db.add(student)
        timestamp = self.coursedir.get_existing_timestamp(str(self.submitted(record.student)))
        submission = (self.db.query(SubmittedAssignment)
                      .filter(SubmittedAssignment.assignment == self.assignment_row,
                              SubmittedAssignment.student == student).one_or_none())
        if submission is None:
            submission = self._new_submission(student, timestamp)
        elif timestamp:
            submission.timestamp = utils.parse_utc(timestamp)
        notebooks = {row.notebook.name: row for row in submission.notebooks}
        for result in record.notebooks:
            self._grades(notebooks[result.job.notebook], result)
            write_findings(self.db, self.assignment, record.student, result.job.notebook,
                           submitted_key(submission.timestamp), list(result.findings))
        self.db.flush()
        for row in notebooks.values():
            self._late_penalty(submission, row)

    def _new_submission(self, student: Student, timestamp: str | None) -> SubmittedAssignment:
        """The rows nbgrader's add_submission makes: the submission, and for every notebook its
        grade and comment rows."""
        extra = {"timestamp": utils.parse_utc(timestamp)} if timestamp else {}
        with self.db.no_autoflush:
            submission = SubmittedAssignment(assignment=self.assignment_row, student=student, **extra)
            self.db.add(submission)
            for notebook in self.assignment_row.notebooks:
                row = SubmittedNotebook(notebook=notebook, assignment=submission)
                rows = [row, *(GradeRow(cell_id=cell.id, notebook=row) for cell in notebook.grade_cells)]
                rows += [CommentRow(cell_id=cell.id, notebook=row) for cell in notebook.solution_cells]
                for cell in notebook.task_cells:
                    rows += [CommentRow(cell_id=cell.id, notebook=row), GradeRow(cell_id=cell.id, notebook=row)]
                self.db.add_all(rows)  # SQLAlchemy 2 no longer adds them through the backrefs
        return submission

    def _grades(self, row: SubmittedNotebook, result: NotebookResult) -> None:
        """As SaveAutoGrades: each graded cell's score (and whether a person must look at it),
        each answer's comment."""
        # A cell that is graded and an answer has a row of each kind, with ids of their own.
        graded = {cell.name: cell.id for cell in (*row.notebook.grade_cells, *row.notebook.task_cells)}
        answers = {cell.name: cell.id for cell in (*row.notebook.solution_cells, *row.notebook.task_cells)}
        grades = {grade.cell_id: grade for grade in row.grades}
        comments = {comment.cell_id: comment for comment in row.comments}
        for found in result.grades:
            if found.is_grade:
                grade = grades[graded[found.grade_id]]
                grade.auto_score = found.auto_score
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            if found.is_commented:
                comments[answers[found.grade_id]].auto_comment = found.auto_comment

    def _late_penalty(self, submission: SubmittedAssignment, row: SubmittedNotebook) -> None:
        """As AssignLatePenalties: none, or the late plugin's penalty on the notebook's score."""
        row.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            self.db.expire(row, ["score"])  # a column computed by the database from the grades
            penalty = self.late.plugin_inst.late_submission_penalty(submission.student.id, row.score,
                                                                    submission.total_seconds_late)
            if penalty is not None:
                row.late_submission_penalty = self.late._check_late_penalty(row, penalty)  # noqa: SLF001
