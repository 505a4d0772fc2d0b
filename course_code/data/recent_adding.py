"""The adding problem with a short dependency: both marked steps among the last few.

:func:`~course_code.data.long_range.adding_problem` puts one marker in each half
of the sequence, so the first marked value must be held for up to ``T`` steps.
:func:`recent_adding_problem` keeps everything else (the length ``T``, the
values, the markers, the target and its baseline MSE 1/6) and moves both
markers into the last ``window`` steps: one in the first half of that window,
one in the second. With ``window = 2`` they are the last two steps, and the
task needs a memory of one step. Comparing a model on the two tasks separates
the length of the *dependency* from the length of the *sequence*.
"""

from __future__ import annotations

import numpy as np

__all__ = ["recent_adding_problem"]


def recent_adding_problem(
    num_sequences: int, length: int, window: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of U[0, 1] values with two markers in the last ``window`` steps.

    Args:
        num_sequences: ``N``.
        length: ``T``.
        window: how many of the last steps the markers may fall in,
            ``2 <= window <= T``; the first marker is among steps
            ``T - window + 1 .. T - window + window // 2`` (counting from 1),
            the second among the later ones.
        rng: the source of randomness.

    Returns:
        ``(x, y)``: inputs ``(N, T, 2)`` (values, markers) and targets ``(N,)``
        in [0, 2], the sum of the two marked values.

    Raises:
        ValueError: if a size is not a positive integer or ``window`` is not in
            ``[2, T]``.
    """
    for name, value in (
        ("num_sequences", num_sequences),
        ("length", length),
        ("window", window),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or value < 1
        ):
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 2 <= window <= length:
        raise ValueError(f"window must be between 2 and T={length}, got {window}")
    values = rng.uniform(0.0, 1.0, size=(num_sequences, length))
    start, half = length - window, window // 2
    first = rng.integers(start, start + half, size=num_sequences)
    second = rng.integers(start + half, length, size=num_sequences)
    markers = np.zeros_like(values)
    rows = np.arange(num_sequences)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)  # (N, T, 2)
    y = values[rows, first] + values[rows, second]  # (N,)
    return x, y
