"""Grading by hand in formgrader: a real Jupyter server, driven by headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from backprop_course.commands.browser import url_fails
from backprop_course.commands.jupyter_servers import jupyter_app
from backprop_course.commands.serving import wait_until
from backprop_course.course.paths import CourseDir

from .support.backprop import ASSIGNMENT, MANUAL_GRADE_ID, MULTILAYER
from .support.browser import CDN_MATHJAX
from .support.pages import FIELDS_BOUND, log_in, violations, watch_pages

pytestmark = pytest.mark.slow

STUDENT = "alice"
MANUAL_SCORE = 2.5
COMMENT = "Good plot; say why the largest rate oscillates."
SERVER_START_SECONDS = 60
SAVE_SECONDS = 20
# The formulas of the page: MathML drawn by the browser, none left as TeX.
MATHML_RENDERED = """
const formulas = Array.from(document.querySelectorAll("#notebook .text_cell_render math"));
return {
    formulas: formulas.length,
    drawn: formulas.filter(math => math.getBoundingClientRect().width > 0).length,
    raw_tex: document.getElementById("notebook").innerText.includes("$$")
};
"""


@pytest.fixture
def hand_graded_course(graded_course: CourseDir, tmp_path: Path) -> CourseDir:
    """A private copy of the autograded course, so hand grades stay out of the shared one."""
    return CourseDir(Path(shutil.copytree(graded_course.root, tmp_path / "course")))
@pytest.fixture
def formgrader(hand_graded_course: CourseDir, tmp_path: Path):
    """`jupyter server` in the course directory (nbgrader's server extensions load with it)."""
    log = tmp_path / "jupyter-server.log"
    with jupyter_app("server", hand_graded_course.root, log, start_seconds=SERVER_START_SECONDS) as running:
        _, base_url, token = running
        yield base_url, token


def manual_grade(course: CourseDir) -> tuple[float | None, str | None]:
    with Gradebook(f"sqlite:///{course.gradebook}") as gradebook:
        grade = gradebook.find_grade(MANUAL_GRADE_ID, MULTILAYER.name, ASSIGNMENT, STUDENT)
        comment = gradebook.find_comment(MANUAL_GRADE_ID, MULTILAYER.name, ASSIGNMENT, STUDENT)
        return grade.manual_score, comment.manual_comment


def submitted_notebook_id(course: CourseDir) -> str:
    with Gradebook(f"sqlite:///{course.gradebook}") as gradebook:
        return gradebook.find_submission_notebook(MULTILAYER.name, ASSIGNMENT, STUDENT).id


def test_offline_formgrader_renders_formulas_and_saves_a_hand_grade_and_comment_to_the_gradebook(
    browser, formgrader, hand_graded_course, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base_url, token = formgrader
    assert manual_grade(hand_graded_course) == (None, None)
    log_in(browser, base_url, token)
    assert url_fails(browser, CDN_MATHJAX), "the browser reached the internet: this test would prove nothing"
    watch_pages(browser)
    browser.get(f"{base_url}/formgrader/submissions/{submitted_notebook_id(hand_graded_course)}/")
    score_box = wait_until(
        lambda: browser.find_elements(By.ID, MANUAL_GRADE_ID), SERVER_START_SECONDS, "formgrader showed no score box"
    )[0]
    # The fields save only once the page has fetched its grades and comments and bound them: its own
    # scripts run under its policy.
    wait_until(lambda: browser.execute_script(FIELDS_BOUND), SERVER_START_SECONDS, "formgrader bound no fields")
    formulas = browser.execute_script(MATHML_RENDERED)
    assert formulas["formulas"] > 5 and formulas["drawn"] == formulas["formulas"] and not formulas["raw_tex"], formulas
    assert violations(browser) == []  # nothing of formgrader's own page is blocked by its policy
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", score_box)
    comment_box = browser.find_element(By.ID, f"{MANUAL_GRADE_ID}-comment")
    comment_box.send_keys(COMMENT, Keys.TAB)  # formgrader saves on the change event (leaving the field)
    score_box.clear()
    score_box.send_keys(str(MANUAL_SCORE), Keys.TAB)
    wait_until(lambda: manual_grade(hand_graded_course) == (MANUAL_SCORE, COMMENT), SAVE_SECONDS, "no hand grade saved")
    screenshot = tmp_path / "formgrader.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    with Gradebook(f"sqlite:///{hand_graded_course.gradebook}") as gradebook:
        grade = gradebook.find_grade(MANUAL_GRADE_ID, MULTILAYER.name, ASSIGNMENT, STUDENT)
        assert grade.score == MANUAL_SCORE
        assert not grade.needs_manual_grade
