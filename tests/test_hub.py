"""The course on a real JupyterHub on this host, end to end in headless Chromium through the hub's
proxy: PAM logins of the hub's Unix users (`make hub-users`), each user's server started as that
user, nbgrader's extensions and one exchange. bpc-s1 fetches in the assignment list, types a known
mistake and sees its check cell name it, validates and submits; bpc-s2 and bpc-s3 do the same with
nbgrader's commands as their users. The instructor (not root) collects and grades with
`nbgrader autograde` and `backprop-course autograde --jobs 2`; the TA grades the written answer in
formgrader through the hub; feedback goes back and each student fetches their own. No student
reads another's files or the course."""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_course.authoring.samples import answers_from_source, expected_scores, fill_answers
from backprop_course.commands.hub.layout import HubLayout
from backprop_course.commands.hub.prepare import ASSIGNMENT, prepare_hub
from backprop_course.commands.hub.running import running_hub
from backprop_course.commands.hub.users import GRADER, INSTRUCTOR, STUDENTS, missing, passwords
from backprop_course.commands.screenshots import MISTAKEN_ANSWER
from backprop_course.commands.serving import wait_until
from backprop_course.commands.student_lab import LabNotebook
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import REPO_COURSE
from .support.backprop import COURSE_ID, GIVEN_CELL_ID, MANUAL_GRADE_ID, MULTILAYER, NOTEBOOKS, SINGLE_NEURON, hint
from .support.browser import headless_chromium
from .support.hub import AssignmentList, find_proxy, log_in
from .support.pages import FIELDS_BOUND
from .support.wheel_venv import wheel_venv

pytestmark = pytest.mark.slow

IN_BROWSER, *BY_COMMANDS = STUDENTS
SAMPLE_OF = dict(zip(BY_COMMANDS, ("alice", "bob")))  # the sample students whose answers they hand in
MANUAL_SCORE, COMMENT = 2.5, "Say why the largest rate oscillates."
SAVE_SECONDS = 30
NBGRADER_COMMANDS = "return window.jupyterapp.commands.listCommands().filter(name => name.startsWith('nbgrader:'))"


def feedback_pages(home: Path) -> dict[str, Path]:
    """{notebook: page} of the feedback fetched into a student's home."""
    return {page.stem: page for page in (home / ASSIGNMENT / "feedback").glob("*/*.html")}


def as_user(layout: HubLayout, user: str, *command: str, cwd: Path | None = None) -> str:
    done = layout.run_as(user, *command, cwd=cwd)
    assert done.returncode == 0, f"{' '.join(command)} as {user}:\n{(done.stdout + done.stderr)[-3000:]}"
    return done.stdout + done.stderr


def student_in_browser(layout: HubLayout, url: str, timings: dict) -> dict:
    """bpc-s1 in JupyterLab through the hub: fetch, a known mistake typed and named, validate, submit."""
    driver = headless_chromium(offline=True)
    try:
        started = time.monotonic()
        lab = log_in(driver, url, IN_BROWSER, passwords()[IN_BROWSER])
        timings["first login (alone)"] = time.monotonic() - started
        AssignmentList(driver, lab).fetch()
        commands = driver.execute_script(NBGRADER_COMMANDS)
        notebook = LabNotebook.open(driver, lab, f"{ASSIGNMENT}/{SINGLE_NEURON.filename}")
        notebook.run(GIVEN_CELL_ID)
        check = " ".join(notebook.answer(MISTAKEN_ANSWER.function, MISTAKEN_ANSWER.line).split())
        notebook.save()
        assignments = AssignmentList(driver, lab)
        validated = assignments.validate(SINGLE_NEURON.name)
        assignments.submit()
        timings["student in the browser"] = time.monotonic() - started
        return {"check": check, "validated": validated, "commands": commands, "driver": driver, "lab": lab}
    except BaseException:
        driver.quit()
        raise


def hand_in_by_commands(layout: HubLayout, student: str) -> str:
    """Fetch, answer (the sample's answers), validate and submit with nbgrader's commands as the
    student's user; what validate said."""
    home = layout.home(student)
    as_user(layout, student, "nbgrader", "fetch_assignment", ASSIGNMENT)
    sample = REPO_COURSE.of(ASSIGNMENT).sample_answers / f"{SAMPLE_OF[student]}.py"
    answers = answers_from_source(sample.read_text())
    for notebook in NOTEBOOKS:
        path = home / ASSIGNMENT / notebook.filename
        nbformat.write(fill_answers(nbformat.read(path, as_version=4), answers), path)  # what they type
        shutil.chown(path, student, student)
    validated = as_user(layout, student, "nbgrader", "validate", f"{ASSIGNMENT}/{SINGLE_NEURON.filename}")
    as_user(layout, student, "nbgrader", "submit", ASSIGNMENT)
    return validated


def students_by_commands(layout: HubLayout) -> dict[str, str]:
    """bpc-s2 and bpc-s3 at once; then bpc-s3 also hands in under bpc-s1's id, after bpc-s1."""
    with ThreadPoolExecutor(max_workers=len(BY_COMMANDS)) as pool:
        validated = dict(zip(BY_COMMANDS, pool.map(lambda student: hand_in_by_commands(layout, student),
                                                   BY_COMMANDS)))
    as_user(layout, BY_COMMANDS[-1], "nbgrader", "submit", ASSIGNMENT, f"--student={IN_BROWSER}")
    return validated


def grade_by_hand_in_formgrader(layout: HubLayout, url: str) -> None:
    """The TA logs in and grades bpc-s2's written answer in formgrader, through the hub."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with Gradebook(f"sqlite:///{layout.course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(MULTILAYER.name, ASSIGNMENT, BY_COMMANDS[0]).id
    driver = headless_chromium(offline=True)
    try:
        log_in(driver, url, GRADER, passwords()[GRADER])
        driver.get(f"{url}/user/{GRADER}/formgrader/submissions/{submission}/")
        score_box = wait_until(lambda: driver.find_elements(By.ID, MANUAL_GRADE_ID), SAVE_SECONDS,
                               "formgrader showed no score box")[0]
        wait_until(lambda: driver.execute_script(FIELDS_BOUND), SAVE_SECONDS, "formgrader bound no fields")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", score_box)
        driver.find_element(By.ID, f"{MANUAL_GRADE_ID}-comment").send_keys(COMMENT, Keys.TAB)
        score_box.clear()
        score_box.send_keys(str(MANUAL_SCORE), Keys.TAB)
        wait_until(lambda: manual_grade(layout) == (MANUAL_SCORE, COMMENT), SAVE_SECONDS, "no hand grade saved")
    finally:
        driver.quit()


def manual_grade(layout: HubLayout) -> tuple[float | None, str | None]:
    with Gradebook(f"sqlite:///{layout.course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(MANUAL_GRADE_ID, MULTILAYER.name, ASSIGNMENT, BY_COMMANDS[0])
        comment = gradebook.find_comment(MANUAL_GRADE_ID, MULTILAYER.name, ASSIGNMENT, BY_COMMANDS[0])
        return grade.manual_score, comment.manual_comment


# Run as a student: for each path, whether it could be read (a file's first byte, a folder's listing).
PROBE = """import os, sys
for path in sys.argv[1:]:
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, 'rb').read(1)
        print('read', path)
    except PermissionError:
        print('denied', path)
"""


def readable_by(layout: HubLayout, student: str, paths: list[Path]) -> dict[str, bool]:
    said = as_user(layout, student, "python", "-c", PROBE, *map(str, paths))
    return {line.split(" ", 1)[1]: line.startswith("read") for line in said.splitlines()}


@pytest.fixture(scope="module")
def term():
    """The whole term on one hub, once; what each step left, for the tests to check."""
    for reason in (missing(), None if find_proxy() else "no configurable-http-proxy: run `make hub-proxy` (npm)"):
        if reason:
            pytest.skip(reason)
    venv = wheel_venv()
    if isinstance(venv, str):
        pytest.skip(venv)
    if not Path(venv.bin("jupyterhub")).exists():
        pytest.skip("jupyterhub is not installed with the wheel's hub extra")
    work = Path(tempfile.mkdtemp(prefix="backprop-hub-"))
    work.chmod(0o755)
    timings = {}
    try:
        started = time.monotonic()
        layout = HubLayout(work / "hub", Path(venv.bin("python")).parent)
        port = prepare_hub(layout, find_proxy())
        timings["course released"] = time.monotonic() - started
        with running_hub(layout, port) as url:
            first = student_in_browser(layout, url, timings)
            driver, lab = first["driver"], first["lab"]
            try:
                validated = {IN_BROWSER: first["validated"], **students_by_commands(layout)}
                timings["students by commands"] = time.monotonic() - started
                course = layout.course
                collected = as_user(layout, INSTRUCTOR, "nbgrader", "collect", ASSIGNMENT, cwd=course)
                as_user(layout, INSTRUCTOR, "nbgrader", "autograde", ASSIGNMENT, cwd=course)
                by_nbgrader = notebook_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT)
                timings["nbgrader autograde"] = time.monotonic() - started
                mark = time.monotonic()
                as_user(layout, INSTRUCTOR, "backprop-course", "autograde", ASSIGNMENT, "--jobs", "2", "--no-progress",
                        cwd=course)
                timings["backprop-course autograde --jobs 2 (alone)"] = time.monotonic() - mark
                by_ours = notebook_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT)
                grade_by_hand_in_formgrader(layout, url)
                timings["formgrader"] = time.monotonic() - started
                as_user(layout, INSTRUCTOR, "nbgrader", "generate_feedback", ASSIGNMENT, cwd=course)
                as_user(layout, INSTRUCTOR, "nbgrader", "release_feedback", ASSIGNMENT, cwd=course)
                home = layout.home(IN_BROWSER)
                AssignmentList(driver, lab).fetch_feedback(lambda: feedback_pages(home))
                driver.get(lab.files(str(feedback_pages(home)[SINGLE_NEURON.name].relative_to(home))))
                shown = driver.find_element("tag name", "body").text
                timings["feedback"] = time.monotonic() - started
            finally:
                driver.quit()
            for student in BY_COMMANDS:
                as_user(layout, student, "nbgrader", "fetch_feedback", ASSIGNMENT)
            others = {student: [layout.home(other) / ASSIGNMENT / SINGLE_NEURON.filename
                                for other in STUDENTS if other != student] for student in STUDENTS}
            exchange = layout.exchange / COURSE_ID
            course_files = [course, course / "gradebook.db", course / "source" / ASSIGNMENT / SINGLE_NEURON.filename,
                            exchange / "inbound", exchange / "feedback"]
            readable = {student: readable_by(layout, student, [layout.home(student) / ASSIGNMENT, *others[student],
                                                               *course_files]) for student in STUDENTS}
            timings["the whole term"] = time.monotonic() - started
            print("seconds from the start: " + ", ".join(f"{name} {seconds:.0f}" for name, seconds in timings.items()))
            yield {"layout": layout, "collected": collected, "check": first["check"], "commands": first["commands"],
                   "validated": validated, "by_nbgrader": by_nbgrader, "by_ours": by_ours, "shown": shown,
                   "readable": readable, "scores": notebook_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def autograded(scores, student: str) -> dict[str, float]:
    return {name: score.auto_score for name, score in scores[student].items()}


def test_the_student_in_the_browser_sees_the_mistake_named_and_validates(term):
    assert term["commands"] == ["nbgrader:open-assignment-list"]  # no formgrader, course list, Create Assignment
    assert f"[{MISTAKEN_ANSWER.mistake}] {hint(MISTAKEN_ANSWER.mistake)}" in term["check"], term["check"]
    assert "failed" in term["validated"][IN_BROWSER].lower(), term["validated"][IN_BROWSER]
    for student in BY_COMMANDS:
        assert "Traceback" not in term["validated"][student]


def test_both_graders_give_the_samples_their_scores_and_the_mistake_costs_points(term):
    assert {student: autograded(term["by_ours"], student) for student in STUDENTS} == {
        student: autograded(term["by_nbgrader"], student) for student in STUDENTS}
    expected = expected_scores(REPO_COURSE.of(ASSIGNMENT))
    for student, sample in SAMPLE_OF.items():
        assert autograded(term["scores"], student) == pytest.approx(expected[sample]), student
    mistaken = autograded(term["scores"], IN_BROWSER)
    assert mistaken[SINGLE_NEURON.name] < expected["alice"][SINGLE_NEURON.name]


def test_collect_takes_each_student_s_own_submission_and_not_one_handed_in_under_their_id(term):
    forger = BY_COMMANDS[-1]
    assert f"handed in as {IN_BROWSER} by the user {forger}; skipped" in term["collected"], term["collected"]
    collected = term["layout"].course / "submitted" / IN_BROWSER / ASSIGNMENT / SINGLE_NEURON.filename
    answer = nbformat.read(collected, as_version=4)
    assert any(cell.source.endswith(MISTAKEN_ANSWER.line) for cell in answer.cells), "not the student's own"


def test_the_ta_s_hand_grade_is_in_the_gradebook(term):
    assert manual_grade(term["layout"]) == (MANUAL_SCORE, COMMENT)


def test_each_student_fetched_their_own_feedback_and_the_mistake_is_named_in_it(term):
    layout = term["layout"]
    for student in STUDENTS:
        fetched = feedback_pages(layout.home(student))
        generated = layout.course / "feedback" / student / ASSIGNMENT
        assert set(fetched) == {notebook.name for notebook in NOTEBOOKS}, student
        for name, page in fetched.items():
            assert page.read_bytes() == (generated / f"{name}.html").read_bytes(), (student, name)
    assert MISTAKEN_ANSWER.mistake in term["shown"]  # the page as the student opened it through the hub
    assert COMMENT in feedback_pages(layout.home(BY_COMMANDS[0]))[MULTILAYER.name].read_text()


def test_no_student_reads_another_s_files_or_the_course(term):
    layout = term["layout"]
    assert layout.course.owner() == INSTRUCTOR
    for student, readable in term["readable"].items():
        own = str(layout.home(student) / ASSIGNMENT)
        assert readable[own], f"{student} cannot read their own folder"
        others = {path: read for path, read in readable.items() if path != own}
        assert len(others) == 7 and not any(others.values()), f"{student} read {others}"
