"""The wire format between the student's kernel and the grading process: plain data (float64
arrays, lists, str-keyed dicts) and the JSON text that carries it.

Like kernel_side.py, its source text is sent into the sandboxed kernel, so it imports only the
standard library and numpy. What a kernel sends can be anything: decoding refuses what is not
in this format.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

# What a kernel may send in one message, and how deep its data may nest.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 32
# The dtypes the wire carries; student results are turned into float64 before they travel.
WIRE_DTYPES = {"<f8": np.float64, "<i8": np.int64, "|b1": np.bool_}


class WireError(ValueError):
    """Data that is not in the wire format (a kernel can send anything)."""


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


def integer_part(value: Any, where: str = "the result") -> str:
    """Where value holds integers (a Python or numpy int, an array of ints), in words: 'the
    result["b"] is an array of int64'; '' where it holds none (booleans are not counted here)."""
    if isinstance(value, (bool, np.bool_)):
        return ""
    if isinstance(value, (int, np.integer)):
        return f"{where} is an integer ({type(value).__name__})"
    if isinstance(value, np.ndarray):
        return f"{where} is an array of {value.dtype}" if value.dtype.kind in "iu" else ""
    if isinstance(value, dict):
        parts = (integer_part(item, f'{where}["{str(key)[:40]}"]') for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        parts = (integer_part(item, f"{where}[{index}]") for index, item in enumerate(value))
    else:
        return ""
    return next((part for part in parts if part), "")


def encode(value: Any) -> Any:
    """value (arguments, results, plain data) as JSON-able data, arrays as base64 bytes."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return {"float": repr(float(value))}
    if isinstance(value, np.ndarray):
        dtype = np.dtype(value.dtype).newbyteorder("<") if value.dtype.kind in "if" else value.dtype
        wire = dtype.str if dtype.str in WIRE_DTYPES else "<f8"
        data = np.ascontiguousarray(value, dtype=WIRE_DTYPES[wire]).tobytes()
        return {"array": base64.b64encode(data).decode("ascii"), "dtype": wire, "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return {"list": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[str(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, Unsupported):
        return {"unsupported": str(value.type_name)[:100]}
    raise WireError(f"cannot send a {type(value).__name__}")


def decode(data: Any, depth: int = 0) -> Any:
    """The value that encode turned into data; anything else raises WireError."""
    if depth > MAX_DEPTH:
        raise WireError("data nested too deeply")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if not isinstance(data, dict) or len(data) not in (1, 3):
        raise WireError(f"unexpected {type(data).__name__} on the wire")
    if "float" in data and isinstance(data["float"], str):
        return float(data["float"])
    if "tuple" in data and isinstance(data["tuple"], list):
        return tuple(decode(item, depth + 1) for item in data["tuple"])
    if "list" in data and isinstance(data["list"], list):
        return [decode(item, depth + 1) for item in data["list"]]
    if "dict" in data and isinstance(data["dict"], list):
        pairs = data["dict"]
        if not all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) for pair in pairs):
            raise WireError("malformed dict on the wire")
        return {key: decode(item, depth + 1) for key, item in pairs}
    if "unsupported" in data and isinstance(data["unsupported"], str):
        return Unsupported(data["unsupported"][:100])
    if data.keys() == {"array", "dtype", "shape"}:
        return _decode_array(data)
    raise WireError("unknown tag on the wire")


def _decode_array(data: dict) -> np.ndarray:
    shape, dtype = data["shape"], WIRE_DTYPES.get(data["dtype"])
    if dtype is None or not isinstance(data["array"], str):
        raise WireError("array of an unknown dtype on the wire")
    if not (isinstance(shape, list) and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise WireError("array with a malformed shape on the wire")
    raw = base64.b64decode(data["array"], validate=True)
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize:
        raise WireError("array whose bytes do not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def is_plain(value: Any) -> bool:
    """True for what to_plain makes: float64 arrays, lists and str-keyed dicts of them, Unsupported."""
    if isinstance(value, np.ndarray):
        return value.dtype == np.float64
    if isinstance(value, list):
        return all(is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_plain(item) for key, item in value.items())
    return isinstance(value, Unsupported)


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str) -> Any:
    """decode(json.loads(text)), refusing text longer than MAX_MESSAGE_CHARS."""
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise WireError("message too long")
    try:
        return decode(json.loads(text))
    except (ValueError, TypeError, RecursionError) as error:
        raise WireError(str(error)[:200]) from None
