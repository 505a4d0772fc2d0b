"""PyTorch's default initialisation of recurrent layers, for the NumPy implementations.

``torch.nn.RNN``, ``GRU`` and ``LSTM`` draw every weight and bias uniformly from
``[-1/sqrt(H), 1/sqrt(H)]``. :func:`uniform_drawer` checks the sizes and returns
a function that draws arrays of any shape from that range, in the order it is
called, so each ``init_*_params`` reads as the list of its arrays.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
    """
    for name, value in {**sizes, "hidden_size": hidden_size}.items():
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    return draw
