"""The instructor report: its numbers against the gradebook and the autograded notebooks."""

from __future__ import annotations

import base64
import csv
import re
from collections import Counter

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import expected_scores
from backprop_course.cli import main
from backprop_course.commands.report import (
    TOTAL,
    collect_report,
    graded_function_of,
    known_mistakes,
    mistakes_in_notebook,
    prevalence_path,
    report_path,
    write_report,
)
from backprop_course.grading.notes import limit_note, note_limit
from backprop_course.sandbox.host import this_host

from .conftest import SOLUTION_STUDENT
from .support.backprop import ASSIGNMENT, CONTRACT, GRADED_FUNCTIONS, MANUAL_GRADE_ID, NOTEBOOK_OF, NOTEBOOKS

EMBEDDED_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def written_report(graded_course):
    return write_report(graded_course, ASSIGNMENT)


def gradebook_points(course) -> dict[str, dict[str, float]]:
    """{student: {function or TOTAL: points}} straight from the gradebook's grade rows."""
    points: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course.gradebook}") as gradebook:
        for student in gradebook.students:
            submission = gradebook.find_submission(ASSIGNMENT, student.id)
            by_column = {TOTAL: submission.score}
            notebooks = {notebook.name: notebook for notebook in submission.notebooks}
            for function in GRADED_FUNCTIONS.values():
                notebook = notebooks[NOTEBOOK_OF[function.name].name]
                by_column[function.name] = sum(
                    grade.score
                    for grade in notebook.grades
                    if grade.name == function.test_id or grade.name.startswith(function.test_id + "_")
                )
            points[student.id] = by_column
    return points


def mistake_ids_printed(course, students) -> Counter:
    """Each `[id]` of the contract found in the graded test cells' printed output, counted by plain search."""
    counts: Counter = Counter()
    for student in students:
        for notebook in NOTEBOOKS:
            path = course.autograded / student / ASSIGNMENT / notebook.filename
            for cell in nbformat.read(path, as_version=4).cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                if cell.cell_type != "code" or not grade_id.startswith("test_"):
                    continue
                printed = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
                for mistake in known_mistakes(CONTRACT):
                    counts[mistake] += printed.count(f"[{mistake}]")
    return +counts


def test_a_suffixed_test_cell_counts_for_its_function():
    assert graded_function_of(CONTRACT, "test_mlp_gradients", "multilayer") == "mlp_gradients"
    assert graded_function_of(CONTRACT, "test_mlp_gradients_shape", "multilayer") == "mlp_gradients"
    assert graded_function_of(CONTRACT, "test_sgd_step_copy", "multilayer") == "sgd_step"
    assert graded_function_of(CONTRACT, "test_sgd_step", "single_neuron") is None
    assert graded_function_of(CONTRACT, "test_sgd_stepper", "multilayer") is None
    assert graded_function_of(CONTRACT, MANUAL_GRADE_ID, "multilayer") is None


def test_mistakes_are_read_from_graded_cells_only_and_limit_notes_from_any_cell():
    notebook = nbformat.v4.new_notebook()
    graded = nbformat.v4.new_code_cell(metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "test_x"}})
    graded.outputs = [
        nbformat.v4.new_output("stream", text="x: 0 of 2 points\n  [wrong-shape] hint\n  [no-such-id] ignored\n"),
    ]
    answer_metadata = {"nbgrader": {"grade": False, "solution": True, "grade_id": "answer_x"}}
    answer = nbformat.v4.new_code_cell(metadata=answer_metadata)
    answer.outputs = [nbformat.v4.new_output("stream", text="  [wrong-value] printed by the student\n"),
                      limit_note("memory-limit", "an exception of the student's, named like a limit")]
    note_limit(answer, "time-limit", "this cell ran longer than 120 s and was stopped")
    notebook.cells = [answer, graded]
    assert mistakes_in_notebook(notebook, CONTRACT) == ["time-limit", "wrong-shape"]


@pytest.mark.slow
def test_report_scores_equal_the_gradebook(graded_course, written_report):
    report, _ = written_report
    from_gradebook = gradebook_points(graded_course)
    assert set(report.students) == set(from_gradebook)
    for student, expected in from_gradebook.items():
        result = report.students[student]
        assert result.total == pytest.approx(expected.pop(TOTAL)), student
        assert result.function_points == pytest.approx(expected), student
    # and against the course's own record of what the samples score, per notebook
    for student, by_notebook in expected_scores(graded_course).items():
        for notebook in NOTEBOOKS:
            points = sum(report.students[student].function_points[f.name] for f in notebook.functions)
            assert points == pytest.approx(by_notebook[notebook.name]), (student, notebook.name)
    assert report.students[SOLUTION_STUDENT].total == report.max_points[TOTAL] - report.max_points[MANUAL_GRADE_ID]
    assert all(result.manual_points is None for result in report.students.values())  # nobody graded by hand yet


@pytest.mark.slow
def test_report_mistake_counts_equal_the_ids_printed_in_the_autograded_notebooks(graded_course, written_report):
    report, _ = written_report
    assert report.mistake_counts == mistake_ids_printed(graded_course, report.students)
    assert report.mistake_counts["not-implemented"] >= len(GRADED_FUNCTIONS)  # carol changed nothing
    assert set(report.students["carol"].mistakes) == {"not-implemented"}
    assert "sgd-mutates-input" in report.students["bob"].mistakes
    assert report.students[SOLUTION_STUDENT].mistakes == []
    assert report.limit_hits == {}


@pytest.mark.slow
def test_the_findings_nbgrader_autograde_stored_name_the_mistakes_printed(graded_course, written_report):
    """SaveFindings, among `nbgrader autograde`'s steps, stored each function's mistakes: who made
    which is what the autograded notebooks print; the prevalence CSV counts them."""
    report, _ = written_report
    stored = {(row.mistake, student) for row in report.prevalence for student in row.students}
    printed = {(mistake, name) for name, result in report.students.items() for mistake in result.mistakes}
    assert stored == printed
    assert all(row.fixed_later == () for row in report.prevalence)  # one submission each
    with prevalence_path(graded_course, ASSIGNMENT).open() as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(report.prevalence) and rows[0]["students"] == str(len(report.prevalence[0].students))


@pytest.mark.slow
def test_report_html_embeds_the_charts_and_the_tables(graded_course, written_report):
    report, path = written_report
    assert path == report_path(graded_course, ASSIGNMENT) and path.is_file()
    page = path.read_text()
    images = EMBEDDED_PNG.findall(page)
    # one chart per graded function, the hand-graded cell and the total, then the mistakes chart
    assert len(images) == len(GRADED_FUNCTIONS) + 2 + 1
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)
    for table_id in ("scores", "mistakes"):
        assert f'<table id="{table_id}">' in page
    for student, result in report.students.items():
        assert f"<td>{student}</td>" in page
        assert f"<td>{result.total:g}</td>" in page
    for mistake, count in report.mistake_counts.items():
        assert f"<td>{mistake}</td><td>{count}</td>" in page
    assert "No student hit a time, output or kernel limit." in page
    isolation = this_host().isolation.describe()  # what grading on this host recorded beside each grade
    assert all(result.isolation == {isolation} for result in report.students.values())
    assert page.count(f"<td>{isolation}</td>") == len(report.students)


@pytest.mark.slow
def test_report_runs_nbgrader_export(graded_course, written_report):
    report, _ = written_report
    with graded_course.grades_csv.open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT}
    assert {student: float(row["raw_score"]) for student, row in rows.items()} == pytest.approx(
        {student: result.total for student, result in report.students.items()}
    )


@pytest.mark.slow
def test_report_command_prints_a_summary_and_rejects_an_unknown_assignment(graded_course, capsys):
    assert main(["--course-dir", str(graded_course.root), "report", ASSIGNMENT]) == 0
    printed = capsys.readouterr().out
    report = collect_report(graded_course, ASSIGNMENT)
    assert f"{len(report.students)} submissions of {ASSIGNMENT}" in printed
    top_mistake, top_count = report.mistake_counts.most_common(1)[0]
    assert f"most frequent mistakes: {top_mistake} ({top_count})" in printed
    assert "report: reports/backprop.html" in printed
    assert f"isolation: {this_host().isolation.describe()} ({len(report.students)})" in printed
    assert main(["--course-dir", str(graded_course.root), "report", "no_such_assignment"]) == 1
    assert "'no_such_assignment' is not in" in capsys.readouterr().out


def test_the_report_escapes_every_name_and_runs_no_script():
    from bs4 import BeautifulSoup

    from backprop_course.commands.report import AssignmentReport, StudentResult, render_html

    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    columns = [*GRADED_FUNCTIONS, MANUAL_GRADE_ID]
    report = AssignmentReport(f"{ASSIGNMENT}<script>alert(3)</script>",
                              {hostile: StudentResult(hostile, {name: 1.0 for name in GRADED_FUNCTIONS}, 2.0, 10.0)},
                              {**{column: 3.0 for column in columns}, TOTAL: 30.0}, CONTRACT)
    soup = BeautifulSoup(render_html(report), "html.parser")
    assert soup.find_all("script") == [] and soup.select("img[onerror]") == []
    assert hostile in soup.find(id="scores").get_text()  # shown as text
    policy = soup.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert policy is not None and "default-src 'none'" in policy["content"] and "script-src" not in policy["content"]
