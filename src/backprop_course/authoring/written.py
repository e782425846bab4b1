"""Writes a generated file only when its text changes: an unchanged file keeps its time, and the
build reports only what changed."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_text(path: Path, text: str) -> bool:
    """Write text to path unless it already holds exactly that; whether it wrote."""
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_notebook(path: Path, notebook: nbformat.NotebookNode) -> bool:
    """Write notebook to path as nbformat.write would, unless the file already holds exactly that."""
    text = nbformat.writes(notebook)
    return write_text(path, text if text.endswith("\n") else text + "\n")
