"""docs/authoring.md's four ways to change the course, each done end to end on a copy of the whole repository.

The copy (course files and src/) is edited as an author would edit it; then the real
`backprop-course` and `nbgrader` commands run with PYTHONPATH=<copy>/src, so they import the
copy's package. The four edits go into one copy and one regeneration and grading run (the
machine is shared; each edit has its own visible effect, asserted by its own test): the
solutions, submitted as a student, get full marks with the new points, and a submission that
makes the new mistake has its id in the feedback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import REPO_ROOT
from .support.backprop import ASSIGNMENT, NOTEBOOKS

pytestmark = pytest.mark.slow

BIN_DIR = Path(sys.executable).parent
# What is not part of the repository's files: environments, caches, grading outputs.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache",
                                    "autograded", "submitted", "feedback", "gradebook.db", "grades.csv", "reports")

NEW_SENTENCE = "Each row of X is one example, so one product X @ w serves them all."
OLD_SENTENCE = "One matrix product does all the\n# rows at once."
NEW_CHECK = 'assert loss_check >= 0.0, "a mean of squares is never negative"'
NEW_MISTAKE_ENTRY = '''
[[mistakes]]
id = "dloss-squared"
hint = "dL/dy_hat is the derivative of the squared error, not the squared error itself."
'''
NEW_MISTAKE_RECOGNISER = """    "dloss-squared": (("dloss_dyhat", mutant(lambda y_hat, y: (y_hat - y) ** 2 / len(y))),),
"""
MISTAKEN_ANSWER = "def dloss_dyhat(y_hat, y):\n    return (y_hat - y) ** 2 / len(y)"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: the text to edit is not there exactly once: {old!r}"
    path.write_text(text.replace(old, new))


def run(copy: Path, *command: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(copy / "src"), PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run([str(BIN_DIR / command[0]), *command[1:]], cwd=copy, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def cell(notebook_path: Path, cell_id: str) -> nbformat.NotebookNode:
    return next(found for found in nbformat.read(notebook_path, as_version=4).cells if found.id == cell_id)


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> CourseDir:
    """A copy of the repository with the four edits, regenerated and graded."""
    copy = tmp_path_factory.mktemp("changed") / "repo"
    shutil.copytree(REPO_ROOT, copy, ignore=NOT_COPIED)
    course = CourseDir(copy, assignment=ASSIGNMENT)
    # 1. a paragraph, 2. a visible check: the lesson source
    edit(course.lessons / "single_neuron.py", OLD_SENTENCE, NEW_SENTENCE)
    edit(course.lessons / "single_neuron.py", 'print("mse_loss: visible checks passed")',
         f'{NEW_CHECK}\nprint("mse_loss: visible checks passed")')
    # 3. a point value: the contract
    contract = course.assignment_folder / "assignment.toml"
    edit(contract, 'name = "dloss_dyhat"\nsignature = "(y_hat, y)"\npoints = 2',
         'name = "dloss_dyhat"\nsignature = "(y_hat, y)"\npoints = 3')
    # 4. a mistake: its id and hint in the contract, its recogniser in mistakes.py
    contract.write_text(contract.read_text() + NEW_MISTAKE_ENTRY)
    edit(course.assignment_folder / "mistakes.py", "RECOGNISERS = {\n", "RECOGNISERS = {\n" + NEW_MISTAKE_RECOGNISER)

    imported = run(copy, "python", "-c", "import backprop_course; print(backprop_course.__file__)")
    assert Path(imported.strip()).is_relative_to(copy / "src"), "the commands must import the copy's package"
    for command in ("build-source", "generate", "catalog"):
        run(copy, "backprop-course", "--course-dir", str(copy), command)

    run(copy, "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
    shutil.copytree(course.solutions, course.submission("solution_student"))
    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    answers["answer_dloss_dyhat"] = MISTAKEN_ANSWER
    write_submission(course.release, answers, course.submission("mistaken"))
    run(copy, "nbgrader", "autograde", ASSIGNMENT, "--force")
    run(copy, "nbgrader", "generate_feedback", ASSIGNMENT, "--force")
    return course


def test_an_edited_paragraph_is_in_the_release(changed):
    lesson = cell(changed.release / "single_neuron.ipynb", "lesson_neuron_forward")
    assert NEW_SENTENCE in lesson.source and "rows at once" not in lesson.source


def test_an_added_visible_check_is_in_the_release_and_the_solutions_pass_it(changed):
    assert NEW_CHECK in cell(changed.release / "single_neuron.ipynb", "check_mse_loss").source
    executed = cell(changed.solutions / "single_neuron.ipynb", "check_mse_loss")
    assert NEW_CHECK in executed.source
    assert not [output for output in executed.outputs if output.output_type == "error"]
    assert "mse_loss: visible checks passed" in "".join(output.get("text", "") for output in executed.outputs)


def test_a_changed_point_value_is_what_the_solutions_score(changed):
    values = cell(changed.release / "single_neuron.ipynb", "test_dloss_dyhat_values")
    assert values.metadata.nbgrader["points"] == 2  # the check that takes the rest of the function's 3 points
    scores = notebook_scores(f"sqlite:///{changed.gradebook}", ASSIGNMENT)["solution_student"]
    assert {name: found.auto_score for name, found in scores.items()} == {"single_neuron": 16, "multilayer": 12}
    assert scores["single_neuron"].max_score == 16
    assert [notebook.autograded_points for notebook in NOTEBOOKS] == [15, 12], "the real contract is untouched"


def test_an_added_mistake_is_named_in_the_feedback_and_by_the_released_check(changed):
    feedback = (changed.feedback / "mistaken" / ASSIGNMENT / "single_neuron.html").read_text()
    assert "[dloss-squared]" in feedback
    assert "not the squared error itself" in feedback
    assert "`dloss-squared`" in (changed.docs / "mistakes.md").read_text()
    check = cell(changed.release / "single_neuron.ipynb", "check_dloss_dyhat").source
    assert '("dloss-squared", np.array([' in check, check
    assert "not the squared error itself" in (changed.release / "backprop_checks.py").read_text()
    scores = notebook_scores(f"sqlite:///{changed.gradebook}", ASSIGNMENT)["mistaken"]
    assert scores["single_neuron"].auto_score == 16 - 2  # only dloss_dyhat's values check is lost
