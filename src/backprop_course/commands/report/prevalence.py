"""How many students made each mistake the grader named, per function, and how many of them
fixed it in a later submission (where the gradebook's findings hold several): in the report and
as CSV (reports/<assignment>-mistakes.csv)."""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from pathlib import Path

from ...course.contract import Contract
from ...nbgrader_glue.findings_table import FindingRow

CSV_COLUMNS = ("function", "mistake", "students", "fixed later")


@dataclass(frozen=True)
class Prevalence:
    """One mistake of one function: the students who made it in some submission, and those of
    them whose latest submission no longer makes it."""

    function: str
    mistake: str
    students: tuple[str, ...]
    fixed_later: tuple[str, ...]


def latest_findings(rows: list[FindingRow]) -> dict[str, dict[str, FindingRow]]:
    """{student: {function: row of their latest graded submission}}."""
    latest: dict[str, dict[str, FindingRow]] = {}
    for row in rows:  # oldest submission first
        latest.setdefault(row.student, {})[row.finding.function] = row
    return latest


def prevalence(contract: Contract, rows: list[FindingRow]) -> list[Prevalence]:
    """Every (function, mistake) made by some student, in notebook and catalog order."""
    latest = latest_findings(rows)
    made: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        for mistake in row.finding.mistakes:
            made.setdefault((row.finding.function, mistake), set()).add(row.student)
    functions, catalog = list(contract.functions), list(contract.mistakes)

    def order(key: tuple[str, str]) -> tuple[int, int]:
        function, mistake = key
        return (functions.index(function) if function in functions else len(functions),
                catalog.index(mistake) if mistake in catalog else len(catalog))

    found = []
    for key in sorted(made, key=order):
        function, mistake = key
        students = sorted(made[key])
        fixed = [student for student in students if function in latest[student]
                 and mistake not in latest[student][function].finding.mistakes]
        found.append(Prevalence(function, mistake, tuple(students), tuple(fixed)))
    return found


def write_csv(rows: list[Prevalence], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([row.function, row.mistake, len(row.students), len(row.fixed_later)] for row in rows)
    return path


def prevalence_html(rows: list[Prevalence], hints: dict[str, str]) -> str:
    if not rows:
        return '<p id="prevalence">No findings are recorded for this assignment: grade it again to record them.</p>'
    body = "".join(
        f"<tr><td>{html.escape(row.function)}</td><td>{html.escape(row.mistake)}</td><td>{len(row.students)}</td>"
        f"<td>{len(row.fixed_later)}</td><td>{html.escape(hints.get(row.mistake, ''))}</td></tr>" for row in rows)
    head = "".join(f"<th>{html.escape(name)}</th>" for name in (*CSV_COLUMNS, "hint"))
    return f'<table id="prevalence"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
