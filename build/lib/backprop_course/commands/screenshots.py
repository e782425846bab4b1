"""Screenshots for docs/, made from the current code: a sample student's feedback page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..course.contract import ASSIGNMENT, SINGLE_NEURON
from ..course.paths import CourseDir, copy_course
from .browser import headless_chromium
from .demo import autograde, collect_samples, feedback, release

# The top of the page (the summary table) and the lesson's first displayed formula, offline.
FEEDBACK_PNG = "feedback.png"
FORMULAS_PNG = "feedback-formulas.png"
# bob makes the typical mistakes (samples/answers/bob.py), so his page shows rows with points lost.
FEEDBACK_STUDENT = "bob"
# Wide enough for the summary table's hints on one line, tall enough for the table.
FEEDBACK_WINDOW = (1200, 1000)
MATHJAX_SECONDS = 60
SCROLLS = {
    FEEDBACK_PNG: "window.scrollTo(0, 0);",
    FORMULAS_PNG: "document.querySelector('mjx-container[display=\"true\"]').closest('.cell').scrollIntoView();",
}


def feedback_screenshots(page: Path, folder: Path) -> list[Path]:
    """Screenshots of a feedback page, in a browser without network, once MathJax has typeset it."""
    driver = headless_chromium(offline=True, window=FEEDBACK_WINDOW)
    try:
        driver.get(page.as_uri())
        driver.set_script_timeout(MATHJAX_SECONDS)
        typeset = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "MathJax.startup.promise.then(() => done(true), () => done(false));"
        )
        if not typeset:
            raise RuntimeError(f"MathJax could not typeset {page}")
        folder.mkdir(parents=True, exist_ok=True)
        shots = []
        for name, scroll in SCROLLS.items():
            driver.execute_script(scroll)
            if not driver.save_screenshot(str(folder / name)):
                raise RuntimeError(f"the browser wrote no screenshot to {folder / name}")
            shots.append(folder / name)
        return shots
    finally:
        driver.quit()


def write_feedback_screenshots(course: CourseDir) -> list[Path]:
    """Grade the samples in a fresh copy of the course with nbgrader (the demo's steps) and write
    screenshots of the feedback on a sample student's first notebook to the course's docs/."""
    with tempfile.TemporaryDirectory() as folder:
        graded = copy_course(Path(folder) / "course", course)
        for step in (release, collect_samples, autograde, feedback):
            step(graded)
        page = graded.feedback / FEEDBACK_STUDENT / ASSIGNMENT / f"{SINGLE_NEURON.name}.html"
        return feedback_screenshots(page, course.docs)
