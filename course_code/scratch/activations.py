"""Element-wise activations and their ranges.

============  ===============================  ==================
function      formula                          range
============  ===============================  ==================
``sigmoid``   1 / (1 + exp(-z))                (0, 1)
``tanh``      (exp(2z) - 1) / (exp(2z) + 1)    (-1, 1), zero-centred
``relu``      max(0, z)                        [0, inf): non-negative, and 0 for every z <= 0
============  ===============================  ==================
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIVATIONS", "relu", "sigmoid", "tanh"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, computed without overflow for large ``|z|``. Same shape as ``z``."""
    z = np.asarray(z)
    out = np.empty_like(z, dtype=np.result_type(z.dtype, np.float32))
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent. Same shape as ``z``."""
    return np.tanh(z)


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``max(0, z)``. Same shape as ``z``."""
    return np.maximum(z, 0)


ACTIVATIONS = {"tanh": tanh, "relu": relu}
"""The recurrent nonlinearities ``torch.nn.RNN`` accepts, by its names for them."""
