"""Element-wise activations, their derivatives, and the bounds of those derivatives.

============  ===============================  ==================================  ===========================
function      formula                          derivative, from the output ``y``    range
============  ===============================  ==================================  ===========================
``sigmoid``   1 / (1 + exp(-z))                ``y (1 - y)``, at most 1/4           (0, 1)
``tanh``      (exp(2z) - 1) / (exp(2z) + 1)    ``1 - y^2``, at most 1               (-1, 1), zero-centred
``relu``      max(0, z)                        ``1`` where ``y > 0``, else ``0``    [0, inf): 0 for every z <= 0
``linear``    z                                ``1``                                all reals
============  ===============================  ==================================  ===========================

Each derivative is written in terms of the function's *output*, as a backward pass
uses it: the forward pass has already computed ``y = phi(z)``, and
``phi'(z)`` follows from ``y`` alone (``tanh'(z) = 1 - tanh(z)^2``). This is the one
module of the package that defines them; the RNN, LSTM, GRU and Jacobian code all
import from here.

The sigmoid is computed as ``(1 + tanh(z / 2)) / 2``, the same function: it never
overflows for large ``|z|`` and keeps the dtype (float32 stays float32).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVE_BOUND",
    "derivative_from_output",
    "linear",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, as ``(1 + tanh(z / 2)) / 2``: no overflow. Same shape as ``z``."""
    return 0.5 * np.tanh(0.5 * np.asarray(z)) + 0.5


def sigmoid_derivative(y: np.ndarray) -> np.ndarray:
    """``sigmoid'(z) = y (1 - y)`` from the output ``y = sigmoid(z)``. At most 1/4, at ``z = 0``."""
    return y * (1 - y)


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent. Same shape as ``z``."""
    return np.tanh(z)


def tanh_derivative(y: np.ndarray) -> np.ndarray:
    """``tanh'(z) = 1 - y^2`` from the output ``y = tanh(z)``. At most 1, at ``z = 0``."""
    return 1 - y * y


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``max(0, z)``. Same shape as ``z``."""
    return np.maximum(z, 0)


def relu_derivative(y: np.ndarray) -> np.ndarray:
    """``relu'(z)``: 1 where the output ``y = relu(z)`` is positive, else 0 (the choice at ``z = 0``)."""
    return (y > 0).astype(np.result_type(y, np.float32))


def linear(z: np.ndarray) -> np.ndarray:
    """The identity, ``z`` itself."""
    return z


def _linear_derivative(y: np.ndarray) -> np.ndarray:
    return np.ones_like(y)


ACTIVATIONS = {"tanh": tanh, "relu": relu}
"""The recurrent nonlinearities ``torch.nn.RNN`` accepts, by its names for them."""

_DERIVATIVES = {"sigmoid": sigmoid_derivative, "tanh": tanh_derivative, "relu": relu_derivative,
                "linear": _linear_derivative}

DERIVATIVE_BOUND = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}
"""``gamma``: the largest value of ``|phi'|`` for each activation."""


def derivative_from_output(name: str, y: np.ndarray) -> np.ndarray:
    """``phi'(z)`` of the activation called ``name``, from its output ``y = phi(z)``.

    Raises:
        ValueError: if ``name`` is not one of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"linear"``.
    """
    if name not in _DERIVATIVES:
        raise ValueError(f"name must be one of {sorted(_DERIVATIVES)}, got {name!r}")
    return _DERIVATIVES[name](y)
