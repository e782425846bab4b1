"""Build-time values in a lesson's Markdown: `{{ name }}` placeholders filled from the contract."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..course.contract import Notebook

# `{{ name }}`, with one space inside each pair of braces (so that LaTeX's {{...}} is left alone).
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


def points_table(notebook: Notebook) -> str:
    """The notebook's graded functions with their points (and the hand-graded answer's)."""
    rows = [f"| `{f.name}{f.signature}` | {f.points} |" for f in notebook.functions]
    if notebook.manual_points:
        title = notebook.manual_title or notebook.manual_grade_id
        rows.append(f"| {title} (graded by hand) | {notebook.manual_points} |")
    return "| function | points |\n|---|---|\n" + "\n".join(rows)


PLACEHOLDERS: dict[str, Callable[[Notebook], str]] = {
    "points_table": points_table,
    "rel_tolerance": lambda notebook: f"{notebook.contract.tolerances.rel_tolerance:g}",
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(text: str, notebook: Notebook) -> str:
    """text with each `{{ name }}` replaced by its value for notebook (names: PLACEHOLDERS)."""
    return PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match.group(1)](notebook), text)
