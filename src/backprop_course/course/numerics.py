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


# How far a reference's gradient may be from centred differences of its loss (with the contract's
# fd_step) and still agree with them: gradient_error at most this. Truncation (of order fd_step**2)
# and rounding (of order 1e-16 |loss| / fd_step) stay far below it; a wrong factor, sign, term or
# transpose does not.
FD_AGREEMENT = 1e-6


def gradient_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """max |analytic - numerical| relative to the largest |numerical| (at least REL_ERROR_FLOOR), for
    float64 arrays of one shape: measured against the gradient as a whole, since its tiny entries
    carry the differences' rounding."""
    if analytic.shape != numerical.shape:
        raise ValueError(f"gradient_error compares arrays of one shape, got {analytic.shape} and {numerical.shape}")
    scale = max([REL_ERROR_FLOOR, *np.abs(numerical).ravel()])
    return max([0.0, *np.abs(analytic - numerical).ravel()]) / scale
