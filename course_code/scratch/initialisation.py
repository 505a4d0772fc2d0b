"""PyTorch's default initialisation of recurrent layers, for the NumPy implementations.

``torch.nn.RNN``, ``GRU`` and ``LSTM`` draw every weight and bias uniformly from
``[-1/sqrt(H), 1/sqrt(H)]``. :func:`uniform_drawer` checks the sizes and returns
a function that draws arrays of any shape from that range, in the order it is
called, so each ``init_*_params`` reads as the list of its arrays.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_code.shapes import ArgumentTypeError, check_generator, check_positive_int

__all__ = ["uniform_drawer"]


def uniform_drawer(hidden_size: int, rng: np.random.Generator, dtype=np.float64, **sizes: int) -> Callable[..., np.ndarray]:
    """Return ``draw(*shape)``, uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` with ``H = hidden_size``.

    Args:
        hidden_size: ``H``.
        rng: the source of randomness, e.g. ``np.random.default_rng(0)``.
        dtype: floating-point dtype of every array drawn.
        **sizes: the other sizes of the layer (e.g. ``input_size=D``), checked with ``hidden_size``.

    Raises:
        ValueError: if a size is not a positive integer.
        TypeError: if ``rng`` is not a ``np.random.Generator`` or ``dtype`` is not a
            floating-point dtype (integer weights would all round to zero).
    """
    for name, value in {**sizes, "hidden_size": hidden_size}.items():
        check_positive_int(name, value)
    check_generator("rng", rng)
    try:
        floating = np.issubdtype(np.dtype(dtype), np.floating)
    except TypeError:
        floating = False
    if not floating:
        raise ArgumentTypeError(f"dtype must be a floating-point dtype such as np.float64, got {dtype!r}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    return draw
