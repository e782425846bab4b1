"""An assignment's notebooks and cells in the gradebook brought to those of a new release, keeping
every submission and its grades: what `nbgrader generate_assignment` refuses once students have
submitted ("Cannot add or remove cells ... because there are submissions associated with it").

The new release's cells are read as nbgrader records them: from a gradebook that nbgrader's own
generate_assignment filled (generate.py's throwaway one). Compared with the course's gradebook,
notebook by notebook and cell kind by cell kind:
- a cell (or notebook) the release adds gets its rows, and each submission the empty grade and
  comment rows that nbgrader's add_submission gives a new submission (autograde fills them);
- a notebook the release drops is deleted with every submission's grades and comments of it, as
  nbgrader's remove_notebook deletes it (nbgrader's autograde then skips the submitted file);
- a cell the release drops is deleted only where no student submitted its notebook: nbgrader
  cannot grade a submitted notebook that holds a cell its gradebook does not know (it fails the
  notebook's metadata check), so dropping such a cell is refused, before anything is changed.
Everything else (points, sources, checksums) is left to generate_assignment, which updates it once
the sets of cells agree. All in one transaction: on an error nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nbgrader.api import (
    Comment,
    Grade,
    Gradebook,
    GradeCell,
    MissingEntry,
    Notebook,
    SolutionCell,
    SourceCell,
    SubmittedNotebook,
    TaskCell,
)

# Each kind of cell row: the Notebook attribute listing them, and the rows a submission has for one.
KINDS = ((GradeCell, "grade_cells", (Grade,)), (SolutionCell, "solution_cells", (Comment,)),
         (TaskCell, "task_cells", (Comment, Grade)), (SourceCell, "source_cells", ()))


class AssignmentNotReleasedError(LookupError):
    """The assignment is not in the gradebook: there is nothing to update."""


class CellsInUseError(ValueError):
    """The new release drops cells that submitted notebooks hold (nbgrader could not grade them)."""


@dataclass
class CellChanges:
    """What changed: `notebook` or `notebook/cell` names, added and removed."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def match_cells(db_url: str, course_id: str, assignment: str, release_db_url: str) -> CellChanges:
    """Make the gradebook at db_url hold assignment's notebooks and cells as release_db_url does."""
    changes = CellChanges()
    with Gradebook(release_db_url) as release, Gradebook(db_url, course_id) as gradebook:
        try:
            target = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise AssignmentNotReleasedError(f"the assignment {assignment!r} is not in the gradebook: release it first "
                                        f"(nbgrader generate_assignment {assignment})") from None
        session = gradebook.db
        wanted = {notebook.name: notebook for notebook in release.find_assignment(assignment).notebooks}
        _refuse_dropped_cells(target, wanted)
        with session.no_autoflush:
            for notebook in list(target.notebooks):
                if notebook.name not in wanted:
                    _remove_notebook(session, notebook)
                    changes.removed.append(notebook.name)
            have = {notebook.name: notebook for notebook in target.notebooks if notebook.name in wanted}
            for name, model in wanted.items():
                if name not in have:
                    have[name] = _add_notebook(session, target, model)
                    changes.added.append(name)
                _match_notebook(session, have[name], model, changes)
        session.commit()
    return changes


def _refuse_dropped_cells(target, wanted: dict[str, Notebook]) -> None:
    dropped = sorted({f"{notebook.name}/{cell.name}"
                      for notebook in target.notebooks if notebook.name in wanted and notebook.submissions
                      for _, listed, _ in KINDS
                      for cell in getattr(notebook, listed)
                      if cell.name not in {kept.name for kept in getattr(wanted[notebook.name], listed)}})
    if dropped:
        raise CellsInUseError(f"the new release drops cells that submitted notebooks hold: {', '.join(dropped)}; "
                              "nbgrader cannot grade a notebook with a cell its gradebook does not know, so keep "
                              "them (a check can change its points, a cell its text)")


def _add_notebook(session, target, model: Notebook) -> Notebook:
    """A new notebook of the assignment, and an empty submitted notebook of it for each submission."""
    notebook = Notebook(name=model.name, assignment=target, kernelspec=model.kernelspec)
    session.add(notebook)
    session.add_all(SubmittedNotebook(notebook=notebook, assignment=submission) for submission in target.submissions)
    return notebook


def _match_notebook(session, notebook: Notebook, model: Notebook, changes: CellChanges) -> None:
    submitted = list(notebook.submissions)
    for kind, listed, per_submission in KINDS:
        have = {cell.name: cell for cell in getattr(notebook, listed)}
        wanted = {cell.name: cell for cell in getattr(model, listed)}
        for name in sorted(set(have) - set(wanted)):
            _delete_cell(session, have[name])
            changes.removed.append(f"{notebook.name}/{name} ({kind.__name__})")
        for name in sorted(set(wanted) - set(have)):
            cell = kind(notebook=notebook, **_fields(wanted[name]))
            session.add(cell)
            session.add_all(row(cell=cell, notebook=one) for one in submitted for row in per_submission)
            changes.added.append(f"{notebook.name}/{name} ({kind.__name__})")


def _fields(cell) -> dict:
    """A cell row's own columns, as nbgrader's update_or_create_*_cell would set them."""
    columns = ("name", "max_score", "cell_type", "locked", "source", "checksum")
    return {column: getattr(cell, column) for column in columns if hasattr(type(cell), column)}


def _delete_cell(session, cell) -> None:
    for row in (*getattr(cell, "grades", ()), *getattr(cell, "comments", ())):
        session.delete(row)
    session.delete(cell)


def _remove_notebook(session, notebook: Notebook) -> None:
    """As nbgrader's remove_notebook, in this transaction."""
    for submitted in notebook.submissions:
        for row in (*submitted.grades, *submitted.comments):
            session.delete(row)
        session.delete(submitted)
    for _, listed, _ in KINDS:
        for cell in getattr(notebook, listed):
            session.delete(cell)
    session.delete(notebook)
