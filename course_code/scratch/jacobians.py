"""How a change in an early hidden state reaches a later one: the Jacobians dh_T/dh_k.

For ``h_t = phi(a_t)``, ``a_t = W_xh x_t + W_hh h_{t-1} + b_h``, one step's Jacobian is

    dh_t/dh_{t-1} = diag(phi'(a_t)) W_hh,

and ``dh_T/dh_k`` is the product of the steps ``k+1 .. T``. Its norm against
``T - k`` shows whether gradients vanish (shrink geometrically) or explode.
Since ``|phi'| <= gamma`` (1 for tanh and ReLU, 1/4 for the sigmoid),

    ||dh_T/dh_k|| <= (gamma * ||W_hh||)^(T - k),

the bound of Pascanu et al. (2013): if ``gamma * ||W_hh|| < 1`` they must vanish.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_code.scratch.activations import (
    DERIVATIVE_BOUND,
    derivative_from_output,
    linear,
    relu,
    sigmoid,
    tanh,
)
from course_code.shapes import (
    check_generator,
    check_numpy_array,
    check_numpy_arrays,
    check_positive_int,
    check_positive_real,
    check_real,
    check_shape,
)

__all__ = [
    "ACTIVATION_DERIVATIVE_BOUND",
    "GradientFate",
    "gradient_fate",
    "hidden_jacobian_norms",
    "jacobian_norm_bound",
    "matrix_with_spectral_radius",
    "power_iteration_states",
    "spectral_radius",
    "symmetric_matrix_with_eigenvalues",
]


_ACTIVATIONS = {"tanh": tanh, "sigmoid": sigmoid, "relu": relu, "linear": linear}

ACTIVATION_DERIVATIVE_BOUND = DERIVATIVE_BOUND
"""``gamma``: the largest value of ``|phi'|`` for each activation (from :mod:`course_code.scratch.activations`)."""


def spectral_radius(W: np.ndarray) -> float:
    """Largest absolute eigenvalue of a square matrix."""
    check_shape("W", W, ("H", "H"))
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def matrix_with_spectral_radius(size: int, radius: float, rng: np.random.Generator) -> np.ndarray:
    """A random Gaussian ``(size, size)`` matrix rescaled to the given spectral radius."""
    size = check_positive_int("size", size)
    check_generator("rng", rng)
    check_positive_real("radius", radius)
    W = rng.standard_normal((size, size))
    return W * (radius / spectral_radius(W))


def symmetric_matrix_with_eigenvalues(eigenvalues, rng: np.random.Generator) -> np.ndarray:
    """``Q diag(eigenvalues) Q^T`` with a random orthogonal ``Q``: a symmetric ``(H, H)`` matrix.

    Args:
        eigenvalues: ``(H,)`` real numbers, the eigenvalues to give the matrix.
        rng: draws ``Q`` (the QR decomposition of a Gaussian matrix, signs fixed).

    Returns:
        ``(H, H)``; column ``i`` of ``Q`` is the eigenvector of ``eigenvalues[i]``.
    """
    check_generator("rng", rng)
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    check_shape("eigenvalues", eigenvalues, ("H",))
    size = len(eigenvalues)
    Q, R = np.linalg.qr(rng.standard_normal((size, size)))
    Q = Q * np.where(np.diag(R) < 0, -1.0, 1.0)  # a uniformly random orthogonal matrix
    return (Q * eigenvalues) @ Q.T


def power_iteration_states(W: np.ndarray, h0: np.ndarray, steps: int) -> np.ndarray:
    """The linear recurrence ``h_t = W^T h_{t-1}``, i.e. ``h_t = (W^t)^T h_0``, for ``t = 0..steps``.

    Returns:
        ``(steps + 1, H)``: row ``t`` is ``h_t``. Its direction turns towards the
        leading eigenvector and its norm scales like ``spectral_radius(W) ** t``.
    """
    sizes = check_shape("W", W, ("H", "H"))
    check_shape("h0", h0, ("H",), sizes)
    states = [np.asarray(h0, dtype=float)]
    for _ in range(steps):
        states.append(W.T @ states[-1])
    return np.stack(states)


def hidden_jacobian_norms(
    x: np.ndarray,
    h0: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b_h: np.ndarray,
    nonlinearity: str = "tanh",
) -> np.ndarray:
    """Spectral norms ``||dh_T/dh_k||_2`` for ``k = 0 .. T`` along one sequence.

    Args:
        x: one input sequence, ``(T, D)``.
        h0: its initial state, ``(H,)``.
        W_xh: ``(H, D)``. W_hh: ``(H, H)``. b_h: ``(H,)``.
        nonlinearity: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``.

    Returns:
        ``(T + 1,)``: entry ``k`` is the norm of the Jacobian of the last state
        with respect to ``h_k``; entry ``T`` is 1 (the identity).
    """
    check_numpy_arrays(x=x, h0=h0, W_xh=W_xh, W_hh=W_hh, b_h=b_h)
    sizes = check_shape("x", x, ("T", "D"))
    check_shape("h0", h0, ("H",), sizes)
    check_shape("W_xh", W_xh, ("H", "D"), sizes)
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    check_shape("b_h", b_h, ("H",), sizes)
    if nonlinearity not in _ACTIVATIONS:
        raise ValueError(f"nonlinearity must be one of {sorted(_ACTIVATIONS)}, got {nonlinearity!r}")
    phi = _ACTIVATIONS[nonlinearity]
    T, H = sizes["T"], sizes["H"]

    step_jacobians = []  # dh_t/dh_{t-1} for t = 1..T
    h = np.asarray(h0, dtype=float)
    for t in range(T):
        h = phi(W_xh @ x[t] + W_hh @ h + b_h)  # h_t = phi(a_t)
        phi_prime = derivative_from_output(nonlinearity, h)  # phi'(a_t), from h_t
        step_jacobians.append(phi_prime[:, None] * W_hh)  # diag(phi'(a_t)) W_hh

    norms = np.empty(T + 1)
    product = np.eye(H)  # dh_T/dh_T
    norms[T] = 1.0
    for k in reversed(range(T)):  # dh_T/dh_k = dh_T/dh_{k+1} @ dh_{k+1}/dh_k
        product = product @ step_jacobians[k]
        norms[k] = np.linalg.norm(product, ord=2)
    return norms


def jacobian_norm_bound(W_hh: np.ndarray, nonlinearity: str, distances) -> np.ndarray:
    """Pascanu et al.'s bound ``(gamma ||W_hh||_2)^(T - k)`` on ``||dh_T/dh_k||_2``.

    Each step's Jacobian ``diag(phi'(a_t)) W_hh`` has spectral norm at most
    ``gamma ||W_hh||_2`` (``gamma`` from :data:`ACTIVATION_DERIVATIVE_BOUND`),
    and the norm of a product is at most the product of the norms.

    Args:
        W_hh: ``(H, H)``.
        nonlinearity: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``.
        distances: ``T - k`` values, any shape of non-negative integers.

    Returns:
        The bound for each distance, same shape as ``distances``.
    """
    check_numpy_array("W_hh", W_hh)
    check_shape("W_hh", W_hh, ("H", "H"))
    if nonlinearity not in ACTIVATION_DERIVATIVE_BOUND:
        raise ValueError(f"nonlinearity must be one of {sorted(ACTIVATION_DERIVATIVE_BOUND)}, got {nonlinearity!r}")
    distances = np.asarray(distances)
    if (distances < 0).any():
        raise ValueError("distances T - k must be non-negative")
    per_step = ACTIVATION_DERIVATIVE_BOUND[nonlinearity] * np.linalg.norm(W_hh, ord=2)
    return per_step ** distances.astype(float)


class GradientFate(NamedTuple):
    """What the eigenvalues of ``W_hh`` predict for a linear recurrence ``h_t = W_hh h_{t-1}``."""

    radius: float  # the spectral radius rho: ||dh_T/dh_k|| = ||W_hh^(T-k)|| grows like rho^(T-k)
    vanishes: bool  # rho < 1: the Jacobians shrink to zero geometrically
    explodes: bool  # rho > 1: they grow without bound


def gradient_fate(W_hh: np.ndarray, tolerance: float = 1e-6) -> GradientFate:
    """Predict from the eigenvalues of ``W_hh`` whether ``dh_T/dh_k = W_hh^(T-k)`` vanishes or explodes.

    For large ``T - k``, ``||W^(T-k)||^(1/(T-k))`` tends to the spectral radius
    ``rho`` (Gelfand's formula), whatever the norm. So the gradients of the linear
    recurrence vanish if ``rho < 1`` and explode if ``rho > 1``; with ``rho = 1``
    (within ``tolerance``, e.g. an orthogonal matrix) they do neither
    geometrically. Note that ``||W_hh||_2 > 1`` alone does not make them explode.

    Args:
        W_hh: ``(H, H)``, real.
        tolerance: how far from 1 the radius must be to count as inside or outside the unit circle.
    """
    check_numpy_array("W_hh", W_hh)
    check_shape("W_hh", W_hh, ("H", "H"))
    check_real("tolerance", tolerance, low=0.0)
    radius = spectral_radius(W_hh)
    return GradientFate(radius, radius < 1 - tolerance, radius > 1 + tolerance)
