"""The notes the grader writes into a notebook (a limit met, under its cell; the sandbox's
isolation, in the notebook's metadata) and reads back from an autograded one (those, and the
mistake ids under graded cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode
from nbformat.v4 import new_output

from ..course.cells import is_graded_test
from ..course.contract import Contract
from ..course.mistake_ids import (
    DISK_LIMIT,
    KERNEL_DIED,
    LIMIT_IDS,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    PROCESS_LIMIT,
    TIME_LIMIT,
)

# A mistake line under a graded test cell, e.g. "  [wrong-value] The values are wrong, ...".
MISTAKE_LINE = re.compile(r"^\s*\[([a-z0-9-]+)\]", re.MULTILINE)
# ANSI colour codes in error tracebacks, stripped before matching mistake lines.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


LIMIT_MESSAGES = {
    TIME_LIMIT: "this cell ran longer than {seconds:g} s and was stopped",
    KERNEL_DIED: "the kernel died while this cell ran (it exited, crashed or was killed)",
    MEMORY_LIMIT: "this cell passed the sandbox's memory cap of {memory:g} MiB, its /tmp included",
    PROCESS_LIMIT: "this cell reached the sandbox's cap of {processes} processes and threads",
    DISK_LIMIT: "this cell filled the sandbox's /tmp ({disk:g} MiB)",
    OUTPUT_LIMIT: "the notebook's output passed {limit} bytes; the rest is cut",
    "not-run": "not run: the notebook used up its {seconds:g} s",
}


# The cell metadata where the grader alone records the limits a cell met: an error output that
# looks like a note can come from the student's own code (an exception class named `time-limit`),
# metadata of this key cannot (forget_limit_notes clears it before any cell runs).
LIMITS_KEY = "backprop_course_limits"


def limit_note(mistake: str, message: str) -> NotebookNode:
    """An error output naming a limit by its id, for the student's feedback and the report."""
    return new_output("error", ename=mistake, evalue=message, traceback=[f"[{mistake}] {message}"])


def note_limit(cell: NotebookNode, mistake: str, message: str) -> None:
    """Put a limit note under cell, and record it where only the grader writes."""
    cell.setdefault("outputs", []).append(limit_note(mistake, message))
    cell.setdefault("metadata", {}).setdefault(LIMITS_KEY, []).append({"mistake": mistake, "message": message})


def forget_limit_notes(nb: NotebookNode) -> None:
    """Clear every cell's record of limits: what a submission brings there is the student's."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop(LIMITS_KEY, None)


# The notebook metadata where the grader records how far the notebook's sandbox was kept from the
# others (sandbox/host.py's Isolation, in words). A submission's own value is overwritten before
# any cell runs, so what is read back is the grader's.
ISOLATION_KEY = "backprop_course_isolation"


def note_isolation(nb: NotebookNode, isolation: str) -> None:
    nb.setdefault("metadata", {})[ISOLATION_KEY] = isolation


def isolation_of(nb: NotebookNode) -> str | None:
    """The isolation the grader recorded in an autograded notebook, or None (graded before it was recorded)."""
    found = nb.get("metadata", {}).get(ISOLATION_KEY)
    return found if isinstance(found, str) else None


@dataclass(frozen=True)
class LimitNote:
    """A note the grader put under a cell that met a limit: the limit's id and what happened."""

    mistake: str
    message: str


def output_text(output: NotebookNode) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return ANSI_ESCAPE.sub("", "\n".join([output.get("evalue", ""), *output.get("traceback", [])]))
    return output.get("data", {}).get("text/plain", "")


def mistakes_in_cell(cell: NotebookNode, contract: Contract | None) -> list[str]:
    """The catalog's mistake ids printed under a graded test cell, in order (none for other cells,
    none without a contract)."""
    if contract is None or not is_graded_test(cell):
        return []
    return [
        mistake
        for output in cell.get("outputs", [])
        if not _is_limit_note(output)
        for mistake in MISTAKE_LINE.findall(output_text(output))
        if mistake in contract.mistakes
    ]


def limit_notes(cell: NotebookNode) -> list[LimitNote]:
    """The limit notes the grader put under a cell (mistake_ids.LIMIT_IDS names the limits)."""
    recorded = cell.get("metadata", {}).get(LIMITS_KEY, [])
    if not isinstance(recorded, list):
        return []
    return [
        LimitNote(note["mistake"], str(note.get("message", "")))
        for note in recorded
        if isinstance(note, dict) and note.get("mistake") in LIMIT_IDS
    ]


def _is_limit_note(output: NotebookNode) -> bool:
    return output.get("output_type") == "error" and output.get("ename") in LIMIT_IDS
