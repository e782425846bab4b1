"""Instructor report: score distributions, frequent mistakes and limit hits of a graded assignment."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from ..course.contract import Contract
from ..course.mistake_ids import LIMIT_IDS
from ..course.paths import CourseDir, contract_of
from ..grading.notes import isolation_of, limit_notes, mistakes_in_cell
from ..nbgrader_glue.apps import export
from ..pages.content_policy import no_script_meta

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
    return AssignmentReport(assignment, dict(sorted(students.items())), max_points, contract)


def isolation_text(result: StudentResult) -> str:
    """The isolation of a student's sandboxes, e.g. `own uid, control group` (host.py's Isolation)."""
    return " / ".join(sorted(result.isolation)) or "not recorded"


def _png_base64(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def score_chart(title: str, scores: list[float], max_points: float) -> str:
    """A bar chart of how many students got each score, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.6))
    axes = figure.add_subplot()
    counts = Counter(scores)
    if max_points <= 20:
        positions = sorted(set(range(int(max_points) + 1)) | set(counts))
        axes.bar(positions, [counts.get(position, 0) for position in positions], width=0.6, color="#4878a8")
        axes.set_xticks(positions)
    else:
        axes.hist(scores, bins=10, range=(0, max_points), color="#4878a8", edgecolor="white")
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(f"points (of {max_points:g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png_base64(figure)


def mistake_chart(counts: Counter, limit: int = 15) -> str:
    """A horizontal bar chart of the most frequent mistake ids, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    common = counts.most_common(limit)[::-1]
    figure = Figure(figsize=(6, 0.35 * max(len(common), 1) + 1))
    axes = figure.add_subplot()
    axes.barh([mistake for mistake, _ in common], [count for _, count in common], color="#c0504d")
    axes.set_title("most frequent mistakes", fontsize=10)
    axes.set_xlabel("times seen under a graded cell")
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png_base64(figure)


def _image(png_base64: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png_base64}">'


def _table(header: list[str], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _chart_title(report: AssignmentReport, column: str) -> str:
    graded = len(report.scores_of(column))
    return column if graded == len(report.students) else f"{column} ({graded} of {len(report.students)} graded)"


def render_html(report: AssignmentReport) -> str:
    """The report as one self-contained HTML page (charts embedded as base64 PNG) that runs no
    script: every name and id on it is escaped, and its policy (content_policy.py) forbids script."""
    contract = report.contract
    functions = [function.name for notebook in contract.notebooks for function in notebook.functions]
    manual = manual_columns(contract)
    columns = [*functions, *manual, TOTAL]
    charts = "".join(
        _image(score_chart(_chart_title(report, column), report.scores_of(column), report.max_points[column]), column)
        for column in columns
    )
    score_rows = []
    for name, result in report.students.items():
        by_hand = ["to grade" if result.manual_points is None else f"{result.manual_points:g}"] if manual else []
        points = [f"{result.function_points.get(function, 0.0):g}" for function in functions]
        score_rows.append([name, *points, *by_hand, f"{result.total:g}", f"{result.late_penalty:g}",
                           isolation_text(result)])
    hints = known_mistakes(contract)
    mistake_rows = [
        [mistake, str(count), str(report.students_per_mistake[mistake]), hints[mistake]]
        for mistake, count in report.mistake_counts.most_common()
    ]
    limit_rows = [[name, ", ".join(limits)] for name, limits in report.limit_hits.items()]
    limits = (
        _table(["student", "limits hit"], limit_rows, "limits")
        if limit_rows
        else '<p id="limits">No student hit a time, output or kernel limit.</p>'
    )
    title = f"{report.assignment}: instructor report"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{no_script_meta()}<title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }}
img {{ margin: 0.3em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{len(report.students)} submissions; the maximum is {report.max_points[TOTAL]:g} points.</p>
<h2>Scores</h2>
{_table(["student", *functions, *manual, TOTAL, "late penalty", "isolation"], score_rows, "scores")}
<h2>Score distributions</h2>
<div>{charts}</div>
<h2>Mistakes</h2>
{_table(["mistake id", "times seen", "students", "hint"], mistake_rows, "mistakes")}
{_image(mistake_chart(report.mistake_counts), "most frequent mistakes") if mistake_rows else ""}
<h2>Time, output and kernel limits</h2>
{limits}
</body></html>
"""


def report_path(course: CourseDir, assignment: str) -> Path:
    return course.root / "reports" / f"{assignment}.html"


def write_report(course: CourseDir, assignment: str) -> tuple[AssignmentReport, Path]:
    """Export grades.csv with nbgrader, then write reports/<assignment>.html; return the data and path."""
    report = collect_report(course, assignment)
    export(course)
    path = report_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report))
    return report, path


def summary_lines(report: AssignmentReport, path: Path, course: CourseDir) -> list[str]:
    """What `backprop-course report` prints."""
    lines = [f"{len(report.students)} submissions of {report.assignment}"]
    common = ", ".join(f"{mistake} ({count})" for mistake, count in report.mistake_counts.most_common(3))
    lines.append(f"most frequent mistakes: {common or 'none'}")
    hits = "; ".join(f"{name}: {', '.join(limits)}" for name, limits in report.limit_hits.items())
    lines.append(f"limits hit: {hits or 'none'}")
    isolation = Counter(isolation_text(result) for result in report.students.values())
    lines.append("isolation: " + "; ".join(f"{level} ({count})" for level, count in isolation.most_common()))
    lines.append(f"report: {path.relative_to(course.root)}; grades: {course.grades_csv.relative_to(course.root)}")
    return lines
