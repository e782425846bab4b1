"""Plain data: what a student's function returned, as float64 arrays, lists and dicts only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..in_kernel.kernel_side import Unsupported, to_plain  # noqa: F401 - the one definition, shared with the kernel


def leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, leaf) pairs in a fixed order: dict keys sorted, list items in order."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from leaves(value[key], (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def same_structure(first: Any, second: Any) -> bool:
    """True when both have the same nesting, keys, lengths and array shapes."""
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return isinstance(first, np.ndarray) and isinstance(second, np.ndarray) and first.shape == second.shape
    if isinstance(first, dict) or isinstance(second, dict):
        return (
            isinstance(first, dict)
            and isinstance(second, dict)
            and first.keys() == second.keys()
            and all(same_structure(first[key], second[key]) for key in first)
        )
    if isinstance(first, list) or isinstance(second, list):
        return (
            isinstance(first, list)
            and isinstance(second, list)
            and len(first) == len(second)
            and all(map(same_structure, first, second))
        )
    return first == second


def at(value: Any, path: tuple) -> Any:
    """The part of value at path, or None when the value has no such part."""
    for key in path:
        in_dict = isinstance(value, dict) and isinstance(key, str) and key in value
        in_list = isinstance(value, list) and isinstance(key, int) and key < len(value)
        if not (in_dict or in_list):
            return None
        value = value[key]
    return value
