"""A student whose notebooks carry script for the instructor's browser (the corpus of
support/page_attack_corpus.py), graded among honest students by `backprop-course autograde --jobs 2`
and by `nbgrader autograde`, then opened as a person opens it: each feedback page in headless
Chromium, and each notebook in formgrader, logged in as the instructor. No payload runs, no request
goes to Jupyter's or formgrader's API but formgrader's own, no file appears in the course and the
gradebook is unchanged."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.demo import release
from backprop_course.commands.student_lab import jupyter_app, wait_until
from backprop_course.nbgrader_glue.apps import BIN_DIR, nbgrader
from backprop_course.nbgrader_glue.feedback_summary import summarize
from backprop_course.nbgrader_glue.gradebook import notebook_scores
from backprop_course.nbgrader_glue.pages import RESOURCES_KEY

from .support import course_copy
from .support.backprop import ASSIGNMENT, CONTRACT, NOTEBOOKS
from .support.browser import headless_chromium
from .support.page_attack_corpus import PWNED_FILE, write_page_attacker
from .support.pages import (
    FIELDS_BOUND,
    formgrade_resources,
    log_in,
    pwned_marks,
    requests_of,
    unsanitized_feedback_exporter,
    unsanitized_formgrade_exporter,
    violations,
    watch_pages,
)
from .support.sandbox import needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]

ATTACKER = "mallory"
HONEST = ("alice", "bob")
SERVER_START_SECONDS = 60
# How long a page is left open after formgrader bound its fields, for any payload to act.
PAYLOAD_SECONDS = 2
GRADERS = ("backprop-course autograde --jobs 2", "nbgrader autograde")


@pytest.fixture(scope="module", params=GRADERS)
def attacked(request, tmp_path_factory) -> Path:
    """A course whose submissions (alice, bob and the attacker) were graded by one of GRADERS, and
    whose feedback was written by `nbgrader generate_feedback`."""
    course = course_copy(tmp_path_factory.mktemp("page-attacks") / "course")
    release(course)
    for student in HONEST:
        answers = answers_from_source((course.sample_answers / f"{student}.py").read_text())
        write_submission(course.release, answers, course.submission(student))
    write_page_attacker(course, ATTACKER)
    if request.param.startswith("backprop-course"):
        subprocess.run([str(BIN_DIR / "backprop-course"), "autograde", ASSIGNMENT, "--jobs", "2", "--no-progress"],
                       cwd=course.root, check=True, capture_output=True, text=True)
    else:
        nbgrader("autograde", ASSIGNMENT, "--force", course=course)
    nbgrader("generate_feedback", ASSIGNMENT, "--force", course=course)
    return course


def gradebook_rows(course) -> list[tuple]:
    """Every grade and comment row of the gradebook, as the database holds them."""
    with sqlite3.connect(course.gradebook) as db:
        return [*db.execute("SELECT * FROM grade ORDER BY id"), *db.execute("SELECT * FROM comment ORDER BY id")]


def course_files(course) -> set[str]:
    return {str(path.relative_to(course.root)) for path in course.root.rglob("*") if path.is_file()}


def test_the_attacker_is_graded_as_its_functions_earn_and_the_others_as_usual(attacked):
    scores, expected = notebook_scores(attacked.db_url, ASSIGNMENT), expected_scores(attacked)
    for student in HONEST:
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected[student]
    assert {nb.name: scores[ATTACKER][nb.name].auto_score for nb in NOTEBOOKS} == expected["alice"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda notebook: notebook.name)
def test_no_script_of_the_attacker_runs_on_its_feedback_page_and_it_fetches_nothing(attacked, notebook):
    page = attacked.feedback / ATTACKER / ASSIGNMENT / f"{notebook.name}.html"
    browser = headless_chromium(offline=True, log_requests=True)
    try:
        watch_pages(browser)
        browser.get(page.as_uri())
        time.sleep(PAYLOAD_SECONDS)
        marks, blocked, requests = pwned_marks(browser), violations(browser), requests_of(browser)
        shown = browser.execute_script("return {rows: document.querySelectorAll('#summary tbody tr').length, "
                                       "text: document.body.innerText, images: document.images.length}")
    finally:
        browser.quit()
    assert marks == [] and blocked == []
    assert {path for _, path in requests} == {page.as_uri()[len("file://"):]}  # the page itself, nothing else
    assert shown["rows"] > 0 and "The largest rate oscillates" in shown["text"]  # the answer's prose stays
    assert "[application/javascript output, not shown here" in shown["text"]


def test_no_script_of_the_attacker_runs_in_formgrader_and_course_and_gradebook_stay_as_they_were(attacked,
                                                                                                   tmp_path):
    rows_before, files_before = gradebook_rows(attacked), course_files(attacked)
    with Gradebook(attacked.db_url) as gradebook:
        ids = {(student, nb.name): gradebook.find_submission_notebook(nb.name, ASSIGNMENT, student).id
               for student in (*HONEST, ATTACKER) for nb in NOTEBOOKS}
    log = tmp_path / "jupyter-server.log"
    with jupyter_app("server", attacked.root, log, start_seconds=SERVER_START_SECONDS) as (_, base_url, token):
        browser = headless_chromium(offline=True, log_requests=True)
        try:
            log_in(browser, base_url, token)
            watch_pages(browser)
            seen = {}
            for student, nb in [("alice", notebook) for notebook in NOTEBOOKS] + [(ATTACKER, n) for n in NOTEBOOKS]:
                requests_of(browser)  # what came before
                browser.get(f"{base_url}/formgrader/submissions/{ids[(student, nb.name)]}/")
                wait_until(lambda: browser.execute_script(FIELDS_BOUND), SERVER_START_SECONDS,
                           f"formgrader bound no fields on {student}/{nb.name}")
                time.sleep(PAYLOAD_SECONDS)
                seen[(student, nb.name)] = {
                    "marks": pwned_marks(browser), "blocked": violations(browser),
                    "requests": {(method, re.sub(r"[0-9a-f]{32}", "<id>", path))
                                 for method, path in requests_of(browser)},
                    "answer": "The largest rate oscillates" in browser.execute_script("return document.body.innerText"),
                }
        finally:
            browser.quit()
    for nb in NOTEBOOKS:
        attacked_page, honest_page = seen[(ATTACKER, nb.name)], seen[("alice", nb.name)]
        assert attacked_page["marks"] == [] and attacked_page["blocked"] == [], nb.name
        assert honest_page["blocked"] == [], nb.name
        assert {method for method, _ in attacked_page["requests"]} == {"GET"}
        assert not any(path.startswith("/api/") for _, path in attacked_page["requests"])
        assert attacked_page["requests"] <= honest_page["requests"] | {("GET", "/favicon.ico")}, nb.name
        assert attacked_page["answer"], nb.name  # the attacker's prose is shown
    assert not [name for name in course_files(attacked) - files_before if PWNED_FILE in name]
    assert course_files(attacked) - files_before == set()
    assert gradebook_rows(attacked) == rows_before



def test_the_policy_alone_stops_every_payload_that_the_sanitizer_would_have_removed(attacked, tmp_path):
    """The second wall: the attacker's autograded notebooks rendered with our templates and
    policies but without the sanitizing steps. The browser blocks the payloads (and says so)."""
    browser = headless_chromium(offline=True)
    try:
        watch_pages(browser)
        for nb in NOTEBOOKS:
            notebook = nbformat.read(attacked.autograded / ATTACKER / ASSIGNMENT / nb.filename, as_version=4)
            for cell in notebook.cells:  # what nbgrader's GetGrades adds before feedback is rendered
                if cell.metadata.get("nbgrader", {}).get("grade") or cell.metadata.get("nbgrader", {}).get("task"):
                    cell.metadata.nbgrader["score"] = 0.0
            feedback_resources = {"nbgrader": {"notebook": nb.name, "score": 0.0, "max_score": 1.0, "late_penalty": 0},
                                  RESOURCES_KEY: {"summary": summarize(nbformat.v4.new_notebook(), CONTRACT)}}
            pages = {
                "feedback": unsanitized_feedback_exporter().from_notebook_node(notebook, resources=feedback_resources),
                "formgrade": unsanitized_formgrade_exporter().from_notebook_node(notebook,
                                                                                 resources=formgrade_resources()),
            }
            for kind, (page, _) in pages.items():
                assert "<script>(function(){var v=" in page, kind  # the payloads are on the page this time
                path = tmp_path / f"{kind}-{nb.name}.html"
                path.write_text(page)
                browser.get(path.as_uri())
                time.sleep(PAYLOAD_SECONDS)
                blocked = {violation["directive"] for violation in violations(browser)}
                assert pwned_marks(browser) == [], (kind, nb.name)
                assert {"script-src-elem", "script-src-attr"} <= blocked, (kind, nb.name, blocked)
    finally:
        browser.quit()
