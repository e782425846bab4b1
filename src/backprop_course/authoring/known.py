"""known(function, *args): a value the build computes with the reference and writes into the check code.

In a lesson's check code, `known(mse_loss, y_hat_check, y_check)` stands for the reference's
result on those arguments. The build evaluates it (see build_time.py) and writes the value in
its place as a Python literal, so the released check holds plain numbers and no reference code.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .. import reference

# Literals that would make a line longer than this are written over several lines.
LINE_WIDTH = 100


def known(function, *args) -> Any:
    """The reference's result of the graded function (or given helper) named like function, on args."""
    return getattr(reference, function.__name__)(*copy.deepcopy(args))


def literal(value: Any, indent: int = 0, prefix: int = 0) -> str:
    """Python source for value (numbers, numpy arrays, tuples, lists, dicts, strings), every digit kept.

    Arrays become np.array(...). The text starts prefix characters into a line indented by
    indent spaces; what does not fit in LINE_WIDTH is split one item per line (numbers several
    per line), each item indented four more spaces.
    """
    flat = _flat(value)
    if indent + prefix + len(flat) <= LINE_WIDTH:
        return flat
    split = _split(value)
    if split is None:
        return flat
    opening, items, closing = split
    inner = indent + 4
    if all(isinstance(item, float) for _, item in items):
        lines = _filled([_flat(item) for _, item in items], inner)
    else:
        lines = [" " * inner + key + literal(item, inner, len(key)) + "," for key, item in items]
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


def _filled(numbers: list[str], indent: int) -> list[str]:
    """Numbers, comma-separated, as many per line as fit."""
    lines, line = [], ""
    for number in numbers:
        if line and indent + len(line) + len(number) + 2 > LINE_WIDTH:
            lines.append(" " * indent + line.rstrip())
            line = ""
        line += number + ", "
    lines.append(" " * indent + line.rstrip())
    return lines


def _split(value: Any) -> tuple[str, list[tuple[str, Any]], str] | None:
    """How value opens and closes, and its items as (key text, item) pairs, for several lines."""
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        return "np.array([", [("", item) for item in value.tolist()], "])"
    if isinstance(value, tuple):
        return "(", [("", item) for item in value], ")"
    if isinstance(value, list):
        return "[", [("", item) for item in value], "]"
    if isinstance(value, dict):
        return "{", [(f"{_flat(key)}: ", item) for key, item in value.items()], "}"
    return None


def _flat(value: Any) -> str:
    """value's literal on one line."""
    if value is Ellipsis:
        return "..."
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        return f"np.array({_flat(value.tolist() if value.ndim else float(value))})"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_flat, value)) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(map(_flat, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(key)}: {_flat(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} into a notebook as a literal")
