"""Which graded functions a piece of code calls, read from its text: the reference's code of a
graded function (Contract.graded_callees) and the code of a check cell (authoring/gates.py)."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterable


def names_used(source: str) -> set[str]:
    """Every name that source reads or calls (not attributes: `np.mean` uses `np`)."""
    return {node.id for node in ast.walk(ast.parse(textwrap.dedent(source))) if isinstance(node, ast.Name)}


def reachable(start: str, direct: Callable[[str], Iterable[str]], order: Iterable[str]) -> tuple[str, ...]:
    """The names that start reaches through direct (one step or several; start left out), in order's order."""
    seen: set[str] = set()
    waiting = list(direct(start))
    while waiting:
        name = waiting.pop()
        if name not in seen and name != start:
            seen.add(name)
            waiting.extend(direct(name))
    return tuple(name for name in order if name in seen)
