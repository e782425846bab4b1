"""known(function, *args): what the build computes on a check's example and writes into the check code.

In a lesson's check code, `known(norm, x_check)` stands for a Known: the reference's result on
those arguments, and what each catalog mistake that can say returns on them (see
Contract.mistake_predictions). The build evaluates it (see build_time.py) and writes it in its
place as a literal, `Known("norm", 3.74..., [("norm-not-rooted", 14.0), ...])`, so the
released check holds plain numbers only: no reference code, no mutant code, no hidden input.
"""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

import numpy as np

from ..course.contract import Contract
from ..course.notebook_helpers import Known, matches
from ..course.plain import to_plain
from ..course.scenario import reference_result, scenario_of

# Literals that would make a line longer than this are written over several lines.
LINE_WIDTH = 100
# Significant digits of the numbers written: their rounding (at most 5e-10 relative) is far below every
# tolerance they are compared with (contract.REL_TOLERANCE, catalog.MATCH_TOLERANCE).
DIGITS = 10
SIMPLE_TEXT = re.compile(r"[\w .-]*")


def known(contract: Contract, function, *args, **kwargs) -> Known:
    """The reference's result of the function named like function on these arguments, and what
    the catalog's mistakes give there (those that differ from it, each once)."""
    name = function if isinstance(function, str) else function.__name__
    if scenario_of(contract, name) is not None:  # known("f", *inputs): what f's scenario reads, played on them
        case = copy.deepcopy(args)
        expected = reference_result(contract, name, case)
    else:
        reference_function = contract.reference_function(name)
        bound = inspect.signature(reference_function).bind(*args, **kwargs)
        bound.apply_defaults()
        case = copy.deepcopy(tuple(bound.arguments.values()))
        expected = reference_function(*copy.deepcopy(case))
    if name not in contract.functions:
        return Known(name, expected)
    mistakes: list[tuple[str, Any]] = []
    for mistake, result in contract.mistake_predictions(name, case, expected):
        # A whole result equal to the expected one cannot be told apart here; a partial one (with
        # ...) still can, since the check asks for mistakes only when the result differs.
        invisible = not _partial(result) and matches(to_plain(expected), result)
        if not invisible and (mistake, _flat(result)) not in [(other, _flat(seen)) for other, seen in mistakes]:
            mistakes.append((mistake, result))
    return Known(name, expected, mistakes)


def _partial(result: Any) -> bool:
    return isinstance(result, (tuple, list)) and any(item is Ellipsis for item in result)


def literal(value: Any, indent: int = 0, prefix: int = 0) -> str:
    """Python source for value (numbers, numpy arrays, tuples, lists, dicts, strings, Known).

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
    if isinstance(value, Known):
        return "Known(", _known_arguments(value), ")"
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
    if isinstance(value, str) and SIMPLE_TEXT.fullmatch(value):
        return f'"{value}"'
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):  # what a mistake that overflows gives
            return "np.nan" if np.isnan(value) else ("np.inf" if value > 0 else "-np.inf")
        return repr(float(f"{float(value):.{DIGITS}g}"))
    if isinstance(value, np.ndarray):
        return f"np.array({_flat(value.tolist() if value.ndim else float(value))})"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_flat, value)) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(map(_flat, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(key)}: {_flat(item)}" for key, item in value.items()) + "}"
    if isinstance(value, Known):
        return "Known(" + ", ".join(key + _flat(item) for key, item in _known_arguments(value)) + ")"
    raise TypeError(f"cannot write a {type(value).__name__} into a notebook as a literal")


def _known_arguments(value: Known) -> list[tuple[str, Any]]:
    mistakes = [("mistakes=", value.mistakes)] if value.mistakes else []
    return [("", value.function), ("", value.expected), *mistakes]
