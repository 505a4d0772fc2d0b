"""Numerical checks for hand-written gradients: central differences and relative error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    """Largest element-wise relative error, ``max |a - b| / max(|a| + |b|, floor)``.

    Symmetric in ``a`` and ``b``, and meaningful whatever the scale of the numbers.
    For float64 gradients, below about 1e-7 is a pass; around 1e-2 or above is a bug.

    Raises:
        ValueError: if the shapes differ.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Gradient of the scalar ``f()`` with respect to the array ``x``, by central differences.

    ``f`` takes no arguments and reads ``x``, which is changed in place one entry
    at a time and restored afterwards::

        d_W = numerical_gradient(lambda: loss(params), params.W_hh)

    Each entry costs two calls of ``f``; the error of the estimate is O(eps^2).

    Args:
        f: returns a float computed from the current contents of ``x``.
        x: a float64 array (float32 is too coarse for eps around 1e-6).
        eps: the step.

    Returns:
        An array of the shape of ``x``.

    Raises:
        ValueError: if ``x`` is not a float64 array.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"x must be a float64 numpy array, got {getattr(x, 'dtype', type(x).__name__)}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        above = f()
        x[index] = original - eps
        below = f()
        x[index] = original
        grad[index] = (above - below) / (2 * eps)
    return grad
