"""Sample submissions: release notebooks with a student's answers written into the answer cells.

A student's answers are a Python file of the assignment's folder,
assignments/<assignment>/samples/<student>.py: each graded function is defined there under its
contract name, and any other answer cell (a plot, a discussion) is a string named after the
cell's grade_id. build_samples writes samples/<student>/<assignment>/*.ipynb and timestamp.txt
from release/, the way a student who fetched the release and edited it would submit them.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat

from ..course.author_errors import AuthorError, described
from ..course.cells import answer_id
from ..course.cells import grade_id as cell_grade_id
from ..course.contract import Contract
from ..course.paths import CourseDir
from .written import write_notebook, write_text

SUBMISSION_TIME = "2026-11-20 10:00:00.000000 UTC"


def answers_from_source(python_source: str) -> dict[str, str]:
    """Cell sources keyed by grade_id: answer_<name> for each function or class, the id for each string."""
    tree = ast.parse(python_source)
    answers = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            answers[answer_id(node.name)] = ast.get_source_segment(python_source, node)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                answers[target.id] = node.value.value.strip("\n")
    return answers


def fill_answers(notebook: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of notebook whose cells with a grade_id in answers hold the given source."""
    filled = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in filled.cells:
        grade_id = cell_grade_id(cell)
        if grade_id in answers:
            cell.source = answers[grade_id]
    return filled


def write_submission(release_dir: Path, answers: dict[str, str], target: Path, timestamp: str = SUBMISSION_TIME,
                     contract: Contract | None = None) -> list[Path]:
    """Write a student's submission of every notebook of the contract (by default, the
    assignment of release_dir's course) from release_dir into target; the files whose text changed."""
    contract = contract or CourseDir(release_dir.parent.parent, assignment=release_dir.name).contract
    written = []
    for notebook in contract.notebooks:
        release_notebook = nbformat.read(release_dir / notebook.filename, as_version=4)
        path = target / notebook.filename
        if write_notebook(path, fill_answers(release_notebook, answers)):
            written.append(path)
    if write_text(target / "timestamp.txt", timestamp + "\n"):
        written.append(target / "timestamp.txt")
    return written


def sample_students(course: CourseDir) -> list[str]:
    """The students with a submission of the course's assignment under samples/."""
    return sorted(path.parent.name for path in course.samples.glob(f"*/{course.assignment}") if path.is_dir())


def build_samples(course: CourseDir) -> list[Path]:
    """Write samples/<student>/<assignment>/ for every answers file of the assignment's samples;
    the files whose text changed."""
    written = []
    for answers_file in sorted(course.sample_answers.glob("*.py")):
        try:
            answers = answers_from_source(answers_file.read_text())
        except SyntaxError as error:
            raise AuthorError(f"a sample student's answers: {described(error)}", answers_file, error.lineno,
                              "fix the syntax") from error
        written += write_submission(course.release, answers, course.samples / answers_file.stem / course.assignment,
                                    contract=course.contract)
    return written


def expected_scores(course: CourseDir) -> dict[str, dict[str, float]]:
    """What each sample student should score per notebook, as the assignment's
    samples/expected_scores.json says."""
    return json.loads((course.sample_answers / "expected_scores.json").read_text())
