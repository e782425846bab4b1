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


def requests_of(driver) -> list[tuple[str, str]]:
    """(method, path) of every request since the last call, data: URLs left out."""
    return [(method, urlsplit(url).path) for method, url in requests_made(driver) if not url.startswith("data:")]


def body_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")
