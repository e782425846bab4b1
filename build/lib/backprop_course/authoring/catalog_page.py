"""Writes docs/mistakes.md, the instructors' page on the mistake catalog, from catalog.py."""

from __future__ import annotations

from pathlib import Path

from ..course.catalog import CATALOG, GENERIC, LIMITS
from ..course.checks import CHECKS
from ..course.contract import NOTEBOOKS
from ..course.mistake_ids import TIME_LIMIT
from ..course.paths import CourseDir


def _functions_of(mistake) -> str:
    names = dict.fromkeys(name for name, _ in mistake.recognisers)
    return ", ".join(f"`{name}`" for name in names) or "any"


def catalog_markdown() -> str:
    """The page: how checks and diagnosis work, then one table row per mistake id."""
    lines = [
        "# The mistake catalog",
        "",
        "Generated from `src/backprop_course/course/catalog.py` by `backprop-course catalog`; do not edit by hand.",
        "",
        "Each graded function's points are split over checks, one graded test cell each. A check",
        "fails on the first problem found over the hidden cases, in this order: the function is",
        "missing or raises `NotImplementedError` (`not-implemented`), it runs out of time",
        "(`time-limit`) or raises (`raised-error`), its result has the wrong shape or type",
        "(`wrong-shape`), holds NaN or infinity (`not-finite`), or has wrong values (`wrong-value`).",
        "When the result itself is wrong, the catalog below is searched, in order, for a mistake",
        "whose recogniser matches the student's results on the hidden cases (most compare them",
        "with what a student making that mistake computes); the first match replaces the generic id.",
        "Every failed check names one id and its hint in the student's feedback.",
        "",
        "| check cell | function | points | what it checks |",
        "|---|---|---|---|",
    ]
    for notebook in NOTEBOOKS:
        for function in notebook.functions:
            for check in CHECKS[function.name]:
                lines.append(f"| `{check.grade_id}` | `{function.name}` | {check.points} | {check.title} |")
    lines += ["", "| id | recognised in | hint shown to the student |", "|---|---|---|"]
    for mistake in CATALOG:
        where = "any function" if mistake.id in GENERIC else _functions_of(mistake)
        if mistake.id in LIMITS:
            where = "the notebook run" if mistake.id != TIME_LIMIT else "any call, or the notebook run"
        if mistake.id == "sgd-mutates-input":
            where = "`sgd_update`, `sgd_step` (inputs check)"
        lines.append(f"| `{mistake.id}` | {where} | {mistake.hint} |")
    lines += [
        "",
        "To add a mistake, add one `Mistake` entry to `CATALOG` with its recogniser, a submission",
        "that makes it to `tests/support/mistake_corpus.py`, and regenerate this page.",
        "",
    ]
    return "\n".join(lines)


def write_catalog_page(course: CourseDir) -> Path:
    """Write docs/mistakes.md of the course; return its path."""
    target = course.docs / "mistakes.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(catalog_markdown())
    return target
