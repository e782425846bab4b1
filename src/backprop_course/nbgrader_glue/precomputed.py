"""Grading results worked out ahead of nbgrader's own autograde pass, by `backprop-course
autograde`'s workers: the key that ties a result to the exact notebook it graded, and the store.

The workers grade a submission the way SandboxedGrading would (same sanitizing, same grading);
nbgrader's Autograde then runs as usual, one student after another in one process, and
SandboxedGrading takes each notebook's outputs from here instead of grading it again. A notebook
whose key is not found is graded on the spot, so a result can only ever save time. A notebook
that nbgrader's semantics give up on is stored as such, and nbgrader's own run gives up on it too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..course.contract import Contract
from ..grading.cell_runs import NotebookAbandonedError
from ..grading.notes import LIMITS_KEY, forget_limit_notes
from ..sandbox.caps import Limits


def grading_key(nb: NotebookNode, student: str, notebook_name: str, limits: Limits, sandboxed: bool,
                assignment: str, contract: Contract | None) -> str:
    """A digest of everything that decides a notebook's grading: who, which notebook of which
    assignment and which version of its contract, each cell's type, source and nbgrader metadata,
    the limits and whether it ran in the sandbox."""
    cells = [(cell.cell_type, cell.source, cell.metadata.get("nbgrader", {})) for cell in nb.cells]
    version = contract.digest if contract is not None else ""
    text = json.dumps([student, assignment, version, notebook_name, cells, asdict(limits), sandboxed], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def record_of(graded: NotebookNode, events: list[str], findings: list[dict]) -> dict:
    """The outputs, execution counts and limit notes of graded's code cells, the limits it met
    and its findings (grading/behaviour.py, as records)."""
    code_cells = [cell for cell in graded.cells if cell.cell_type == "code"]
    return {"outputs": [cell.outputs for cell in code_cells],
            "execution_counts": [cell.execution_count for cell in code_cells],
            "limit_notes": [cell.metadata.get(LIMITS_KEY) for cell in code_cells], "events": events,
            "findings": findings}


def record_of_abandoned(why: str) -> dict:
    """The record of a notebook whose grading was given up (NotebookAbandonedError's message)."""
    return {"abandoned": why}


def save(folder: Path, key: str, record: dict) -> Path:
    """Store a grading's record under key."""
    path = Path(folder) / f"{key}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record))
    partial.replace(path)  # whole or not at all, for a reader in another process
    return path


def apply(folder: Path, key: str, nb: NotebookNode) -> dict | None:
    """Put the stored outputs into nb's code cells; the stored record, or None when there is none.
    A notebook whose grading was given up raises NotebookAbandonedError again, as grading it would."""
    path = Path(folder) / f"{key}.json"
    if not path.is_file():
        return None
    record = json.loads(path.read_text())
    if "abandoned" in record:
        raise NotebookAbandonedError(record["abandoned"])
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    if len(record["outputs"]) != len(code_cells):
        return None
    forget_limit_notes(nb)
    for cell, outputs, count, notes in zip(code_cells, record["outputs"], record["execution_counts"],
                                           record["limit_notes"]):
        cell.outputs = [nbformat.from_dict(output) for output in outputs]
        cell.execution_count = count
        if notes:
            cell.metadata[LIMITS_KEY] = notes
    return record
