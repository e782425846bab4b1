"""Screenshots for docs/, made from the current code: a sample student's feedback page, and a
student's visible checks naming a mistake in JupyterLab."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..course.cells import GIVEN_CELL_ID, answer_id
from ..course.paths import CourseDir, copy_course
from .browser import headless_chromium
from .demo import autograde_step, collect_samples, feedback, release
from .jupyter_servers import jupyter_lab
from .serving import LabError
from .student_lab import LabNotebook

# The top of the page (the summary table) and the lesson's first displayed formula, offline.
FEEDBACK_PNG = "feedback.png"
FORMULAS_PNG = "feedback-formulas.png"
# bob makes the typical mistakes (assignments/backprop/samples/bob.py), so his page shows rows
# with points lost.
# The screenshots show backprop's single_neuron notebook: its feedback page, and a check cell with
# MISTAKEN_ANSWER typed in.
SCREENSHOT_ASSIGNMENT = "backprop"
FEEDBACK_STUDENT = "bob"
# Wide enough for the summary table's hints on one line, tall enough for the table.
FEEDBACK_WINDOW = (1200, 1000)
# JupyterLab with a check cell naming the student's mistake: the answer cell, the check cell and
# its output in one window, the check's message on one line.
STUDENT_CHECK_PNG = "student-check.png"
STUDENT_WINDOW = (1440, 720)
SCROLLS = {
    FEEDBACK_PNG: "window.scrollTo(0, 0);",
    FORMULAS_PNG: "document.querySelector('math[display=\"block\"]').closest('.cell').scrollIntoView();",
}


@dataclass(frozen=True)
class TypedAnswer:
    """A line a student types over a function's `raise NotImplementedError()`, and the mistake id
    that the function's visible checks name for it (None: the line is right)."""

    function: str
    line: str
    mistake: str | None = None


# The student of the screenshot (and of the browser test) drops the factor 2 of the square's
# derivative, then puts it back.
MISTAKEN_ANSWER = TypedAnswer("dloss_dyhat", "return (y_hat - y) / y.shape[0]", "dloss-missing-2")
CORRECTED_ANSWER = TypedAnswer("dloss_dyhat", "return 2 * (y_hat - y) / y.shape[0]")


def feedback_screenshots(page: Path, folder: Path) -> list[Path]:
    """Screenshots of a feedback page (its formulas are MathML, drawn as the page loads), in a
    browser without network."""
    driver = headless_chromium(offline=True, window=FEEDBACK_WINDOW)
    try:
        driver.get(page.as_uri())
        if not driver.execute_script("return document.querySelectorAll('math').length"):
            raise RuntimeError(f"{page} shows no formula")
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
        for step in (release, collect_samples, autograde_step, feedback):
            step(graded)
        first = course.contract.notebooks[0]
        page = graded.feedback / FEEDBACK_STUDENT / course.assignment / f"{first.name}.html"
        return feedback_screenshots(page, course.docs)


def student_check_screenshot(release_folder: Path, folder: Path, answer: TypedAnswer = MISTAKEN_ANSWER,
                             notebook_file: str = "single_neuron.ipynb") -> Path:
    """Open a copy of the released notebook in JupyterLab (a browser without network),
    run the given code, type answer and run its visible checks; a screenshot of the checks naming
    its mistake, written to folder."""
    driver = headless_chromium(offline=True, window=STUDENT_WINDOW)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            student = Path(shutil.copytree(release_folder, Path(scratch) / "student"))
            with jupyter_lab(student, Path(scratch) / "lab") as server:
                notebook = LabNotebook.open(driver, server, notebook_file)
                notebook.hide_file_browser()
                notebook.run(GIVEN_CELL_ID)
                shown = notebook.answer(answer.function, answer.line)
                if f"[{answer.mistake}]" not in shown:
                    raise LabError(f"the visible checks of {answer.function} did not name [{answer.mistake}]: {shown}")
                return notebook.screenshot(answer_id(answer.function), folder / STUDENT_CHECK_PNG)
    finally:
        driver.quit()


def write_screenshots(course: CourseDir) -> list[Path]:
    """Every screenshot of the course's docs/: the feedback page's, then the student's check cell
    (of the assignment whose notebook and answers they show)."""
    course = course.of(SCREENSHOT_ASSIGNMENT)
    return [*write_feedback_screenshots(course), student_check_screenshot(course.release, course.docs)]
