"""What the grader wrote into an autograded notebook, read back: mistake ids and limit notes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode

from ..course.catalog import LIMITS, MISTAKES

# A mistake line under a graded test cell, e.g. "  [wrong-value] The values are wrong, ...".
MISTAKE_LINE = re.compile(r"^\s*\[([a-z0-9-]+)\]", re.MULTILINE)
# ANSI colour codes in error tracebacks, stripped before matching mistake lines.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class LimitNote:
    """A note the grader put under a cell that met a limit: the limit's id and what happened."""

    mistake: str
    message: str


def is_graded_test(cell: NotebookNode) -> bool:
    """A graded cell that is not an answer: the grader writes its output, the student cannot."""
    nbgrader = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and nbgrader.get("grade", False) and not nbgrader.get("solution", False)


def output_text(output: NotebookNode) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return ANSI_ESCAPE.sub("", "\n".join([output.get("evalue", ""), *output.get("traceback", [])]))
    return output.get("data", {}).get("text/plain", "")


def mistakes_in_cell(cell: NotebookNode) -> list[str]:
    """The catalog's mistake ids printed under a graded test cell, in order (none for other cells)."""
    if not is_graded_test(cell):
        return []
    return [
        mistake
        for output in cell.get("outputs", [])
        if not _is_limit_note(output)
        for mistake in MISTAKE_LINE.findall(output_text(output))
        if mistake in MISTAKES
    ]


def limit_notes(cell: NotebookNode) -> list[LimitNote]:
    """The limit notes under any code cell (catalog.LIMITS names the limits)."""
    return [
        LimitNote(output["ename"], output.get("evalue", ""))
        for output in cell.get("outputs", [])
        if _is_limit_note(output)
    ]


def _is_limit_note(output: NotebookNode) -> bool:
    return output.get("output_type") == "error" and output.get("ename") in LIMITS
