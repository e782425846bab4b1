"""nbgrader cells and the notebook that holds them: ids, metadata, kernelspec."""

from __future__ import annotations

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def nbgrader_metadata(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def code_cell(cell_id: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    """A code cell with this id; with nbgrader keywords (locked=True, ...) an nbgrader cell too."""
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    cell.id = cell_id
    if nbgrader:
        cell.metadata.update(nbgrader_metadata(cell_id, **nbgrader))
    return cell


def markdown_cell(cell_id: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source.strip("\n"))
    cell.id = cell_id
    if nbgrader:
        cell.metadata.update(nbgrader_metadata(cell_id, **nbgrader))
    return cell


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A valid nbformat 4 notebook of these cells for the python3 kernel."""
    built = nbformat.v4.new_notebook(cells=cells)
    built.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nbformat.validate(built)
    return built
