"""The report's data, read from the gradebook (scores, findings) and the autograded notebooks
(mistake ids printed, limit notes, answers' code)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from ...course.contract import Contract
from ...course.mistake_ids import LIMIT_IDS
from ...course.paths import CourseDir, contract_of
from ...grading.grouping import Grouping
from ...grading.notes import isolation_of, limit_notes, mistakes_in_cell
from ...nbgrader_glue.findings_table import read_findings
from .groups import GroupView, class_groupings, group_views
from .prevalence import Prevalence, latest_findings, prevalence

# nbgrader appends an error output with this name to a cell that ran past its timeout.
TOTAL = "total"


def known_mistakes(contract: Contract) -> dict[str, str]:
    """Every mistake id of the assignment's catalog with its hint."""
    return {mistake_id: mistake.hint for mistake_id, mistake in contract.mistakes.items()}


def manual_columns(contract: Contract) -> list[str]:
    """The report's column of the cells graded by hand (named after the cell when there is one), if any."""
    ids = contract.manual_grade_ids
    if not ids:
        return []
    return [ids[0] if len(ids) == 1 else "graded by hand"]


class ReportError(RuntimeError):
    """The report cannot be made, for example because the assignment has no graded submissions."""


@dataclass
class StudentResult:
    """One student's points per graded function, the hand-graded cell, the total, and mistakes seen."""

    student: str
    function_points: dict[str, float] = field(default_factory=dict)
    manual_points: float | None = None  # None while the cell still waits for a hand grade
    total: float = 0.0
    late_penalty: float = 0.0
    mistakes: list[str] = field(default_factory=list)
    isolation: set[str] = field(default_factory=set)  # how far its sandboxes were kept apart (host.py)

    @property
    def limits_hit(self) -> list[str]:
        return sorted({mistake for mistake in self.mistakes if mistake in LIMIT_IDS})


@dataclass
class AssignmentReport:
    """Everything the HTML report shows, as plain data that tests can check."""

    assignment: str
    students: dict[str, StudentResult]
    max_points: dict[str, float]  # per graded function, the manual cells, and TOTAL
    contract: Contract
    # {function: its students who failed unnamed, grouped, and the groups as shown}
    unnamed: dict[str, tuple[Grouping, tuple[GroupView, ...]]] = field(default_factory=dict)
    prevalence: list[Prevalence] = field(default_factory=list)  # of every mistake named, per function

    @property
    def mistake_counts(self) -> Counter:
        """How often each mistake id was printed under a graded cell, over all students."""
        return Counter(mistake for result in self.students.values() for mistake in result.mistakes)

    @property
    def students_per_mistake(self) -> Counter:
        """How many students made each mistake at least once."""
        return Counter(mistake for result in self.students.values() for mistake in set(result.mistakes))

    @property
    def limit_hits(self) -> dict[str, list[str]]:
        """{student: limit mistake ids} for the students whose code hit a time, output or kernel limit."""
        return {name: result.limits_hit for name, result in sorted(self.students.items()) if result.limits_hit}

    def scores_of(self, column: str) -> list[float]:
        """Every student's points in one column: a graded function, the manual cell, or TOTAL."""
        if column == TOTAL:
            return [result.total for result in self.students.values()]
        if column in manual_columns(self.contract):
            return [result.manual_points for result in self.students.values() if result.manual_points is not None]
        return [result.function_points.get(column, 0.0) for result in self.students.values()]


def graded_function_of(contract: Contract, grade_id: str, notebook_name: str) -> str | None:
    """The graded function whose test_id is the longest prefix of grade_id (test_<function>[_<check>])."""
    matches = [
        function.name
        for function in contract.functions.values()
        if contract.notebook_of[function.name].name == notebook_name
        and (grade_id == function.test_id or grade_id.startswith(function.test_id + "_"))
    ]
    return max(matches, key=len) if matches else None


def mistakes_in_notebook(notebook: nbformat.NotebookNode, contract: Contract) -> list[str]:
    """Mistake ids printed under the graded test cells, in cell order, plus the limits that the
    grader noted under any cell (time-limit, output-limit, kernel-died)."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            found += [note.mistake for note in limit_notes(cell)] + mistakes_in_cell(cell, contract)
    return found


def autograded_notebook(course: CourseDir, student: str, assignment: str, notebook_name: str) -> Path:
    return course.autograded / student / assignment / f"{notebook_name}.ipynb"


def _column(contract: Contract, grade_id: str, notebook_name: str) -> str | None:
    if grade_id in contract.manual_grade_ids:
        return manual_columns(contract)[0]
    return graded_function_of(contract, grade_id, notebook_name)


def maximum_points(assignment_row, contract: Contract) -> dict[str, float]:
    """The most points per graded function, for the hand-graded cells and in total, from the grade cells."""
    max_points: dict[str, float] = {TOTAL: assignment_row.max_score}
    for notebook in assignment_row.notebooks:
        for cell in notebook.grade_cells:
            column = _column(contract, cell.name, notebook.name)
            if column is not None:
                max_points[column] = max_points.get(column, 0.0) + cell.max_score
    return max_points


def collect_report(course: CourseDir, assignment: str) -> AssignmentReport:
    """Read scores from the gradebook and mistake ids from the autograded notebooks."""
    contract = contract_of(course.root, assignment)
    if contract is None:
        raise ReportError(f"assignment {assignment!r} is not in {course.root / 'assignments'}: the report is for "
                          f"contract-graded assignments ({', '.join(course.assignment_names) or 'none here'})")
    students: dict[str, StudentResult] = {}
    with Gradebook(course.db_url) as gradebook:
        try:
            max_points = maximum_points(gradebook.find_assignment(assignment), contract)
        except MissingEntry as error:
            raise ReportError(f"assignment {assignment!r} is not in the gradebook {course.gradebook_name}") from error
        for student in gradebook.students:
            try:
                submission = gradebook.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            result = StudentResult(student.id, total=submission.score, late_penalty=submission.late_submission_penalty)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name in contract.manual_grade_ids:
                        if grade.manual_score is not None:
                            result.manual_points = (result.manual_points or 0.0) + grade.manual_score
                        continue
                    function = graded_function_of(contract, grade.name, notebook.name)
                    if function is None:
                        continue
                    result.function_points[function] = result.function_points.get(function, 0.0) + grade.score
                path = autograded_notebook(course, student.id, assignment, notebook.name)
                if path.exists():
                    graded = nbformat.read(path, as_version=4)
                    result.mistakes += mistakes_in_notebook(graded, contract)
                    result.isolation.add(isolation_of(graded) or "not recorded")
            students[student.id] = result
    if not students:
        raise ReportError(f"assignment {assignment!r} has no submissions in the gradebook {course.gradebook_name}")
    report = AssignmentReport(assignment, dict(sorted(students.items())), max_points, contract)
    rows = [row for row in read_findings(course.db_url, assignment) if row.student in students]
    latest = latest_findings(rows)
    report.prevalence = prevalence(contract, rows)
    report.unnamed = {function: (grouping, group_views(course, assignment, contract, grouping, latest))
                      for function, grouping in class_groupings(contract, latest).items()}
    return report


def isolation_text(result: StudentResult) -> str:
    """The isolation of a student's sandboxes, e.g. `own uid, control group` (host.py's Isolation)."""
    return " / ".join(sorted(result.isolation)) or "not recorded"
