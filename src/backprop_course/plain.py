"""Plain data: what a student's function returned, as float64 arrays, lists and dicts only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the contract never returns, kept only by its type name."""

    type_name: str


def to_plain(value: Any) -> Any:
    """Plain-data copy of a result: numbers become float64 arrays (0-d for one number),
    tuples and lists become lists (a list of numbers a 1-d array), dict keys become strings."""
    if isinstance(value, (bool, np.bool_)):
        return Unsupported(type(value).__name__)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.array(value, dtype=np.float64)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return np.array(value, dtype=np.float64)
        return Unsupported(f"ndarray of {value.dtype}")
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [to_plain(item) for item in value]
        if items and all(isinstance(item, np.ndarray) and item.ndim == 0 for item in items):
            return np.array(items, dtype=np.float64)
        return items
    return Unsupported(type(value).__name__)


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
