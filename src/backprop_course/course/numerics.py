"""The relative error results are compared with (after their shapes), and centred differences."""

from __future__ import annotations

import numpy as np

# Below this, |a| + |b| counts as this: a difference between two tiny numbers is not relative.
REL_ERROR_FLOOR = 1e-8


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
