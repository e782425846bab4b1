"""The feedback page: the summary table it opens with, and formulas rendered without the internet."""

from __future__ import annotations

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.browser import url_fails
from backprop_course.grading.notes import LIMITS_KEY, forget_limit_notes, limit_note, note_limit
from backprop_course.nbgrader_glue.apps import nbgrader
from backprop_course.pages.feedback_summary import BY_HAND, limit_anchor, summarize
from backprop_course.pages.page_templates import RESOURCES_KEY

from .support.backprop import (
    ASSIGNMENT,
    CHECKS,
    CONTRACT,
    LIMIT_IDS,
    MANUAL_GRADE_ID,
    NOTEBOOKS,
    SINGLE_NEURON,
    check_named,
    hint,
)
from .support.browser import CDN_MATHJAX, headless_chromium
from .support.pages import feedback_exporter, violations, watch_pages
from .support.released import released_copy
from .support.sandbox import needs_sandbox

# What the sample student bob gets wrong (samples/answers/bob.py): one check of each of five functions.
BOB = "bob"
BOB_MISTAKES = {
    check_named("mse_loss", "values").grade_id: "loss-sum-not-mean",
    check_named("dloss_dyhat", "values").grade_id: "dloss-missing-2",
    check_named("sigmoid_prime", "values").grade_id: "sigprime-on-preactivation",
    check_named("mlp_forward", "values").grade_id: "mlp-forward-no-output-sigmoid",
    check_named("sgd_step", "inputs").grade_id: "sgd-mutates-input",
}
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def graded_cell(grade_id: str, score: float, points: float, printed: str = "", **nbgrader) -> nbformat.NotebookNode:
    """A graded test cell as nbgrader's GetGrades leaves it, with what the grader printed."""
    metadata = {"grade": True, "solution": False, "grade_id": grade_id, "score": score, "points": points, **nbgrader}
    cell = nbformat.v4.new_code_cell("# the test", metadata={"nbgrader": metadata})
    if printed:
        cell.outputs = [nbformat.v4.new_output("stream", text=printed)]
    return cell


def cell_with(*outputs) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("work()")
    cell.outputs = list(outputs)
    return cell


def noted_cell(limit: str, message: str) -> nbformat.NotebookNode:
    """A cell under which the grader noted a limit."""
    cell = cell_with()
    note_limit(cell, limit, message)
    return cell


def summary_rows(page: str) -> list[dict[str, str]]:
    """The summary table's rows as the page shows them, one dict of column texts per row."""
    table = BeautifulSoup(page, "html.parser").select_one("#summary table")
    rows = []
    for row in table.select("tbody tr"):
        texts = [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all("td")]
        links = {link["href"] for link in row.select("td.function a, td.check a")}
        rows.append(dict(zip(("function", "check", "points", "mistake"), texts), links=links))
    return rows


def hidden_test_lines(course, notebook) -> list[str]:
    """The lines between the hidden-test markers of the source notebook's cells."""
    lines = []
    for cell in nbformat.read(course.source / notebook.filename, as_version=4).cells:
        hidden = False
        for line in cell.source.splitlines():
            if line.strip() in (HIDDEN_BEGIN, HIDDEN_END):
                hidden = line.strip() == HIDDEN_BEGIN
            elif hidden and line.strip():
                lines.append(line.strip())
    return lines


def test_a_row_per_graded_cell_with_its_check_points_and_the_mistake_printed_under_it():
    nb = nbformat.v4.new_notebook()
    answer = cell_with(nbformat.v4.new_output("stream", text="  [wrong-value] printed by the student\n"))
    answer.metadata = {"nbgrader": {"grade": False, "solution": True, "grade_id": "answer_mse_loss"}}
    discussion = nbformat.v4.new_markdown_cell("My answer.", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": MANUAL_GRADE_ID, "score": 2.0, "points": 3.0, "comment": "Good."}})
    nb.cells = [
        answer,
        graded_cell("test_mse_loss_values", 0.0, 1.0, "mse_loss: loss value: 0 of 1 point\n"
                    "  [loss-sum-not-mean] You summed ...\n  detail: the result has wrong values\n"),
        graded_cell("test_neuron_gradients_dw", 2.0, 2.0, "neuron_gradients: dw values: 2 of 2 points\n"),
        graded_cell("test_neuron_gradients_db", 0.5, 1.0, "  [no-such-id] not in the catalog\n"),
        discussion,
    ]
    rows = summarize(nb, CONTRACT).rows
    assert [(row.function, row.check, row.score, row.points, row.mistake) for row in rows] == [
        ("mse_loss", "loss value", 0.0, 1.0, "loss-sum-not-mean"),
        ("neuron_gradients", "dw values", 2.0, 2.0, None),
        ("neuron_gradients", "db value", 0.5, 1.0, None),
        ("", f"{MANUAL_GRADE_ID} ({BY_HAND})", 2.0, 3.0, None),
    ]
    assert rows[0].hint == hint("loss-sum-not-mean") and rows[0].anchor == "test_mse_loss_values"
    assert [row.status for row in rows] == ["none", "full", "partial", "partial"]
    assert [row.comment_anchor for row in rows] == [None, None, None, f"comment-{MANUAL_GRADE_ID}"]


@pytest.mark.parametrize("limit", LIMIT_IDS)
def test_a_limit_note_becomes_one_line_linked_to_the_first_cell_that_carries_it(limit):
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell_with(), noted_cell(limit, "what happened"), noted_cell(limit, "what happened"),
                noted_cell(limit, "something else happened")]
    summary = summarize(nb, CONTRACT)
    assert [(line.mistake, line.message, line.cells, line.anchor) for line in summary.limits] == [
        (limit, "what happened", 2, limit_anchor(1)), (limit, "something else happened", 1, limit_anchor(3))]
    assert summary.limits[0].hint == hint(limit)
    assert summary.limit_anchors == {1: limit_anchor(1), 3: limit_anchor(3)}


@pytest.mark.parametrize("limit", LIMIT_IDS)
def test_an_error_of_the_students_named_like_a_limit_is_no_limit_note(limit):
    """Only the grader notes limits: a student's exception class named `time-limit`, or metadata
    of the grader's key in the submission, shows as the student's own error and nothing more."""
    nb = nbformat.v4.new_notebook()
    forged = cell_with(limit_note(limit, "this cell ran longer than 120 s and was stopped"))
    forged.metadata[LIMITS_KEY] = [{"mistake": limit, "message": "forged in the submission"}]
    nb.cells = [cell_with(limit_note(limit, "raised by the student")), forged]
    forget_limit_notes(nb)  # what grading does first
    assert summarize(nb, CONTRACT).limits == []


def test_the_feedback_template_links_each_limit_line_to_an_anchor_at_its_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell_with(), noted_cell(LIMIT_IDS[0], "this cell ran longer than 120 s and was stopped")]
    resources = {
        "nbgrader": {"notebook": "single_neuron", "score": 0.0, "max_score": 15.0, "late_penalty": 1.5},
        RESOURCES_KEY: {"summary": summarize(nb, CONTRACT)},
    }
    page, _ = feedback_exporter().from_notebook_node(nb, resources=resources)
    soup = BeautifulSoup(page, "html.parser")
    line = soup.select_one(f'#limits li[data-limit="{LIMIT_IDS[0]}"]')
    assert line.a["href"] == f"#{limit_anchor(1)}" and "ran longer than 120 s" in line.get_text()
    anchor = soup.find("a", attrs={"name": limit_anchor(1)})
    assert anchor is not None and f"[{LIMIT_IDS[0]}]" in anchor.find_next("div", class_="output_error").get_text()
    assert "Late submission penalty: -1.5" in soup.select_one("#summary .late-penalty").get_text()
    assert "<script" not in page and "cdnjs" not in page


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda notebook: notebook.name)
def test_bobs_feedback_opens_with_a_row_per_check_naming_his_mistakes(graded_course, notebook):
    page = (graded_course.feedback / BOB / ASSIGNMENT / f"{notebook.name}.html").read_text()
    rows = summary_rows(page)
    checks = [check for function in notebook.functions for check in CHECKS[function.name]]
    with Gradebook(f"sqlite:///{graded_course.gradebook}") as gradebook:
        scores = {grade.name: grade.score
                  for grade in gradebook.find_submission_notebook(notebook.name, ASSIGNMENT, BOB).grades}
    expected = []
    for check in checks:
        mistake = BOB_MISTAKES.get(check.grade_id)
        assert scores[check.grade_id] == (0 if mistake else check.points), check.grade_id  # nbgrader's score
        expected.append({
            "function": check.function,
            "check": check.title,
            "points": f"{0 if mistake else check.points} / {check.points}",
            "mistake": f"{mistake} {hint(mistake)}" if mistake else "",
            "links": {f"#{check.grade_id}"},
        })
    if notebook.manual_points:
        expected.append({"function": "", "check": f"{MANUAL_GRADE_ID} ({BY_HAND})",
                         "points": f"0 / {notebook.manual_points}", "mistake": "", "links": {f"#{MANUAL_GRADE_ID}"}})
    assert rows == expected
    lost = sum(check.points for check in checks if check.grade_id in BOB_MISTAKES)
    assert notebook.autograded_points - lost == expected_scores(graded_course)[BOB][notebook.name]
    soup = BeautifulSoup(page, "html.parser")
    for row in rows:  # every link lands on an anchor of the page
        (link,) = row["links"]
        assert soup.find("a", attrs={"name": link[1:]}) is not None, link
    assert soup.select_one("#toc") is None  # nbgrader's list of "Test cell" links is gone


@pytest.mark.slow
@needs_sandbox
def test_a_cell_stopped_at_its_time_limit_is_a_line_of_the_summary_linked_to_that_cell(tmp_path):
    course = released_copy(tmp_path / "course")
    student = "loops_forever"
    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    write_submission(course.release, answers, course.submission(student))
    path = course.submission(student) / SINGLE_NEURON.filename
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("while True:\n    pass\n"))
    nbformat.write(notebook, path)
    only = f"--student={student}"
    nbgrader("autograde", ASSIGNMENT, "--force", only, "--SandboxedGrading.cell_timeout=3", course=course)
    nbgrader("generate_feedback", ASSIGNMENT, "--force", only, course=course)
    page = course.feedback / student / ASSIGNMENT / f"{SINGLE_NEURON.name}.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    (line,) = soup.select("#limits li.limit-note")
    assert line["data-limit"] == "time-limit" and hint("time-limit") in line.get_text()
    anchor = soup.find("a", attrs={"name": line.a["href"][1:]})
    assert "while True" in anchor.find_next("div", class_="input_area").get_text()
    rows = summary_rows(str(soup))
    assert len(rows) == sum(len(CHECKS[function.name]) for function in SINGLE_NEURON.functions)
    assert all(row["mistake"] == "" for row in rows)  # the functions were graded all the same


@pytest.mark.slow
def test_no_feedback_page_shows_a_line_of_the_hidden_tests(graded_course):
    hidden = {notebook.name: hidden_test_lines(graded_course, notebook) for notebook in NOTEBOOKS}
    assert all(len(lines) >= 2 * len(notebook.functions) for notebook, lines in zip(NOTEBOOKS, hidden.values()))
    for page in graded_course.feedback.glob(f"*/{ASSIGNMENT}/*.html"):
        text = BeautifulSoup(page.read_text(), "html.parser").get_text()
        shown = [line for line in hidden[page.stem] if line in text]
        assert shown == [], page


@pytest.mark.slow
def test_an_offline_browser_renders_every_formula_of_a_feedback_page_as_mathml(graded_course):
    page = graded_course.feedback / BOB / ASSIGNMENT / f"{NOTEBOOKS[0].name}.html"
    autograded = nbformat.read(graded_course.autograded / BOB / ASSIGNMENT / NOTEBOOKS[0].filename, as_version=4)
    assert any("$$" in cell.source for cell in autograded.cells if cell.cell_type == "markdown")
    browser = headless_chromium(offline=True)
    try:
        browser.get("about:blank")
        assert url_fails(browser, CDN_MATHJAX), "the browser reached the internet: this test would prove nothing"
        watch_pages(browser)
        browser.get(page.as_uri())
        rendered = browser.execute_script("""
            const formulas = Array.from(document.querySelectorAll(".text_cell_render math"));
            return {
                formulas: formulas.length,
                drawn: formulas.filter(math => math.getBoundingClientRect().width > 0).length,
                blocks: formulas.filter(math => math.getAttribute("display") === "block").length,
                unread: document.querySelectorAll(".text_cell_render code.tex").length,
                text: Array.from(document.querySelectorAll(".text_cell_render"), cell => cell.innerText).join("\\n"),
                scripts: document.scripts.length
            };
        """)
        blocked = violations(browser)
    finally:
        browser.quit()
    assert rendered["formulas"] > 10 and rendered["drawn"] == rendered["formulas"] and rendered["blocks"] > 3
    assert rendered["unread"] == 0 and rendered["scripts"] == 0 and blocked == []
    assert "$" not in rendered["text"] and "\\frac" not in rendered["text"]


@pytest.mark.slow
def test_an_honest_feedback_page_shows_its_plots_and_summary_offline(graded_course):
    multilayer = NOTEBOOKS[-1]
    page = graded_course.feedback / BOB / ASSIGNMENT / f"{multilayer.name}.html"
    browser = headless_chromium(offline=True)
    try:
        watch_pages(browser)
        browser.get(page.as_uri())
        shown = browser.execute_script("""
            const plots = Array.from(document.querySelectorAll(".output_png img"));
            return {plots: plots.length, drawn: plots.filter(image => image.naturalWidth > 100).length,
                    rows: document.querySelectorAll("#summary tbody tr").length};
        """)
        blocked = violations(browser)
    finally:
        browser.quit()
    assert shown["plots"] >= 1 and shown["drawn"] == shown["plots"], shown
    assert shown["rows"] == sum(len(CHECKS[function.name]) for function in multilayer.functions) + 1  # + by hand
    assert blocked == []
