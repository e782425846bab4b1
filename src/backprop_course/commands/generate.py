"""Author's verb: release/ and solutions/ from source/, through nbgrader's own generators, for
the notebooks whose source changed.

A notebook is out of date when its release or its solution differs from what nbgrader's steps
make of its source notebook now (every step but the solution's run, whose outputs are compared
no further), or when the files beside the notebooks (the helper module) differ: then the whole
assignment is generated again. Only the notebooks out of date are generated (`--notebook`), so
an edit of one lesson runs one solution notebook, not all of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import nbformat
from nbgrader.api import Base
from nbgrader.converters import GenerateAssignment, GenerateSolution
from nbgrader.preprocessors import Execute, SaveCells
from sqlalchemy import create_engine

from ..authoring.build import lesson_line
from ..course.author_errors import AuthorError
from ..course.contract import Notebook
from ..course.paths import CourseDir
from ..nbgrader_glue.apps import NbgraderError, convert, converter_for

STEPS = (GenerateAssignment, GenerateSolution)
# What a step does that the comparison leaves out: the solution's run (its outputs differ from run
# to run) and the gradebook's record of the cells (no change to the notebook).
NOT_COMPARED = (Execute, SaveCells)
# Where the run of a solution leaves its marks on a notebook.
RUN_MARKS = ("outputs", "execution_count")
# The line of a traceback in nbgrader's log that names the exception and its message.
RAISED = re.compile(r"^[\w.]+(Error|Exception|Exit): ")


class GenerateError(AuthorError):
    """nbgrader could not generate a notebook's release or solution (a cell that fails when run, say)."""


def generate(course: CourseDir, notebooks: Sequence[str] | None = None) -> None:
    """Write release/<assignment> and solutions/<assignment> from source/<assignment>, for the
    course's assignment: every notebook (None), or these.

    A throwaway gradebook records the cells, so that regenerating after an edit of source/ never
    clashes with the submissions of the course's own gradebook.
    """
    with throwaway_gradebook() as db_url:
        for step in STEPS:
            for notebook in ["*"] if notebooks is None else notebooks:
                try:
                    convert(step, course, course.assignment, notebook, **{"CourseDirectory.db_url": db_url})
                except NbgraderError as error:
                    raise _failure(course, notebook, step, error) from error
    for notebook in course.contract.notebooks:
        if notebooks is None or notebook.name in notebooks:
            _refuse_errors(course, notebook)


def generate_changed(course: CourseDir) -> list[Path]:
    """generate() for the notebooks out of date (see the module's docstring); the files it wrote."""
    stale = out_of_date(course)
    if stale is None:
        return generate_all(course)
    if stale:
        generate(course, stale)
    return _outputs(course, stale)


def generate_all(course: CourseDir) -> list[Path]:
    """generate() for every notebook; the files it wrote."""
    generate(course)
    return _outputs(course, sorted(path.stem for path in course.source.glob("*.ipynb")))


def _outputs(course: CourseDir, notebooks: list[str]) -> list[Path]:
    return [folder / f"{name}.ipynb" for name in notebooks for folder in (course.release, course.solutions)]


def out_of_date(course: CourseDir) -> list[str] | None:
    """The source notebooks whose release or solution is not what generate() would write now;
    None when the whole assignment is to be generated (a notebook added or removed, a file beside
    the notebooks changed)."""
    notebooks = sorted(path.stem for path in course.source.glob("*.ipynb"))
    beside = _files_beside(course.source)
    for folder in (course.release, course.solutions):
        if sorted(path.stem for path in folder.glob("*.ipynb")) != notebooks or _files_beside(folder) != beside:
            return None
    with throwaway_gradebook() as db_url:
        return [name for name in notebooks if not _up_to_date(course, name, db_url)]


def _up_to_date(course: CourseDir, notebook: str, db_url: str) -> bool:
    if _first_error(course.solutions / f"{notebook}.ipynb") is not None:
        return False
    release = _expected(GenerateAssignment, course, notebook, db_url)
    if json.loads(release) != json.loads((course.release / f"{notebook}.ipynb").read_text()):
        return False
    solution = _expected(GenerateSolution, course, notebook, db_url)
    return _without_run(json.loads(solution)) == _without_run(json.loads((course.solutions / f"{notebook}.ipynb")
                                                                            .read_text()))


def _expected(step: type, course: CourseDir, notebook: str, db_url: str) -> str:
    """What step's preprocessors (short of NOT_COMPARED) make of the source notebook, as the text
    nbgrader writes."""
    converter = converter_for(step, course, course.assignment, notebook, **{"CourseDirectory.db_url": db_url})
    coursedir = converter.coursedir
    # as the generators name it: source/<student>/<assignment>/, their student being "."
    folder = coursedir.format_path(coursedir.source_directory, ".", course.assignment)
    source = os.path.join(folder, f"{notebook}.ipynb")
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    for preprocessor in converter.preprocessors:
        if preprocessor not in NOT_COMPARED:
            exporter.register_preprocessor(preprocessor)
    resources = converter.init_single_notebook_resources(source)
    with contextlib.chdir(course.root):
        output, _ = exporter.from_filename(source, resources=resources)
    return output


def _without_run(notebook: dict) -> list[dict]:
    """A notebook's cells without what running them adds (outputs, counts, timings)."""
    cells = []
    for cell in notebook["cells"]:
        cell = {key: value for key, value in cell.items() if key not in RUN_MARKS}
        cell["metadata"] = {key: value for key, value in cell.get("metadata", {}).items() if key != "execution"}
        cells.append(cell)
    return cells


def _files_beside(folder: Path) -> dict[str, bytes]:
    """The files of folder other than notebooks (the helper module, data), by relative path."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix != ".ipynb" and not _ignored(path.relative_to(folder))}


def _ignored(relative: Path) -> bool:
    return any(part in ("__pycache__", ".ipynb_checkpoints") or part.endswith(".pyc") for part in relative.parts)


# Where a throwaway gradebook goes when the host has it: a folder in memory, so that SQLite's
# syncs of each commit (nbgrader commits cell by cell) cost nothing; the default temporary folder else.
MEMORY_FOLDER = Path("/dev/shm")


@contextlib.contextmanager
def throwaway_gradebook() -> Iterator[str]:
    """The URL of an empty gradebook of nbgrader's schema, made directly (a new Gradebook would ask
    the alembic command for its version, which takes seconds)."""
    in_memory = MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK)
    with tempfile.TemporaryDirectory(prefix="backprop-generate-", dir=MEMORY_FOLDER if in_memory else None) as scratch:
        url = f"sqlite:///{Path(scratch) / 'gradebook.db'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url


def _first_error(path: Path) -> tuple[str, dict] | None:
    """The id of the first cell of a solution notebook that raised when it ran, and its error."""
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return cell.get("id", ""), output
    return None


def _refuse_errors(course: CourseDir, notebook: Notebook) -> None:
    """A solution notebook must run without error: nbgrader keeps a cell's error in its outputs and
    goes on, so a cell of the lessons that fails on the reference would go unnoticed."""
    found = _first_error(course.solutions / notebook.filename)
    if found is None:
        return
    cell_id, error = found
    lesson, line = lesson_line(course, notebook, cell_id)
    raise GenerateError(f"the cell {cell_id!r} raised {error.ename}: {error.evalue} when nbgrader ran the solution "
                        f"({(course.solutions / notebook.filename).relative_to(course.root)})", lesson, line,
                        "fix that cell, or the reference, then build again")


def _failure(course: CourseDir, notebook: str, step: type, error: NbgraderError) -> GenerateError:
    """One line for an author: the source notebook and the error nbgrader's log ends with."""
    raised = [line for line in (error.log or str(error)).splitlines() if RAISED.match(line)]
    where = course.source / (f"{notebook}.ipynb" if notebook != "*" else "")
    return GenerateError(f"nbgrader's {step.__name__} failed: {raised[-1] if raised else error}", where,
                         fix="fix the notebook's lesson, then build again; --debug shows nbgrader's log")
