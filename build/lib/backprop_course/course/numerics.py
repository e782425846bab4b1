"""Comparison of results with the contract's tolerance: exact shapes first, then values."""

from __future__ import annotations

import numpy as np

from .contract import REL_ERROR_FLOOR, REL_TOLERANCE


def rel_error(actual, expected) -> float:
    """max(|a - b| / max(floor, |a| + |b|)) over the elements; the shapes must already agree."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise ValueError(f"rel_error needs equal shapes, got {actual.shape} and {expected.shape}")
    if actual.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(REL_ERROR_FLOOR, np.abs(actual) + np.abs(expected))
        return float(np.max(np.abs(actual - expected) / scale))


def close(actual, expected) -> bool:
    """True when the shapes are equal and rel_error is within the contract's tolerance."""
    return np.shape(actual) == np.shape(expected) and rel_error(actual, expected) <= REL_TOLERANCE


def centred_difference(loss, x: np.ndarray, step: float) -> np.ndarray:
    """Gradient of loss() with respect to the array x by centred differences, x restored after."""
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        upper = loss()
        x[index] = original - step
        lower = loss()
        x[index] = original
        grad[index] = (upper - lower) / (2.0 * step)
    return grad
