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
from collections.abc import Callable
from typing import Any

from .known import literal

KNOWN = "known"
_RECORDER = "__backprop_known__"


class CheckCodeError(ValueError):
    """Check code that does not run on the reference, or whose known() calls cannot be written."""


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


def run(source: str | ast.Module, namespace: dict, label: str) -> None:
    """Run notebook code (text or a parsed module) in namespace, quietly; a failure names label."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, label, "exec"), namespace)  # noqa: S102 - the course's own code
    except Exception as error:
        raise CheckCodeError(f"{label} failed on the reference: {type(error).__name__}: {error}") from error


def evaluate_check(source: str, namespace: dict, label: str, value_of: Callable[..., Any]) -> str:
    """Run check code in namespace with known(...) = value_of(...); the code with literals.

    Each known() call must run exactly once (not in a loop or a function that runs twice).
    """
    calls = known_calls(source)
    tree = _NumberKnownCalls(calls).visit(ast.parse(source))
    values: dict[int, Any] = {}

    def record(index: int, *args: Any, **kwargs: Any) -> Any:
        if index in values:
            raise CheckCodeError(f"{label}: known() call {index + 1} runs more than once")
        values[index] = value_of(*args, **kwargs)
        return values[index]

    namespace[_RECORDER] = record
    try:
        run(ast.fix_missing_locations(tree), namespace, label)
    finally:
        namespace.pop(_RECORDER, None)
    missing = [index + 1 for index in range(len(calls)) if index not in values]
    if missing:
        raise CheckCodeError(f"{label}: known() calls {missing} never ran")
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
