"""Writes docs/mistakes.md, the instructors' page on the mistake catalogs of the course's assignments."""

from __future__ import annotations

from pathlib import Path

from ..course.contract import INPUTS_KEPT, Contract
from ..course.mistake_ids import GENERIC, LIMIT_IDS, NOT_FLOAT, TIME_LIMIT
from ..course.paths import CourseDir
from .written import write_text


def _functions_of(mistake) -> str:
    names = dict.fromkeys(name for name, _ in mistake.recognisers)
    return ", ".join(f"`{name}`" for name in names) or "any"


INTRO = [
    "# The mistake catalog",
    "",
    "Generated from each assignment's `assignment.toml` and `mistakes.py` (under `assignments/`) by",
    "`backprop-course catalog`; do not edit by hand.",
    "",
    "Each graded function's points are split over checks, one graded test cell each. A check",
    "fails on the first problem found over the hidden cases, in this order: the function is",
    "missing or raises `NotImplementedError` (`not-implemented`), it runs out of time",
    "(`time-limit`) or raises (`raised-error`), its result has the wrong shape or type",
    "(`wrong-shape`) or, where the contract says the function returns floats (`dtype = \"float64\"`),",
    "holds integers (`not-float`), holds NaN or infinity (`not-finite`), or has wrong values",
    "(`wrong-value`).",
    "When the result itself is wrong, the catalog below is searched, in order, for a mistake",
    "whose recogniser matches the student's results on the hidden cases (most compare them",
    "with what a student making that mistake computes); the first match replaces the generic id.",
    "Every failed check names one id and its hint in the student's feedback. The column \"what it",
    "covers\" says which results a mistake's recognisers take to be that mistake (the contract's `covers`).",
]


def assignment_markdown(contract: Contract, heading: str = "##") -> list[str]:
    """The checks and the catalog of one assignment, as Markdown lines."""
    lines = [f"{heading} {contract.name}", "", "| check cell | function | points | what it checks |",
             "|---|---|---|---|"]
    charged = {}
    for notebook in contract.notebooks:
        for function in notebook.functions:
            for check in function.checks:
                lines.append(f"| `{check.grade_id}` | `{function.name}` | {check.points} | {check.title} |")
                if check.kind == INPUTS_KEPT:
                    charged.setdefault(check.mistake, []).append(f"`{function.name}`")
    lines += ["", "| id | recognised in | what it covers | hint shown to the student |", "|---|---|---|---|"]
    for mistake in contract.catalog:
        where = "any function" if mistake.id in GENERIC else _functions_of(mistake)
        covers = mistake.covers
        if mistake.id in LIMIT_IDS:
            where = "the notebook run" if mistake.id != TIME_LIMIT else "any call, or the notebook run"
        if mistake.id in charged:
            where = f"{', '.join(charged[mistake.id])} (inputs check)"
        if mistake.id == NOT_FLOAT:
            where = f"{', '.join(f'`{name}`' for name in contract.float_results)} (structure check)"
            covers = "an integer result (a Python or numpy int, an array of ints) where the contract says floats"
        lines.append(f"| `{mistake.id}` | {where} | {covers} | {mistake.hint} |")
    return lines


def catalog_markdown(contracts: list[Contract]) -> str:
    """The page: how checks and diagnosis work, then each assignment's checks and catalog."""
    lines = list(INTRO)
    for contract in contracts:
        lines += ["", *assignment_markdown(contract)]
    lines += [
        "",
        "To add a mistake to an assignment, add a `[[mistakes]]` entry (id and hint) to its",
        "`assignment.toml`, its recogniser to `RECOGNISERS` in its `mistakes.py`, a submission that",
        "makes it to the assignment's mistake corpus, and regenerate this page.",
        "",
    ]
    return "\n".join(lines)


def write_catalog_page(course: CourseDir) -> list[Path]:
    """Write docs/mistakes.md of the course; its path, if its text changed."""
    target = course.docs / "mistakes.md"
    text = catalog_markdown([course.of(name).contract for name in course.assignment_names])
    return [target] if write_text(target, text) else []
