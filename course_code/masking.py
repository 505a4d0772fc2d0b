"""Which steps of a padded batch are real: lengths, checked, and the masks made from them.

A padded batch ``(N, T, ...)`` holds ``lengths[n]`` real steps in row ``n``,
followed by padding. The mask says which steps are real::

    mask[n, t] = t < lengths[n]                                   (N, T) booleans

Everything in the package that reads a padded batch **selects** the real steps
with the mask; nothing multiplies by it. Multiplying lets the padding in
(``0 * nan`` is ``nan``, and in a backward pass ``0 * inf`` poisons every
gradient); selecting means padded values never enter a computation, whatever
they hold.

A row with no real step (length 0) has nothing to compute. Recurrent layers
and attention need at least one real step in each row and raise ``ValueError``
for a row without one, in NumPy and torch alike (pass ``minimum=1``); losses
skip such a row and raise only when no row of the batch has a real step.

This module sits at the bottom of the package, below ``data/``, ``scratch/``
and ``nn/``, which all use it. It imports torch only in :func:`steps_mask`.
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import ArgumentTypeError, check_positive_int, check_shape

__all__ = ["check_lengths", "length_mask", "steps_mask"]


def check_lengths(lengths, T: int | None = None, N: int | None = None, minimum: int = 0) -> np.ndarray:
    """Return ``lengths`` as a 1-D ``int64`` NumPy array after checking it; else raise.

    Args:
        lengths: the real lengths, ``(N,)``: a NumPy integer array, a list of ints,
            or an integer torch tensor.
        T: the padded length; every length must be at most ``T``. ``None``: no upper bound.
        N: the batch size the lengths must match, or ``None``.
        minimum: the smallest allowed length (0, or 1 where every row needs a real step).

    Raises:
        ArgumentTypeError: if the lengths are not integers (floats are not truncated,
            booleans are not lengths).
        ValueError: if the shape is not ``(N,)`` or a length lies outside ``[minimum, T]``.
    """
    if hasattr(lengths, "detach"):  # a torch tensor
        lengths = lengths.detach().cpu().numpy()
    array = np.asarray(lengths)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ArgumentTypeError(f"lengths must hold integers, got dtype {array.dtype}")
    check_shape("lengths", array, ("N",), {} if N is None else {"N": N})
    array = array.astype(np.int64)
    if array.size:
        low, high = int(array.min()), int(array.max())
        if low < minimum or (T is not None and high > T):
            upper = "T" if T is None else f"T={T}"
            raise ValueError(f"lengths must lie in [{minimum}, {upper}], got values from {low} to {high}")
    return array


def length_mask(lengths, T: int) -> np.ndarray:
    """Which steps of a padded batch are real: ``mask[n, t] = t < lengths[n]``.

    Args:
        lengths: the number of real steps of each sequence, integers, ``(N,)``.
        T: the number of steps of the padded batch; at least ``max(lengths)``.

    Returns:
        A boolean array of shape ``(N, T)``. ``mask.sum(axis=1)`` equals ``lengths``.

    Raises:
        ValueError: if ``lengths`` is not a 1-D integer array of non-negative
            values, ``T`` is not a non-negative integer, or a length exceeds ``T``.
    """
    T = check_positive_int("T", T, minimum=0)
    lengths = check_lengths(lengths, T=T)
    return np.arange(T)[None, :] < lengths[:, None]


def steps_mask(lengths, T: int, N: int | None = None):
    """The torch version of :func:`length_mask` for recurrent layers: ``(N, T)`` booleans.

    Every row must have at least one real step: ``lengths`` in ``[1, T]``.

    Args:
        lengths: real lengths ``(N,)``, an integer tensor (or array, or list).
        T: the padded length.
        N: the batch size the lengths must match, or ``None``.

    Returns:
        ``mask[n, t] = t < lengths[n]``, a ``torch.bool`` tensor on the device of ``lengths``.

    Raises:
        ValueError: as :func:`check_lengths` with ``minimum=1``.
    """
    import torch

    device = lengths.device if isinstance(lengths, torch.Tensor) else None
    checked = torch.from_numpy(check_lengths(lengths, T=T, N=N, minimum=1)).to(device)
    return torch.arange(T, device=device)[None, :] < checked[:, None]
