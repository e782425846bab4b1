"""Every other assignment of a course is graded with nbgrader's own semantics, in the sandbox:
nbgrader's demo assignment ps1 and nbgrader's own test notebooks, from nbgrader's installed
package, graded in copies of this course (`nbgrader autograde` and `backprop-course autograde
--jobs 2`) and in a copy configured as plain nbgrader (its Execute, no sandbox): every grade cell's
score is the same, and so are the students nbgrader gives up on."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import nbgrader
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from backprop_course.commands.autograde import autograde
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.apps import nbgrader as run_nbgrader
from backprop_course.nbgrader_glue.apps import nbgrader_batch_log
from backprop_course.nbgrader_glue.preprocessors import NO_PRECOMPUTED_RESULT

from .support import course_copy
from .support.attack_corpus import ATTACKS, NO_CONTRACT_TARGET
from .support.sandbox import needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]

NBGRADER = Path(nbgrader.__file__).parent
USER_GUIDE = NBGRADER / "docs" / "source" / "user_guide"
TEST_FILES = NBGRADER / "tests" / "apps" / "files"
PLAIN_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Execute.timeout = {timeout}
"""
# Both stop a cell that never ends after this many seconds, both from nbgrader's own setting
# (Execute.timeout; ours applies it to notebooks without a contract, as nbgrader does); less than
# the 5 s that timeout.ipynb's test sleeps.
CELL_SECONDS = 3
CELL_LIMIT = (f"--Execute.timeout={CELL_SECONDS}",)


def plain_course(target: Path) -> CourseDir:
    """A copy of this course whose nbgrader_config.py is plain nbgrader's: nothing of ours."""
    course = course_copy(target)
    db_url = f"sqlite:///{course.root / 'gradebook.db'}"
    (course.root / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(course.root), db_url=db_url,
                                                                        timeout=CELL_SECONDS))
    return CourseDir(course.root, db_url=db_url)


def add_assignment(course: CourseDir, name: str, source: dict[str, Path], submissions: dict[str, dict[str, Path]],
                   extra_files: tuple[Path, ...] = ()) -> None:
    """An assignment of course: source notebooks {notebook name: file}, submissions {student:
    {notebook name: file}}, and files beside every notebook (source and submissions alike)."""
    source_folder = course.root / "source" / name
    folders = [source_folder] + [course.submission(student, name) for student in submissions]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for extra in extra_files:
            shutil.copy(extra, folder / extra.name)
    for notebook, path in source.items():
        shutil.copy(path, source_folder / f"{notebook}.ipynb")
    for student, notebooks in submissions.items():
        for notebook, path in notebooks.items():
            shutil.copy(path, course.submission(student, name) / f"{notebook}.ipynb")
    run_nbgrader("generate_assignment", name, "--force", course=course)


def cell_scores(course: CourseDir, assignment: str) -> dict[tuple[str, str, str], tuple[float | None, float]]:
    """{(student, notebook, grade cell): (autograded score, max score)} from the gradebook (None:
    autograding gave none, as for a notebook nbgrader gave up on)."""
    with Gradebook(course.db_url) as gradebook:
        return {
            (submission.student_id, notebook.name, grade.name): (grade.auto_score, grade.max_score)
            for submission in gradebook.assignment_submissions(assignment)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def totals(course: CourseDir, assignment: str) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        return {submission.student_id: submission.score for submission in gradebook.assignment_submissions(assignment)}


def partial_credit_notebook(path: Path) -> Path:
    """A notebook of nbgrader's own shape with graded test cells whose result is a number (the
    points they earn: partial credit), one that raises and one that passes."""
    nb = new_notebook()
    nbgrader_cell = {"grade": True, "solution": False, "locked": True, "points": 2, "schema_version": 3}
    nb.cells = [
        new_markdown_cell("Partial credit, nbgrader style."),
        new_code_cell("def half():\n    return 0.5\n", metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": "answer", "schema_version": 3}}),
        new_code_cell("half() * 2", metadata={"nbgrader": {**nbgrader_cell, "grade_id": "partial_one"}}),
        new_code_cell("half()", metadata={"nbgrader": {**nbgrader_cell, "grade_id": "partial_half"}}),
        new_code_cell("assert half() == 1", metadata={"nbgrader": {**nbgrader_cell, "grade_id": "fails"}}),
        new_code_cell("assert half() == 0.5", metadata={"nbgrader": {**nbgrader_cell, "grade_id": "passes"}}),
    ]
    nbformat.write(nb, path)
    return path


def loop_then_tests_notebook(path: Path) -> Path:
    """nbgrader's infinite-loop.ipynb followed by a graded test cell that passes and one that fails:
    grading goes on after the loop is stopped."""
    nb = nbformat.read(TEST_FILES / "infinite-loop.ipynb", as_version=4)
    graded = {"grade": True, "solution": False, "locked": True, "points": 1, "schema_version": 3}
    nb.cells += [new_code_cell("assert 1 + 1 == 2", metadata={"nbgrader": {**graded, "grade_id": "after_ok"}}),
                 new_code_cell("assert 1 + 1 == 3", metadata={"nbgrader": {**graded, "grade_id": "after_bad"}})]
    nbformat.write(nb, path)
    return path


def loop_after_definitions_notebook(path: Path) -> Path:
    """A cell that defines a function, then loops for ever at top level, followed by graded test
    cells that call the function: nbgrader interrupts the loop and keeps the function."""
    nb = new_notebook()
    graded = {"grade": True, "solution": False, "locked": True, "points": 1, "schema_version": 3}
    nb.cells = [
        new_code_cell("def double(x):\n    return 2 * x\n\nwhile True:\n    pass\n", metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": "answer", "schema_version": 3}}),
        new_code_cell("assert double(2) == 4", metadata={"nbgrader": {**graded, "grade_id": "uses_the_function"}}),
        new_code_cell("assert double(2) == 5", metadata={"nbgrader": {**graded, "grade_id": "fails_after"}}),
    ]
    nbformat.write(nb, path)
    return path


def catching_loop_notebook(path: Path, interrupts: int | None) -> Path:
    """A cell that defines a function, then a top-level loop that catches KeyboardInterrupt and goes
    on (for ever, or until it has caught `interrupts`), then graded test cells that call the
    function (loop_after_definitions_notebook's). nbgrader sends one interrupt: a loop that it
    ends loses that cell only, and a loop that goes on makes nbgrader give up on the notebook."""
    nb = new_notebook()
    graded = {"grade": True, "solution": False, "locked": True, "points": 1, "schema_version": 3}
    going_on = "True" if interrupts is None else f"caught < {interrupts}"
    nb.cells = [
        new_code_cell("def double(x):\n    return 2 * x\n", metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": "answer", "schema_version": 3}}),
        new_code_cell(f"import time\n\ncaught = 0\nwhile {going_on}:\n    try:\n        time.sleep(0.01)\n"
                      "    except KeyboardInterrupt:\n        caught += 1\n        print('interrupted, going on')\n"),
        new_code_cell("assert double(2) == 4", metadata={"nbgrader": {**graded, "grade_id": "uses_the_function"}}),
        new_code_cell("assert double(2) == 5", metadata={"nbgrader": {**graded, "grade_id": "fails_after"}}),
    ]
    nbformat.write(nb, path)
    return path


def nbgrader_test_assignments(folder: Path) -> dict[str, tuple[dict, dict]]:
    """nbgrader's own test notebooks as assignments: {name: (source, submissions)}."""
    files = TEST_FILES
    partial = partial_credit_notebook(folder / "partial-credit.ipynb")
    looping = loop_then_tests_notebook(folder / "loop-then-tests.ipynb")
    defining = loop_after_definitions_notebook(folder / "loop-after-definitions.ipynb")
    catching_once = catching_loop_notebook(folder / "catching-once.ipynb", interrupts=1)
    catching = catching_loop_notebook(folder / "catching.ipynb", interrupts=None)
    return {
        "t-test": ({"p1": files / "test.ipynb"}, {
            "changed": {"p1": files / "submitted-changed.ipynb"},
            "unchanged": {"p1": files / "submitted-unchanged.ipynb"},
            "cheater": {"p1": files / "submitted-cheat-attempt.ipynb"},
        }),
        "t-hidden": ({"p1": files / "test-hidden-tests.ipynb"}, {"student": {"p1": files / "test-hidden-tests.ipynb"}}),
        "t-loop": ({"p1": files / "infinite-loop.ipynb"}, {"looper": {"p1": files / "infinite-loop.ipynb"}}),
        "t-loop-graded": ({"p1": looping}, {"looper": {"p1": looping}}),
        # loops after definitions, each student's own: one that ends at the interrupt, one that
        # catches it and then ends, one that catches it and goes on (the same graded cells)
        "t-loop-defined": ({"p1": defining}, {"definer": {"p1": defining}, "once": {"p1": catching_once},
                                              "catcher": {"p1": catching}}),
        "t-timeout": ({"p1": files / "timeout.ipynb"}, {"sleeper": {"p1": files / "timeout.ipynb"}}),
        "t-partial": ({"p1": partial}, {"partial": {"p1": partial}}),
    }


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """ps1 and nbgrader's test notebooks in three course copies: graded by `nbgrader autograde`
    (ours), by `backprop-course autograde --jobs 2` (ours), and by plain nbgrader; with the logs of
    the first and last, and the result lines of the second."""
    root = tmp_path_factory.mktemp("generic")
    serial, plain = course_copy(root / "serial"), plain_course(root / "plain")
    tests = nbgrader_test_assignments(root)
    ps1 = USER_GUIDE / "source" / "ps1"
    ps1_notebooks = {path.stem: path for path in sorted(ps1.glob("*.ipynb"))}
    ps1_submissions = {
        student: {path.stem: path for path in sorted((USER_GUIDE / "submitted" / student / "ps1").glob("*.ipynb"))}
        for student in ("bitdiddle", "hacker")
    }
    logs, lines = {}, {}
    for course in (serial, plain):
        add_assignment(course, "ps1", ps1_notebooks, ps1_submissions, extra_files=(ps1 / "jupyter.png",))
        for name, (source, submissions) in tests.items():
            add_assignment(course, name, source, submissions, extra_files=(TEST_FILES / "data.txt",))
    # The same course as serial, released and submitted alike: a copy of it before grading (its
    # configuration finds the course from its own path, and its gradebook names no folder).
    parallel = CourseDir(Path(shutil.copytree(serial.root, root / "parallel")))
    for name in ("ps1", *tests):
        for course, options in ((serial, CELL_LIMIT), (plain, ())):
            logs[(course.root.name, name)] = nbgrader_batch_log("autograde", name, "--force", *options, course=course)
        parallel_options = CourseDir(parallel.root, options=CELL_LIMIT)
        lines[name] = autograde(parallel_options, name, jobs=2, show=lambda line: None, progress=False)
    return {"serial": serial, "parallel": parallel, "plain": plain, "assignments": ("ps1", *tests), "logs": logs,
            "lines": lines}


@pytest.mark.parametrize("grader", ["serial", "parallel"])
def test_every_grade_cell_scores_as_plain_nbgrader_scores_it(courses, grader):
    for assignment in courses["assignments"]:
        ours, plain = cell_scores(courses[grader], assignment), cell_scores(courses["plain"], assignment)
        assert totals(courses["plain"], assignment), assignment  # plain nbgrader graded its submissions
        assert ours == plain, assignment
        assert totals(courses[grader], assignment) == totals(courses["plain"], assignment), assignment


def test_the_notebooks_nbgrader_gives_up_on_are_given_up_alike(courses):
    for assignment in courses["assignments"]:
        given_up, _ = courses["logs"][("plain", assignment)]
        assert courses["logs"][("serial", assignment)][0] == given_up, assignment
        assert sorted(student for student, line in courses["lines"][assignment].items()
                      if not line.recorded_in_full) == given_up, assignment
        for grader in ("serial", "parallel", "plain"):
            autograded = courses[grader].autograded
            assert not [student for student in given_up if (autograded / student / assignment).exists()], grader
    # Measured with plain nbgrader: a loop that catches its one interrupt and then ends costs its
    # cell only, and what was defined before stays; one that goes on makes nbgrader give up.
    assert courses["logs"][("plain", "t-loop-defined")][0] == ["catcher"]
    scores = cell_scores(courses["serial"], "t-loop-defined")
    assert scores[("once", "p1", "uses_the_function")] == (1.0, 1.0)
    assert scores[("catcher", "p1", "uses_the_function")] == (None, 1.0)
    # backprop-course autograde's worker gave it up once: nbgrader's own run took that, and did not grade again
    problems = [problem for line in courses["lines"]["t-loop-defined"].values() for problem in line.problems]
    assert problems and not [problem for problem in problems if NO_PRECOMPUTED_RESULT in problem]


def test_ps1_totals_are_those_of_nbgraders_own_grades_csv(courses):
    with open(USER_GUIDE / "grades.csv") as file:
        expected = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(file)}
    for grader in ("serial", "parallel", "plain"):
        assert totals(courses[grader], "ps1") == expected, grader


def test_wrong_answers_lose_points_and_partial_credit_is_kept(courses):
    scores = cell_scores(courses["serial"], "t-partial")
    # a number as the cell's result is the points it earns (nbgrader's partial credit)
    assert scores[("partial", "p1", "partial_one")] == (1.0, 2.0)
    assert scores[("partial", "p1", "partial_half")] == (0.5, 2.0)
    assert scores[("partial", "p1", "passes")] == (2.0, 2.0)
    assert scores[("partial", "p1", "fails")] == (0.0, 2.0)
    assert totals(courses["serial"], "ps1")["bitdiddle"] < totals(courses["serial"], "ps1")["hacker"]


def test_the_infinite_loop_is_stopped_by_our_time_limit_and_grading_goes_on(courses):
    loops = ("t-loop", "t-loop-graded", "t-loop-defined")
    assert all("[time-limit]" in courses["logs"][("serial", assignment)][1] for assignment in loops)
    # each student graded, but the one whose loop goes on after the interrupt (given up on, as nbgrader does)
    assert [courses["logs"][("serial", assignment)][0] for assignment in loops] == [[], [], ["catcher"]]
    scores = cell_scores(courses["serial"], "t-loop-graded")
    assert scores[("looper", "p1", "after_ok")] == (1.0, 1.0) and scores[("looper", "p1", "after_bad")] == (0.0, 1.0)
    # the loop was interrupted, as nbgrader does: the kernel and the function it defined stayed
    scores = cell_scores(courses["serial"], "t-loop-defined")
    assert scores[("definer", "p1", "uses_the_function")] == (1.0, 1.0)
    assert scores[("definer", "p1", "fails_after")] == (0.0, 1.0)
    assert cell_scores(courses["serial"], "t-timeout")[("sleeper", "p1", "correct_squares")] == (0.0, 1.0)


def test_hidden_tests_are_run_and_left_out_of_the_feedback(courses):
    course = courses["serial"]
    run_nbgrader("generate_feedback", "t-hidden", "--force", course=course)
    page = (course.feedback / "student" / "t-hidden" / "p1.html").read_text()
    source = nbformat.read(course.root / "source" / "t-hidden" / "p1.ipynb", as_version=4)
    hidden = [line.strip() for cell in source.cells for line in _hidden_lines(cell.source) if line.strip()]
    assert hidden and not [line for line in hidden if line in page]


def _hidden_lines(source: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
            inside = "BEGIN" in line
        elif inside:
            lines.append(line)
    return lines


def test_a_generic_assignment_keeps_the_host_and_the_neighbours_safe(tmp_path):
    """The attack corpus, each attack a submission of a generic assignment beside an honest
    student, graded with --jobs 2: the honest student gets what nbgrader gives, and the course and
    the gradebook come out as they went in. (An attacker may well cheat its own tests here, as in
    nbgrader: a generic assignment's tests run in the student's kernel.)"""
    course = course_copy(tmp_path / "course")
    honest = partial_credit_notebook(tmp_path / "honest.ipynb")
    submissions = {"honest": {"p1": honest}}
    places = {"course": str(course.root), "gradebook": str(course.gradebook), "tag": "generic", "python": "python3",
              **NO_CONTRACT_TARGET}
    for attack in ATTACKS:
        nb = nbformat.read(honest, as_version=4)
        nb.cells.insert(2, new_code_cell(attack.cell(**places)))
        path = tmp_path / f"{attack.student}.ipynb"
        nbformat.write(nb, path)
        submissions[attack.student] = {"p1": path}
    add_assignment(course, "generic", {"p1": honest}, submissions)
    folders = (course.root / "source", course.submitted)
    watched = [course.root / "nbgrader_config.py",
               *sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())]
    before = {path: path.read_bytes() for path in watched}
    autograde(CourseDir(course.root, options=CELL_LIMIT), "generic", jobs=2, show=lambda line: None, progress=False)
    scores = cell_scores(course, "generic")
    assert {grade: score for (student, _, grade), score in scores.items() if student == "honest"} == {
        "partial_one": (1.0, 2.0), "partial_half": (0.5, 2.0), "fails": (0.0, 2.0), "passes": (2.0, 2.0)}
    # None: given up on, as nbgrader gives up on it (patched builtins wedge the kernel past its interrupt)
    assert all(score is None or 0.0 <= score <= points for score, points in scores.values())
    assert {path: path.read_bytes() for path in watched} == before
    with Gradebook(course.db_url) as gradebook:
        assert sorted(student.id for student in gradebook.students) == sorted(submissions)  # no intruder
