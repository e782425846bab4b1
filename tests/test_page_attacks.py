"""A student whose notebooks carry script for the instructor's browser and overlays for its
controls (the corpus of support/page_attack_corpus.py), whose roster names carry markup and who
hands in an HTML page beside the notebooks, graded among honest students (ids of the forms
JupyterHub makes among them) and beside submissions under hostile student ids, by
`backprop-course autograde --jobs 2` and by `nbgrader autograde`, then opened as a person opens
it: each feedback page in headless Chromium, and every formgrader page, logged in as the
instructor. No payload runs, no student element covers a control, no request goes to Jupyter's
or formgrader's API but formgrader's own, no file appears in the course and the gradebook is
unchanged; hostile ids are refused with one line each and leave no row."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.jupyter_servers import jupyter_app
from backprop_course.commands.serving import wait_until
from backprop_course.nbgrader_glue.apps import BIN_DIR, nbgrader
from backprop_course.nbgrader_glue.gradebook import notebook_scores
from backprop_course.pages.feedback_summary import summarize
from backprop_course.pages.page_templates import RESOURCES_KEY

from .support import course_copy
from .support.backprop import ASSIGNMENT, CONTRACT, NOTEBOOKS
from .support.browser import headless_chromium
from .support.page_attack_corpus import FORGED_LIMIT, HANDED_IN_FILE, PWNED_FILE, payload, write_page_attacker
from .support.pages import (
    FEEDBACK_CONTROLS,
    FIELDS_BOUND,
    FORMGRADER_CONTROLS,
    covered_controls,
    formgrade_resources,
    log_in,
    pwned_marks,
    requests_of,
    unsanitized_feedback_exporter,
    unsanitized_formgrade_exporter,
    violations,
    watch_pages,
)
from .support.released import release_by_copy
from .support.sandbox import needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]

ATTACKER = "mallory"
HONEST = ("alice", "bob")
# Ids of the forms JupyterHub gives, handed alice's answers.
HUB_IDS = ("j.doe", "jdoe2", "jdoe@example.edu")
# Student ids a student may choose (an exchange folder's name, a submitted folder's), each refused.
HOSTILE_IDS = ("atk-id<script defer src=x.js>", "<img src=x onerror=alert(1)>", 'q"uote\'s', "x" * 200, "-rf",
               "sp ace")
# Roster names an instructor's CSV import or a student's hub profile can carry.
HOSTILE_NAMES = {"--first-name": f'<img src=x onerror="{payload("roster-first-name")}">',
                 "--last-name": f"<script>{payload('roster-last-name')}</script>"}
SERVER_START_SECONDS = 60
# How long a page is left open after formgrader bound its fields, for any payload to act.
PAYLOAD_SECONDS = 2
GRADERS = ("backprop-course autograde --jobs 2", "nbgrader autograde")
AUTOGRADE_LOGS: dict[Path, str] = {}  # what each graded course's autograde printed


@pytest.fixture(scope="module", params=GRADERS)
def attacked(request, tmp_path_factory) -> Path:
    """A course whose submissions (alice, bob and the attacker) were graded by one of GRADERS, and
    whose feedback was written by `nbgrader generate_feedback`."""
    course = course_copy(tmp_path_factory.mktemp("page-attacks") / "course")
    release_by_copy(course)
    for student in HONEST:
        answers = answers_from_source((course.sample_answers / f"{student}.py").read_text())
        write_submission(course.release, answers, course.submission(student))
    write_page_attacker(course, ATTACKER)
    for student in (*HUB_IDS, *HOSTILE_IDS):
        shutil.copytree(course.submission("alice"), course.submission(student))
    nbgrader("db", "student", "add", ATTACKER, *[f"{option}={name}" for option, name in HOSTILE_NAMES.items()],
             course=course)
    if request.param.startswith("backprop-course"):
        done = subprocess.run([str(BIN_DIR / "backprop-course"), "autograde", ASSIGNMENT, "--jobs", "2",
                               "--no-progress"], cwd=course.root, check=True, capture_output=True, text=True)
    else:
        done = nbgrader("autograde", ASSIGNMENT, "--force", course=course)
    nbgrader("generate_feedback", ASSIGNMENT, "--force", course=course)
    AUTOGRADE_LOGS[course.root] = done.stdout + done.stderr
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
    for student in (ATTACKER, *HUB_IDS):
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected["alice"], student


def test_each_hostile_student_id_is_refused_in_one_line_and_leaves_no_trace(attacked):
    with Gradebook(attacked.db_url) as gradebook:
        students = {student.id for student in gradebook.students}
    assert students == {*HONEST, ATTACKER, *HUB_IDS}
    for student in HOSTILE_IDS:
        lines = [line for line in AUTOGRADE_LOGS[attacked.root].splitlines() if ascii(student)[1:-1][:60] in line]
        assert len(lines) == 1 and "refused student id" in lines[0] and "rename the folder" in lines[0], student
        assert not (attacked.autograded / student).exists() and not (attacked.feedback / student).exists()
    added = nbgrader("db", "student", "add", HOSTILE_IDS[1], course=attacked, check=False)
    assert added.returncode != 0 and "refused student id" in added.stdout + added.stderr
    with Gradebook(attacked.db_url) as gradebook:
        assert {student.id for student in gradebook.students} == students


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
                                       "text: document.body.innerText, images: document.images.length, "
                                       "limits: document.querySelectorAll('#limits li').length}")
        covered = covered_controls(browser, FEEDBACK_CONTROLS)
    finally:
        browser.quit()
    assert marks == [] and blocked == []
    assert covered == []  # the overlays stay inside their cells
    assert shown["limits"] == 0 and f"{FORGED_LIMIT}:" in shown["text"]  # the student's own error, no limit note
    assert {path for _, path in requests} == {page.as_uri()[len("file://"):]}  # the page itself, nothing else
    assert shown["rows"] > 0 and "The largest rate oscillates" in shown["text"]  # the answer's prose stays
    assert "[application/javascript output, not shown here" in shown["text"]


def formgrader_pages(ids: dict) -> dict[str, str]:
    """Every page of formgrader a grader opens for this course: nbgrader's own and the grading
    pages, by a name for the test."""
    pages = {"manage assignments": "manage_assignments", "submissions": f"manage_submissions/{ASSIGNMENT}",
             "gradebook": "gradebook", "assignment": f"gradebook/{ASSIGNMENT}", "students": "manage_students"}
    for nb in NOTEBOOKS:
        pages[f"notebook {nb.name}"] = f"gradebook/{ASSIGNMENT}/{nb.name}"
    for student in ("alice", ATTACKER):
        pages[f"student {student}"] = f"manage_students/{student}"
        pages[f"student {student} {ASSIGNMENT}"] = f"manage_students/{student}/{ASSIGNMENT}"
        for nb in NOTEBOOKS:
            pages[f"grading {student} {nb.name}"] = f"submissions/{ids[(student, nb.name)]}/"
    return pages


def response_headers(url: str, token: str) -> dict[str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=SERVER_START_SECONDS) as response:
        return {name.lower(): value for name, value in response.headers.items()} | {
            "content-security-policy": " | ".join(response.headers.get_all("Content-Security-Policy") or [])}


def test_no_student_content_acts_on_any_formgrader_page_and_course_and_gradebook_stay_as_they_were(attacked,
                                                                                                    tmp_path):
    rows_before, files_before = gradebook_rows(attacked), course_files(attacked)
    with Gradebook(attacked.db_url) as gradebook:
        ids = {(student, nb.name): gradebook.find_submission_notebook(nb.name, ASSIGNMENT, student).id
               for student in (*HONEST, ATTACKER) for nb in NOTEBOOKS}
    pages = formgrader_pages(ids)
    log = tmp_path / "jupyter-server.log"
    with jupyter_app("server", attacked.root, log, start_seconds=SERVER_START_SECONDS) as (_, base_url, token):
        handed_in = f"{base_url}/formgrader/submissions/{ids[(ATTACKER, NOTEBOOKS[0].name)]}/{HANDED_IN_FILE}"
        headers = {name: response_headers(f"{base_url}/formgrader/{path}", token) for name, path in pages.items()}
        headers["handed-in file"] = response_headers(handed_in, token)
        browser = headless_chromium(offline=True, log_requests=True)
        try:
            log_in(browser, base_url, token)
            watch_pages(browser)
            seen = {}
            for name, path in [*pages.items(), ("handed-in file", handed_in)]:
                requests_of(browser)  # what came before
                browser.get(path if path.startswith("http") else f"{base_url}/formgrader/{path}")
                if name.startswith("grading"):
                    wait_until(lambda: browser.execute_script(FIELDS_BOUND), SERVER_START_SECONDS,
                               f"formgrader bound no fields on {name}")
                time.sleep(PAYLOAD_SECONDS)
                text = browser.execute_script("return document.body ? document.body.innerText : ''")
                seen[name] = {
                    "marks": pwned_marks(browser), "blocked": violations(browser),
                    "requests": {(method, re.sub(r"[0-9a-f]{32}", "<id>", path))
                                 for method, path in requests_of(browser)},
                    "answer": "The largest rate oscillates" in text,
                    "covered": covered_controls(browser, FORMGRADER_CONTROLS) if name.startswith("grading") else [],
                }
            # What the policy blocks is reported to the server's log: an image from the server itself,
            # which a grading page may not load, put on the page from outside it.
            browser.get(f"{base_url}/formgrader/{pages[f'grading {ATTACKER} {NOTEBOOKS[0].name}']}")
            browser.execute_script("const image = document.createElement('img'); image.src = '/static/report-me.png';"
                                   "document.body.appendChild(image);")
            time.sleep(PAYLOAD_SECONDS)
            reported = violations(browser)
        finally:
            browser.quit()
    for name, page in seen.items():
        assert page["marks"] == [], name
        assert page["blocked"] == [] or name == "handed-in file", name  # formgrader's own pages work as before
        assert not any(path.startswith("/api/") for _, path in page["requests"]), name
        assert not any(method != "GET" for method, _ in page["requests"]), name
        assert page["covered"] == [], name
    for nb in NOTEBOOKS:
        attacked_page, honest_page = seen[f"grading {ATTACKER} {nb.name}"], seen[f"grading alice {nb.name}"]
        assert attacked_page["blocked"] == [] and honest_page["blocked"] == [], nb.name
        assert attacked_page["requests"] <= honest_page["requests"] | {("GET", "/favicon.ico")}, nb.name
        assert attacked_page["answer"], nb.name  # the attacker's prose is shown
    for name, page_headers in headers.items():
        policy = page_headers["content-security-policy"]
        assert page_headers.get("x-content-type-options") == "nosniff", name
        assert "report-uri" in policy and "'unsafe-inline'" not in policy.split("script-src")[-1].split(";")[0], name
        assert ("sandbox" in policy) == (name == "handed-in file"), name
    assert {violation["directive"] for violation in reported} == {"img-src"}  # by the meta and the header policy
    assert [line for line in log.read_text().splitlines()
            if "content policy violation on a formgrader page" in line and "report-me.png" in line]
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
