"""Two tiny assignment folders whose graded functions are checked through scenarios (tests only):
`layers` (an affine layer whose cache is the student's design) and `engine` (a scalar autograd
Value), both in tests/support/object_assignments/; the layers course built under a folder of the
test's, and its source notebook's cells run as a student's notebook runs them."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import nbformat

from backprop_course.authoring.build import build_source
from backprop_course.course.contract import Contract
from backprop_course.course.helper_module import helper_module_importable
from backprop_course.course.loading import load_contract_folder
from backprop_course.course.paths import ASSIGNMENTS_DIRECTORY, CourseDir

FOLDERS = Path(__file__).resolve().parent / "object_assignments"

# A student whose forward pass keeps its own cache, (x_flat, w, b, x.shape), and whose backward
# pass reads that one: the two agree, so every check passes.
OWN_CACHE = '''
def affine_forward(x, w, b):
    x_flat = x.reshape(x.shape[0], -1)
    out = x_flat @ w + b
    cache = (x_flat, w, b, x.shape)
    return out, cache


def affine_backward(dout, cache):
    x_flat, w, b, x_shape = cache
    dx = (dout @ w.T).reshape(x_shape)
    dw = x_flat.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
'''


def contract_of(name: str) -> Contract:
    return load_contract_folder(FOLDERS / name)


def course_with(target: Path, name: str) -> CourseDir:
    """A course in target holding the assignment folder name, its source/ built."""
    shutil.copytree(FOLDERS / name, target / ASSIGNMENTS_DIRECTORY / name)
    course = CourseDir(target, assignment=name)
    build_source(course)
    return course


def source_notebook(course: CourseDir, notebook: str) -> nbformat.NotebookNode:
    return nbformat.read(course.source / f"{notebook}.ipynb", as_version=4)


def run_cells(course: CourseDir, notebook: str, answers: dict[str, str], cell_id: str) -> str:
    """What a cell of the source notebook shows when the answer cells named in answers hold the
    student's code: the cells up to it run in order in one namespace (graded cells' hidden lines
    left out); its printed output and its error, if any, as the notebook shows them."""
    namespace: dict = {}
    with helper_module_importable(course.contract):
        for cell in source_notebook(course, notebook).cells:
            if cell.cell_type != "code":
                continue
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                try:
                    exec(answers.get(cell.id, _without_hidden_lines(cell.source)), namespace)
                except Exception as error:  # what the notebook would show under the cell
                    print(f"{type(error).__name__}: {error}")
            if cell.id == cell_id:
                return output.getvalue()
    raise LookupError(f"no code cell {cell_id} in {notebook}")


def _without_hidden_lines(source: str) -> str:
    kept, hidden = [], False
    for line in source.splitlines():
        if line.startswith("### BEGIN HIDDEN TESTS"):
            hidden = True
        elif line.startswith("### END HIDDEN TESTS"):
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)
