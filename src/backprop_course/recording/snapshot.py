"""A copy of one assignment's definition (notebooks, their kernelspecs and cells, no student) as
a small SQLite gradebook of nbgrader's own schema, made once per run from the course's gradebook.

Workers sanitize submissions with nbgrader's own preprocessors, which read the instructor's cells
from a gradebook: they read this copy, wherever they run, and never touch the course's gradebook.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Assignment, Base, Gradebook, GradeCell, Notebook, SolutionCell, SourceCell, TaskCell
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ..sandbox import scratch

SNAPSHOT_FILE = "assignment.db"


@dataclass(frozen=True)
class Snapshot:
    """The snapshot's bytes (for workers anywhere) and their digest (to keep one file per worker)."""

    assignment: str
    data: bytes
    digest: str


def take_snapshot(db_url: str, assignment: str, course_id: str = "") -> Snapshot:
    """The assignment's definition in the gradebook at db_url, copied into a fresh gradebook."""
    folder = scratch.new_folder("snapshot-")
    path = folder / SNAPSHOT_FILE
    # nbgrader's schema, made directly: a new Gradebook would ask the alembic command for its
    # version (seconds), which only `nbgrader db upgrade` needs.
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Gradebook(db_url, course_id) as source, Session(engine) as copy:
        found = source.find_assignment(assignment)
        rows = Assignment(name=assignment, duedate=found.duedate)
        for notebook in found.notebooks:
            row = Notebook(name=notebook.name, assignment=rows, kernelspec=notebook.kernelspec)
            for cell in notebook.source_cells:
                SourceCell(name=cell.name, notebook=row, cell_type=cell.cell_type, locked=cell.locked,
                           source=cell.source, checksum=cell.checksum)
            for cell in notebook.grade_cells:
                GradeCell(name=cell.name, notebook=row, max_score=cell.max_score, cell_type=cell.cell_type)
            for cell in notebook.solution_cells:
                SolutionCell(name=cell.name, notebook=row)
            for cell in notebook.task_cells:
                TaskCell(name=cell.name, notebook=row, max_score=cell.max_score, cell_type=cell.cell_type)
        copy.add(rows)
        copy.commit()
    engine.dispose()
    data = path.read_bytes()
    return Snapshot(assignment, data, hashlib.sha256(data).hexdigest())


_opened: dict[str, str] = {}  # digest -> URL of this process's file


def snapshot_url(snapshot: Snapshot) -> str:
    """The URL of this process's file of the snapshot, written once into its run folder."""
    url = _opened.get(snapshot.digest)
    if url is None or not Path(url.removeprefix("sqlite:///")).exists():
        path = scratch.new_folder("snapshot-") / SNAPSHOT_FILE
        path.write_bytes(snapshot.data)
        url = _opened[snapshot.digest] = f"sqlite:///{path}"
    return url
