"""Multi-head scaled dot-product self-attention in NumPy, forward and backward.

Every position of a sequence ``x_1 ... x_T`` (rows of ``X``, ``(T, E)``) asks a
question of every position of the same sequence. With learned maps
``Q = X W_q^T + b_q``, ``K = X W_k^T + b_k`` and ``V = X W_v^T + b_v``, split into
``h`` heads of ``d = E / h`` columns each, head ``j`` computes::

    scores_j = Q_j K_j^T / sqrt(d)                           (T, T)
    A_j      = softmax over the last axis of scores_j         each row sums to 1
    O_j      = A_j V_j                                        (T, d)

and the layer returns ``Y = [O_1 ... O_h] W_o^T + b_o``, ``(T, E)``. Two masks set
scores to ``-inf`` before the softmax: a *key mask* hides padded positions (a query
gives them weight 0), and the *causal mask* hides every position after the query
(``s > t``), so that position ``t`` reads only ``x_1 ... x_t``.

No step depends on the previous one: all ``T`` positions are computed by the same
matrix products at once. Without positions in ``X`` the layer is *permutation
equivariant*: permuting the rows of ``X`` permutes the rows of ``Y`` in the same way
(and nothing else), which :func:`sinusoidal_positions` is there to break.

The parameters are stored as ``torch.nn.MultiheadAttention`` stores them:
``W_in = [W_q; W_k; W_v]`` ``(3E, E)``, ``b_in`` ``(3E,)``, ``W_out`` ``(E, E)``,
``b_out`` ``(E,)``. :mod:`course_code.nn.self_attention` is the same layer in torch.
Shapes are batch-first: ``X`` is ``(N, T, E)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_code.shapes import (
    check_float_dtype,
    check_generator,
    check_positive_int,
    check_shape,
)

__all__ = [
    "SelfAttentionCache",
    "causal_mask",
    "init_self_attention_params",
    "self_attention_backward",
    "self_attention_forward",
    "sinusoidal_positions",
]


def causal_mask(T: int) -> np.ndarray:
    """Booleans ``(T, T)``, ``True`` where query ``t`` may read key ``s``: ``s <= t``."""
    T = check_positive_int("T", T)
    return np.tril(np.ones((T, T), dtype=bool))


def sinusoidal_positions(T: int, E: int) -> np.ndarray:
    """The sinusoidal positional encodings of Vaswani et al. (2017), ``(T, E)``.

    Position ``t = 0 .. T-1`` gets ``sin(t / 10000^(2i/E))`` in column ``2i`` and
    ``cos(t / 10000^(2i/E))`` in column ``2i + 1``: one sinusoid per pair of columns,
    with wavelengths from ``2 pi`` to ``10000 * 2 pi``.

    Raises:
        ValueError: unless ``T >= 1`` and ``E`` is an even integer ``>= 2``.
    """
    T = check_positive_int("T", T)
    E = check_positive_int("E", E, minimum=2, what="an even integer >= 2")
    if E % 2:
        raise ValueError(f"E must be an even integer >= 2, got {E!r}")
    t = np.arange(T, dtype=np.float64)[:, None]  # (T, 1)
    frequencies = 10000.0 ** (-np.arange(0, E, 2, dtype=np.float64) / E)  # (E/2,)
    encoding = np.empty((T, E))
    encoding[:, 0::2] = np.sin(t * frequencies)
    encoding[:, 1::2] = np.cos(t * frequencies)
    return encoding


def init_self_attention_params(E: int, rng: np.random.Generator,
                               dtype=np.float64) -> dict[str, np.ndarray]:
    """Random parameters ``W_in (3E, E)``, ``b_in (3E,)``, ``W_out (E, E)``, ``b_out (E,)``.

    Weights are uniform on ``±sqrt(6 / (E + E))`` (Glorot), biases small and non-zero
    so that the tests exercise them.
    """
    E = check_positive_int("E", E)
    check_generator("rng", rng)
    bound = np.sqrt(6.0 / (2 * E))
    return {
        "W_in": rng.uniform(-bound, bound, (3 * E, E)).astype(dtype),
        "b_in": rng.uniform(-0.1, 0.1, 3 * E).astype(dtype),
        "W_out": rng.uniform(-bound, bound, (E, E)).astype(dtype),
        "b_out": rng.uniform(-0.1, 0.1, E).astype(dtype),
    }


class SelfAttentionCache(NamedTuple):
    """What the backward pass needs from the forward pass (shapes with heads ``h``)."""

    x: np.ndarray  # (N, T, E)
    q: np.ndarray  # (N, h, T, d)
    k: np.ndarray  # (N, h, T, d)
    v: np.ndarray  # (N, h, T, d)
    weights: np.ndarray  # (N, h, T, T), the softmax A
    concat: np.ndarray  # (N, T, E), [O_1 ... O_h]
    W_in: np.ndarray
    W_out: np.ndarray


def _allowed(mask, causal: bool, N: int, T: int) -> np.ndarray | None:
    """Booleans broadcastable to ``(N, 1, T, T)``: where a query may read a key."""
    allowed = None
    if mask is not None:
        allowed = mask[:, None, None, :]  # (N, 1, 1, T): a key is readable if it is real
    if causal:
        future = causal_mask(T)[None, None]  # (1, 1, T, T)
        allowed = future if allowed is None else allowed & future
    return allowed


def self_attention_forward(x: np.ndarray, W_in: np.ndarray, b_in: np.ndarray,
                           W_out: np.ndarray, b_out: np.ndarray, num_heads: int,
                           mask: np.ndarray | None = None,
                           causal: bool = False) -> tuple[np.ndarray, SelfAttentionCache]:
    """Multi-head self-attention of a batch of sequences.

    Args:
        x: ``(N, T, E)``.
        W_in: ``(3E, E)``, the rows of ``W_q``, ``W_k``, ``W_v`` stacked.
        b_in: ``(3E,)``.
        W_out: ``(E, E)``.
        b_out: ``(E,)``.
        num_heads: ``h``, a divisor of ``E``.
        mask: booleans ``(N, T)``, ``True`` on real positions, or ``None``: padded keys
            get weight 0 (padded queries still get an output, which callers ignore).
        causal: hide the future: query ``t`` reads keys ``s <= t`` only.

    Returns:
        ``(y (N, T, E), cache)``.

    Raises:
        ValueError: on shapes that do not fit, ``h`` not dividing ``E``, a non-boolean
            mask or a row of ``mask`` with no real position.
    """
    sizes = check_shape("x", x, ("N", "T", "E"))
    E = sizes["E"]
    check_shape("W_in", W_in, (3 * E, E), sizes)
    check_shape("b_in", b_in, (3 * E,), sizes)
    check_shape("W_out", W_out, (E, E), sizes)
    check_shape("b_out", b_out, (E,), sizes)
    check_float_dtype(x=x, W_in=W_in, b_in=b_in, W_out=W_out, b_out=b_out)
    divisor = f"a positive divisor of E={E}"
    num_heads = check_positive_int("num_heads", num_heads, what=divisor)
    if E % num_heads:
        raise ValueError(f"num_heads must be {divisor}, got {num_heads!r}")
    N, T = sizes["N"], sizes["T"]
    if mask is not None:
        check_shape("mask", mask, ("N", "T"), sizes)
        if np.asarray(mask).dtype != bool:
            raise ValueError(f"mask must be boolean (True on real positions), "
                             f"got dtype {np.asarray(mask).dtype}")
        if not mask.any(axis=1).all():
            raise ValueError("every row of mask needs at least one real position")
    h, d = num_heads, E // num_heads
    projected = x @ W_in.T + b_in  # (N, T, 3E)
    heads = projected.reshape(N, T, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, N, h, T, d)
    q, k, v = heads[0], heads[1], heads[2]
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)  # (N, h, T, T)
    allowed = _allowed(mask, causal, N, T)
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)  # every row has a real key
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)  # (N, h, T, T)
    out = weights @ v  # (N, h, T, d)
    concat = out.transpose(0, 2, 1, 3).reshape(N, T, E)  # heads side by side
    y = concat @ W_out.T + b_out
    return y, SelfAttentionCache(x, q, k, v, weights, concat, W_in, W_out)


def self_attention_backward(dy: np.ndarray, cache: SelfAttentionCache) -> dict[str, np.ndarray]:
    """Gradients of a scalar loss through :func:`self_attention_forward`.

    Args:
        dy: ``dL/dy``, ``(N, T, E)``.
        cache: from the forward pass.

    Returns:
        ``{"x", "W_in", "b_in", "W_out", "b_out"}``: ``dL/d`` each, shaped like it.
        Masked scores had weight exactly 0 and receive no gradient.
    """
    x, q, k, v, weights, concat, W_in, W_out = cache
    check_shape("dy", dy, x.shape)
    N, h, T, d = q.shape
    E = h * d
    grads = {"W_out": np.einsum("nti,ntj->ij", dy, concat), "b_out": dy.sum(axis=(0, 1))}
    d_concat = dy @ W_out  # (N, T, E)
    d_out = d_concat.reshape(N, T, h, d).transpose(0, 2, 1, 3)  # (N, h, T, d)
    d_weights = d_out @ v.transpose(0, 1, 3, 2)  # (N, h, T, T)
    d_v = weights.transpose(0, 1, 3, 2) @ d_out  # (N, h, T, d)
    # softmax backward, row by row: dS = A * (dA - sum_s A dA)
    d_scores = weights * (d_weights - (weights * d_weights).sum(axis=-1, keepdims=True))
    d_scores = d_scores / np.sqrt(d)
    d_q = d_scores @ k  # (N, h, T, d)
    d_k = d_scores.transpose(0, 1, 3, 2) @ q  # (N, h, T, d)
    d_heads = np.stack([d_q, d_k, d_v])  # (3, N, h, T, d)
    d_projected = d_heads.transpose(1, 3, 0, 2, 4).reshape(N, T, 3 * E)  # (N, T, 3E)
    grads["W_in"] = np.einsum("nti,ntj->ij", d_projected, x)
    grads["b_in"] = d_projected.sum(axis=(0, 1))
    grads["x"] = d_projected @ W_in
    return grads
