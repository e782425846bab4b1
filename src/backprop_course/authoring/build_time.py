"""Build-time values in check code: runs the checks on the reference and writes known() calls as literals.

The build runs the notebook's given cell, its answers (the reference's solutions) and each
exercise's check code, in order, in one namespace, as the solutions notebook would. Each
`known(...)` call in check code is evaluated there (so its arguments can be the check's own
variables) and then replaced in the text by the literal of its value. Running the checks on the
reference also proves that the reference passes every visible check.
"""

from __future__ import annotations

import ast
import contextlib
import io
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..course.author_errors import AuthorError, described, first_line
from .known import literal

KNOWN = "known"
_RECORDER = "__backprop_known__"


class CheckCodeError(AuthorError):
    """Check code that does not run on the reference, or whose known() calls cannot be written."""


@dataclass(frozen=True)
class Place:
    """Where a piece of code run at build time is in its author's files: the file, the line its
    first line is on, and the assignment's folder (so that a failure also names where in the
    folder's other files it raised)."""

    path: Path
    line: int
    folder: Path


def known_calls(source: str) -> list[ast.Call]:
    """The known(...) calls of source, in the order they appear."""
    calls = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == KNOWN]
    return sorted(calls, key=lambda call: (call.lineno, call.col_offset))


class _NumberKnownCalls(ast.NodeTransformer):
    """known(f, ...) -> __backprop_known__(<its position>, f, ...)."""

    def __init__(self, calls: list[ast.Call]):
        self.positions = {(call.lineno, call.col_offset): index for index, call in enumerate(calls)}

    def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802 - ast's visitor naming
        self.generic_visit(node)
        index = self.positions.get((node.lineno, node.col_offset))
        if index is None or not (isinstance(node.func, ast.Name) and node.func.id == KNOWN):
            return node
        recorder = ast.Name(_RECORDER, ast.Load())
        return ast.copy_location(ast.Call(recorder, [ast.Constant(index), *node.args], node.keywords), node)


FIX = "fix the check, or the reference's solution, then build again"


def parsed(source: str, label: str, place: Place | None = None) -> ast.Module:
    """source parsed; a syntax error names label, and with place its file and line."""
    try:
        return ast.parse(source)
    except SyntaxError as error:
        line = place.line + (error.lineno or 1) - 1 if place else None
        raise CheckCodeError(f"{label}: {described(error)}", place.path if place else None, line,
                             "fix the syntax") from error


def run(source: str | ast.Module, namespace: dict, label: str, place: Place | None = None) -> None:
    """Run notebook code (text or a parsed module) in namespace, quietly; a failure names label,
    and with place the line of place's file it failed on (and where in the folder it raised)."""
    tree = source if isinstance(source, ast.Module) else parsed(source, label, place)
    if place is not None:
        ast.increment_lineno(tree, place.line - 1)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(tree, str(place.path) if place else label, "exec"), namespace)  # noqa: S102 - the course's
    except CheckCodeError:
        raise
    except Exception as error:
        raise _failure(error, label, place) from error


def _failure(error: Exception, label: str, place: Place | None) -> CheckCodeError:
    message = f"{label} failed on the reference: {described(error)}"
    if place is None:
        return CheckCodeError(message, fix=FIX)
    line = first_line(error, str(place.path))
    inner = [frame for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).is_relative_to(place.folder)]
    if inner and (inner[-1].filename, inner[-1].lineno) != (str(place.path), line):
        message += f" (raised at {Path(inner[-1].filename).relative_to(place.folder)}:{inner[-1].lineno})"
    return CheckCodeError(message, place.path, line, FIX)


def evaluate_check(source: str, namespace: dict, label: str, value_of: Callable[..., Any],
                   place: Place | None = None) -> str:
    """Run check code in namespace with known(...) = value_of(...); the code with literals.

    Each known() call must run exactly once (not in a loop or a function that runs twice).
    """
    tree = parsed(source, label, place)
    calls = known_calls(source)
    tree = _NumberKnownCalls(calls).visit(tree)
    values: dict[int, Any] = {}

    def refused(message: str, index: int) -> CheckCodeError:
        line = place.line + calls[index].lineno - 1 if place else None
        return CheckCodeError(f"{label}: {message}", place.path if place else None, line,
                              "call known() once, outside loops and functions")

    def record(index: int, *args: Any, **kwargs: Any) -> Any:
        if index in values:
            raise refused(f"known() call {index + 1} runs more than once", index)
        values[index] = value_of(*args, **kwargs)
        return values[index]

    namespace[_RECORDER] = record
    try:
        run(ast.fix_missing_locations(tree), namespace, label, place)
    finally:
        namespace.pop(_RECORDER, None)
    missing = [index + 1 for index in range(len(calls)) if index not in values]
    if missing:
        raise refused(f"known() calls {missing} never ran", missing[0] - 1)
    return _substituted(source, calls, values)


def _substituted(source: str, calls: list[ast.Call], values: dict[int, Any]) -> str:
    """source with each known() call's text replaced by the literal of its value."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:  # ast columns count UTF-8 bytes
        text = lines[line - 1]
        return starts[line - 1] + len(text.encode()[:column].decode())

    text = source
    for index in sorted(range(len(calls)), reverse=True):
        call = calls[index]
        start, end = offset(call.lineno, call.col_offset), offset(call.end_lineno, call.end_col_offset)
        line = lines[call.lineno - 1]
        indent = len(line) - len(line.lstrip())
        before = start - starts[call.lineno - 1] - indent
        text = text[:start] + literal(values[index], indent, before) + text[end:]
    return text
