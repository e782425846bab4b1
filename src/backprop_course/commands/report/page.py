"""The report as one HTML page that runs no script, and the files `backprop-course report` writes."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from ...course.paths import CourseDir
from ...nbgrader_glue.apps import export
from ...pages.content_policy import no_script_meta
from .charts import mistake_chart, score_chart
from .collect import TOTAL, AssignmentReport, collect_report, isolation_text, known_mistakes, manual_columns
from .groups_html import unnamed_section
from .prevalence import prevalence_html, write_csv


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
<h2>Mistakes per function, and who fixed them later</h2>
{prevalence_html(report.prevalence, hints)}
<h2>Unnamed mistakes, grouped by behaviour</h2>
{unnamed_section(report.assignment, report.unnamed)}
<h2>Time, output and kernel limits</h2>
{limits}
</body></html>
"""


def report_path(course: CourseDir, assignment: str) -> Path:
    return course.root / "reports" / f"{assignment}.html"


def prevalence_path(course: CourseDir, assignment: str) -> Path:
    return course.root / "reports" / f"{assignment}-mistakes.csv"


def write_report(course: CourseDir, assignment: str) -> tuple[AssignmentReport, Path]:
    """Export grades.csv with nbgrader, then write reports/<assignment>.html and the mistakes'
    prevalence, reports/<assignment>-mistakes.csv; return the data and the page's path."""
    report = collect_report(course, assignment)
    export(course)
    path = report_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report))
    write_csv(report.prevalence, prevalence_path(course, assignment))
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
    shared = sorted(((group.size, function, group.number) for function, (grouping, _) in report.unnamed.items()
                     for group in grouping.shared), key=lambda item: (-item[0], item[1], item[2]))
    groups = ", ".join(f"{function} group {number} ({size})" for size, function, number in shared[:3])
    lines.append(f"unnamed mistakes shared by several students: {groups or 'none'}"
                 + (f" and {len(shared) - 3} more groups" if len(shared) > 3 else ""))
    lines.append(f"report: {path.relative_to(course.root)}; grades: {course.grades_csv.relative_to(course.root)}; "
                 f"mistakes per function: {prevalence_path(course, report.assignment).relative_to(course.root)}")
    return lines
