"""Batches of sequences of different lengths: padding, lengths, masks.

A batch array must be a rectangle, ``(N, T, D)``, but real sequences have
different lengths ``T_1, ..., T_N``. The usual fix has three parts:

* **pad** every sequence at its end up to ``T = max_n T_n`` with a filler value;
* keep a **lengths** vector ``(N,)`` saying how many steps of each row are real;
* derive a boolean **mask** ``(N, T)``, ``True`` on real steps and ``False`` on
  padding, so that losses and read-outs can ignore the padding.

Example::

    >>> padded, lengths = pad_sequences([np.ones((3, 1)), np.ones((1, 1))])
    >>> padded[..., 0]
    array([[1., 1., 1.],
           [1., 0., 0.]])
    >>> length_mask(lengths, 3)
    array([[ True,  True,  True],
           [ True, False, False]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_code.masking import check_lengths, length_mask
from course_code.shapes import check_numpy_array, check_positive_int, check_real, check_shape

__all__ = ["arithmetic_progression", "last_steps", "length_mask", "pad_sequences"]


def pad_sequences(sequences: Sequence, padding_value: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Stack sequences of different lengths into one batch, padding at the end.

    Args:
        sequences: ``N`` arrays, the ``n``-th of shape ``(T_n, D)`` with
            ``T_n >= 1`` and the same ``D`` for all. (A 1-D series of shape
            ``(T_n,)`` becomes ``(T_n, 1)`` with ``series[:, None]``.)
        padding_value: the number written into the steps after each sequence's end.

    Returns:
        ``(padded, lengths)``: ``padded`` of shape ``(N, T_max, D)``, where
        ``T_max = max_n T_n``, with ``padded[n, :T_n] == sequences[n]`` and
        ``padding_value`` elsewhere; ``lengths`` of shape ``(N,)``, integer
        ``T_n``. The dtype is the sequences' common floating-point dtype
        (``float64`` if they hold integers).

    Raises:
        ValueError: if there are no sequences, one is not 2-D or is empty, the
            ``D`` differ, or ``padding_value`` is not a real number.
    """
    check_real("padding_value", padding_value, allow_nan=True)
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence, got none")
    arrays = [np.asarray(s) for s in sequences]
    sizes: dict[str, int] = {}
    for n, array in enumerate(arrays):
        if array.ndim != 2:
            raise ValueError(
                f"sequences[{n}] must have shape (T_n, D), got shape {array.shape}"
                + ("; turn a 1-D series into one feature with series[:, None]" if array.ndim == 1 else "")
            )
        check_shape(f"sequences[{n}]", array, (None, "D"), sizes)
        if array.shape[0] == 0:
            raise ValueError(f"sequences[{n}] must have at least one time step, got shape {array.shape}")
        if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
            raise ValueError(f"sequences[{n}] must hold numbers, got dtype {array.dtype}")

    dtype = np.result_type(*arrays)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    lengths = np.array([array.shape[0] for array in arrays], dtype=np.int64)
    padded = np.full((len(arrays), int(lengths.max()), sizes["D"]), padding_value, dtype=dtype)
    for n, array in enumerate(arrays):
        padded[n, : array.shape[0]] = array
    return padded, lengths


def last_steps(values: np.ndarray, lengths) -> np.ndarray:
    """The value at each sequence's last *real* step, ``values[n, lengths[n] - 1]``.

    In a padded batch ``values[:, -1]`` is the last step of the longest
    sequence only; for shorter ones it lies in the padding. A many-to-one
    model must read this instead.

    Args:
        values: per-step values of a padded batch, ``(N, T, ...)`` (for example
            hidden states ``(N, T, H)`` or predictions ``(N, T)``).
        lengths: real lengths, integers in ``[1, T]``, ``(N,)``.

    Returns:
        An array of shape ``(N, ...)``: ``values`` without the time axis.

    Raises:
        ValueError: if ``values`` has fewer than 2 axes, ``lengths`` does not
            have shape ``(N,)``, or a length is outside ``[1, T]``.
    """
    check_numpy_array("values", values)
    if values.ndim < 2:
        raise ValueError(f"values must have shape (N, T, ...), got shape {values.shape}")
    lengths = check_lengths(lengths, T=values.shape[1], N=values.shape[0], minimum=1)
    return values[np.arange(values.shape[0]), lengths - 1]


def arithmetic_progression(start: float, step: float, length: int) -> np.ndarray:
    """The series ``start, start + step, ..., start + (length - 1) * step``.

    Args:
        start: the first value. step: the constant difference between neighbours.
        length: the number of values, a positive integer.

    Returns:
        A ``float64`` array of shape ``(length,)``; its natural next value is
        ``start + length * step``.

    Raises:
        ValueError: if ``length`` is not a positive integer, or ``start`` or
            ``step`` is not a real number.
    """
    for name, value in (("start", start), ("step", step)):
        check_real(name, value)
    length = check_positive_int("length", length)
    return start + step * np.arange(length, dtype=np.float64)
