"""One shape vocabulary for the whole package, and the check that enforces it.

Every docstring in ``course_code`` writes shapes with these letters:

====  =========================================================
N     batch size (number of sequences processed together)
T     number of time steps
D     input features per time step
H     hidden units (size of the hidden state)
V     output size (vocabulary size for language models)
L     number of stacked layers
====  =========================================================

Arrays are **batch-first**: a batch of sequences has shape ``(N, T, D)``, as in
``torch.nn.RNN(..., batch_first=True)``. PyTorch's default layout is time-first,
``(T, N, D)``; ``x.transpose(0, 1)`` moves between the two.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["check_shape", "check_float_dtype"]

Axis = int | str | None


def _spell(expected: Sequence[Axis], sizes: dict[str, int]) -> str:
    parts = []
    for axis in expected:
        if axis is None:
            parts.append("?")
        elif isinstance(axis, str) and axis in sizes:
            parts.append(f"{axis}={sizes[axis]}")
        else:
            parts.append(str(axis))
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_shape(name: str, array, expected: Sequence[Axis], sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Check that ``array`` has the ``expected`` shape; return the sizes of the letters.

    ``expected`` holds one entry per axis: an ``int`` (exactly that size), a
    letter such as ``"N"`` (any size, the same for every use of the letter), or
    ``None`` (any size). Pass one ``sizes`` dict to several calls so that a
    letter keeps its meaning across arguments; it is updated in place::

        sizes = {}
        check_shape("x", x, ("N", "T", "D"), sizes)
        check_shape("W_xh", W_xh, ("H", "D"), sizes)   # D must equal x's D

    Raises:
        ValueError: naming the argument, the expected shape (with the sizes
            already known filled in) and the actual shape.

    Example:
        >>> check_shape("x", np.zeros((2, 5, 3)), ("N", "T", "D"))
        {'N': 2, 'T': 5, 'D': 3}
    """
    sizes = {} if sizes is None else sizes
    if not hasattr(array, "shape"):
        raise ValueError(
            f"{name} must be an array of shape {_spell(expected, sizes)}, got {type(array).__name__}"
        )
    actual = tuple(array.shape)
    problem = None
    if len(actual) != len(expected):
        problem = f"{len(actual)} dimensions"
    else:
        new: dict[str, int] = {}
        for size, axis in zip(actual, expected):
            if isinstance(axis, str):
                want = sizes.get(axis, new.get(axis))
                if want is not None and want != size:
                    problem = f"{axis}={size} where {axis}={want} was expected"
                    break
                new[axis] = size
            elif axis is not None and axis != size:
                problem = f"size {size} where {axis} was expected"
                break
    if problem is not None:
        raise ValueError(
            f"{name} must have shape {_spell(expected, sizes)}, got shape {actual} ({problem})"
        )
    sizes.update(new)
    return sizes


def check_float_dtype(**arrays) -> np.dtype:
    """Check that the keyword arrays are all floating point of one dtype; return it.

    Raises:
        ValueError: if an array is not floating point, or the dtypes differ.
    """
    dtypes = {}
    for name, array in arrays.items():
        dtype = np.asarray(array).dtype
        if not np.issubdtype(dtype, np.floating):
            raise ValueError(f"{name} must be a floating-point array, got dtype {dtype}")
        dtypes[name] = dtype
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{k}: {v}" for k, v in dtypes.items())
        raise ValueError(f"all arrays must share one floating-point dtype, got {listed}")
    return next(iter(dtypes.values()))
