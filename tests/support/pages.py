"""The course's pages rendered as nbgrader renders them, and what a test reads off them: the
exporters of feedback and formgrader under the course's nbgrader_config.py, and a watch on a page
in the browser (policy violations, requests, the attack corpus's marks)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from backprop_course.commands.browser import requests_made
from backprop_course.commands.serving import wait_until

from . import REPO_ROOT
from .page_attack_corpus import PWNED_ATTRIBUTE


def course_config(root: Path = REPO_ROOT):
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def feedback_exporter(root: Path = REPO_ROOT) -> HTMLExporter:
    """The exporter nbgrader's GenerateFeedback makes under the course's nbgrader_config.py."""
    config = course_config(root)
    converter = GenerateFeedback(coursedir=CourseDirectory(config=config), config=config)
    return HTMLExporter(parent=converter, config=converter.config)


def formgrade_exporter(root: Path = REPO_ROOT) -> HTMLExporter:
    """The exporter formgrader makes (HTMLExporter(config=...)) under the course's nbgrader_config.py."""
    return HTMLExporter(config=course_config(root))


def without_sanitizer(config):
    """config with the pages' sanitizing taken out (nbconvert's own markdown2html, no inert
    notebook), their templates and policies kept: to see the policy hold on its own."""
    from backprop_course.pages.content_policy import FreshNonce
    from backprop_course.pages.page_templates import page_filters

    config.HTMLExporter.preprocessors = [FreshNonce]
    config.HTMLExporter.filters = {name: value for name, value in page_filters().items() if name != "markdown2html"}
    return config


def unsanitized_feedback_exporter(root: Path = REPO_ROOT) -> HTMLExporter:
    config = without_sanitizer(course_config(root))
    converter = GenerateFeedback(coursedir=CourseDirectory(config=config), config=config)
    return HTMLExporter(parent=converter, config=converter.config)


def unsanitized_formgrade_exporter(root: Path = REPO_ROOT) -> HTMLExporter:
    return HTMLExporter(config=without_sanitizer(course_config(root)))


def formgrade_resources() -> dict:
    """What formgrader's submission page hands its exporter, for a made-up submission."""
    return {"assignment_id": "backprop", "notebook_id": "multilayer", "submission_id": "abc123", "index": 0,
            "total": 1, "base_url": "", "student": "mallory", "last_name": None, "first_name": None,
            "notebook_path": "/tree/autograded/mallory/backprop/multilayer.ipynb"}


def feedback_resources() -> dict:
    return {"nbgrader": {"notebook": "multilayer", "score": 0.0, "max_score": 15.0, "late_penalty": 0}}


# Installed in every document before its own scripts (DevTools), it records what the page's
# Content-Security-Policy blocked.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (event) {
    window.__violations.push({directive: event.effectiveDirective, blocked: event.blockedURI,
                              sample: (event.sample || '').slice(0, 80)});
});
"""


def watch_pages(driver) -> None:
    """From now on, each page driver opens records the violations of its policy."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_VIOLATIONS})


def violations(driver) -> list[dict]:
    """What the open page's policy blocked, but the fonts that the pages' own style sheets name
    (student content can name none: it keeps no style sheet)."""
    found = driver.execute_script("return window.__violations || []")
    return [violation for violation in found if violation["directive"] != "font-src"]


def pwned_marks(driver) -> list[str]:
    """The attack corpus's marks on the open page: one per payload that ran."""
    return driver.execute_script(
        "return Array.from(document.documentElement.attributes, a => a.name).filter(n => n.startsWith(arguments[0]))",
        PWNED_ATTRIBUTE)


FONT_FILE = (".woff", ".woff2", ".ttf", ".eot")


def requests_of(driver) -> list[tuple[str, str]]:
    """(method, path) of every request since the last call (blocked ones included), but data: URLs
    and the font files that the pages' own style sheets name (student content keeps no style
    sheet, so it can ask for none)."""
    made = [(method, urlsplit(url).path) for method, url in requests_made(driver) if not url.startswith("data:")]
    return [(method, path) for method, path in made if not path.endswith(FONT_FILE)]


# True once formgrader's page has fetched its grades and comments and bound its fields to them.
FIELDS_BOUND = ("return !!(window.formgrader && formgrader.grades && formgrader.grades.loaded && "
                "formgrader.comments && formgrader.comments.loaded)")
LOGIN_SECONDS = 20


def log_in(browser, base_url: str, token: str) -> None:
    """Log in on Jupyter's login page, so the page's own API calls carry the login cookie."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base_url}/login")
    browser.find_element(By.ID, "password_input").send_keys(token, Keys.ENTER)
    wait_until(lambda: "/login" not in browser.current_url, LOGIN_SECONDS, "the login page did not accept the token")


def body_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


# The page's controls that a student element covers: for each control, scrolled into view, the
# element drawn at points across it must be the control (or inside it), never part of what a
# student wrote; and no student element's visible box (clipped to its cell's box) may meet a
# control's box.
COVERED_CONTROLS = """
const controls = Array.from(document.querySelectorAll(arguments[0]));
const boxes = Array.from(document.querySelectorAll('.text_cell_render, .input_area, .output_subarea'));
const inStudentBox = (element) => boxes.some(box => box.contains(element));
const covered = [];
const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
for (const control of controls) {
    control.scrollIntoView({block: 'center', inline: 'center'});
    const rect = control.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    for (const [fx, fy] of [[0.5, 0.5], [0.15, 0.5], [0.85, 0.5]]) {
        const hit = document.elementFromPoint(rect.left + rect.width * fx, rect.top + rect.height * fy);
        if (hit && hit !== control && !control.contains(hit) && inStudentBox(hit)) {
            covered.push({control: control.outerHTML.slice(0, 80), by: hit.outerHTML.slice(0, 80)});
        }
    }
    for (const box of boxes) {
        const clip = box.getBoundingClientRect();
        for (const element of box.querySelectorAll('*')) {
            const own = element.getBoundingClientRect();
            const visible = {left: Math.max(own.left, clip.left), right: Math.min(own.right, clip.right),
                             top: Math.max(own.top, clip.top), bottom: Math.min(own.bottom, clip.bottom)};
            if (visible.left < visible.right && visible.top < visible.bottom && meets(visible, rect)) {
                covered.push({control: control.outerHTML.slice(0, 80), by: element.outerHTML.slice(0, 80)});
            }
        }
    }
}
return covered;
"""
# formgrader's grading controls, and the links of the feedback page's summary table.
FORMGRADER_CONTROLS = "input.score, input.extra-credit, textarea.comment, .scoring-buttons button, nav a"
FEEDBACK_CONTROLS = "#summary a, #summary td"


def covered_controls(driver, controls: str) -> list[dict]:
    return driver.execute_script(COVERED_CONTROLS, controls)
