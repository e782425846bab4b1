"""Plain data: what a student's function returned, as float64 arrays, lists and dicts only.

What crosses the kernel's boundary is plain: numbers and numeric arrays become float64 arrays
(0-d for one number), tuples become lists, dict keys strings, anything else an Unsupported
(to_plain says it exactly). same_structure and recognisers.close compare in that form, so that a
recogniser may compare a plain result with a value built as the reference builds it (tuples, floats)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..in_kernel.wire import Unsupported, to_plain  # noqa: F401 - the one definition, shared with the kernel


def plain(value: Any) -> Any:
    """value as plain data, as to_plain makes it, but leaving plain parts as they are (an
    Unsupported stays itself, a float64 array is not copied)."""
    if isinstance(value, Unsupported) or (isinstance(value, np.ndarray) and value.dtype == np.float64):
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [plain(item) for item in value]
        return to_plain(items) if items and all(isinstance(item, np.ndarray) and item.ndim == 0 for item in items) \
            else items
    return to_plain(value)


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
    """True when both, as plain data, have the same nesting, keys, lengths and array shapes."""
    return _same_structure(plain(first), plain(second))


def _same_structure(first: Any, second: Any) -> bool:
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return isinstance(first, np.ndarray) and isinstance(second, np.ndarray) and first.shape == second.shape
    if isinstance(first, dict) or isinstance(second, dict):
        return (
            isinstance(first, dict)
            and isinstance(second, dict)
            and first.keys() == second.keys()
            and all(_same_structure(first[key], second[key]) for key in first)
        )
    if isinstance(first, list) or isinstance(second, list):
        return (
            isinstance(first, list)
            and isinstance(second, list)
            and len(first) == len(second)
            and all(map(_same_structure, first, second))
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
