"""The summary a feedback page opens with: a row per graded cell and a line per limit met.

It is read from the notebook that nbgrader renders, after nbgrader's GetGrades: the checks come
from each graded cell's grade_id (the assignment's checks), the points from the scores GetGrades put into the
cells, the mistake ids from what the grader printed under the graded cells, and the limits it
recorded in any cell's metadata (grading/notes.py); the hints from the catalog. Nothing here reads a test
cell's source, so the summary cannot show hidden tests, inputs or expected values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nbformat import NotebookNode

from ..course.contract import Contract
from ..course.mistake_ids import LIMIT_HINTS
from ..grading.notes import is_graded_test, limit_notes, mistakes_in_cell

BY_HAND = "graded by hand"


@dataclass(frozen=True)
class SummaryRow:
    """One graded cell: what it checks, its points, and the mistake named under it."""

    anchor: str  # the name of the cell's anchor on the page (nbgrader names it after the grade_id)
    function: str  # the graded function; "" for a cell that is no check of the contract
    check: str  # the check's title, or what the cell is
    score: float
    points: float
    mistake: str | None = None
    hint: str = ""
    comment_anchor: str | None = None  # where the grader's comment on the cell is, if any

    @property
    def status(self) -> str:
        if self.score >= self.points:
            return "full"
        return "partial" if self.score > 0 else "none"


@dataclass(frozen=True)
class LimitLine:
    """A limit met while the notebook ran: the note, and how many cells carry the same note."""

    anchor: str  # the first cell with the note
    mistake: str
    hint: str
    message: str
    cells: int


@dataclass(frozen=True)
class Summary:
    rows: list[SummaryRow]
    limits: list[LimitLine]
    limit_anchors: dict[int, str] = field(default_factory=dict)  # {cell index: anchor name}

    @property
    def lost(self) -> list[SummaryRow]:
        return [row for row in self.rows if row.status != "full"]


def limit_anchor(index: int) -> str:
    return f"limit-note-{index}"


def summarize(nb: NotebookNode, contract: Contract | None) -> Summary:
    """The summary of a notebook whose graded cells carry nbgrader's score and points; contract:
    its assignment's, None for an assignment graded with nbgrader's semantics."""
    rows: list[SummaryRow] = []
    first_cell: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, str], int] = {}
    for index, cell in enumerate(nb.cells):
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("grade") or nbgrader.get("task"):
            rows.append(_row(cell, contract))
        for note in limit_notes(cell):
            key = (note.mistake, note.message)
            first_cell.setdefault(key, index)
            counts[key] = counts.get(key, 0) + 1
    limits = [
        LimitLine(limit_anchor(index), mistake, LIMIT_HINTS[mistake], message, counts[(mistake, message)])
        for (mistake, message), index in first_cell.items()
    ]
    return Summary(rows, limits, {index: limit_anchor(index) for index in first_cell.values()})


def _row(cell: NotebookNode, contract: Contract | None) -> SummaryRow:
    nbgrader = cell.metadata["nbgrader"]
    grade_id = nbgrader["grade_id"]
    check = contract.check_of_cell(grade_id) if contract is not None and is_graded_test(cell) else None
    mistakes = mistakes_in_cell(cell, contract)
    mistake = mistakes[0] if mistakes else None
    if check is not None:
        function, title = check.function, check.title
    else:
        by_hand = nbgrader.get("solution") or nbgrader.get("task")
        function, title = "", f"{grade_id} ({BY_HAND})" if by_hand else grade_id
    has_comment = (nbgrader.get("solution") or nbgrader.get("task")) and nbgrader.get("comment")
    return SummaryRow(
        anchor=grade_id,
        function=function,
        check=title,
        score=float(nbgrader["score"]),
        points=float(nbgrader["points"]),
        mistake=mistake,
        hint=contract.hint(mistake) if mistake else "",
        comment_anchor=f"comment-{grade_id}" if has_comment else None,
    )
