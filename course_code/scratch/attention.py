"""Additive (Bahdanau) attention in NumPy: scores, masked softmax, context vector.

For one decoder step, a query ``q`` (the decoder's state, ``(H_q,)``) is compared
with every key ``k_s`` (the encoder's state at source position ``s``, ``(H_k,)``)::

    e_s     = v^T tanh(W_q q + W_k k_s + b)        the score of position s
    alpha_s = exp(e_s) / sum_{s'} exp(e_{s'})       softmax over the source positions
    c       = sum_s alpha_s k_s                     the context vector, (H_k,)

Padded positions (``mask[s] = False``) get the score ``-inf``, so their weight is
exactly 0 and the weights of the real positions still sum to 1.

Shapes (batch-first; ``S`` is the source length, ``A`` the attention size)::

    query (N, H_q)   keys (N, S, H_k)   W_q (A, H_q)   W_k (A, H_k)   v (A,)   b (A,)
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import check_float_dtype, check_numpy_arrays, check_shape

__all__ = ["additive_attention_scores", "attention_context", "masked_softmax"]


def additive_attention_scores(query: np.ndarray, keys: np.ndarray, W_q: np.ndarray, W_k: np.ndarray,
                              v: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """The score ``e[n, s] = v . tanh(W_q query[n] + W_k keys[n, s] + b)`` of every source position.

    Args:
        query: ``(N, H_q)``. keys: ``(N, S, H_k)``. W_q: ``(A, H_q)``. W_k: ``(A, H_k)``.
        v: ``(A,)``. b: ``(A,)`` or ``None`` for no bias.

    Returns:
        scores ``(N, S)``.

    Raises:
        ValueError: if the shapes do not fit together.
    """
    sizes: dict[str, int] = {}
    check_shape("query", query, ("N", "H_q"), sizes)
    check_shape("keys", keys, ("N", "S", "H_k"), sizes)
    check_shape("W_q", W_q, ("A", "H_q"), sizes)
    check_shape("W_k", W_k, ("A", "H_k"), sizes)
    check_shape("v", v, ("A",), sizes)
    if b is not None:
        check_shape("b", b, ("A",), sizes)
    check_float_dtype(query=query, keys=keys, W_q=W_q, W_k=W_k, v=v)
    projected = keys @ W_k.T + (query @ W_q.T)[:, None, :]  # (N, S, A): the query broadcast over s
    if b is not None:
        projected = projected + b
    return np.tanh(projected) @ v  # (N, S)


def masked_softmax(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Softmax over the source axis (the last), with weight 0 on masked-out positions.

    Args:
        scores: ``(N, S)``. mask: booleans ``(N, S)``, ``True`` on real positions;
            every row needs at least one.

    Returns:
        weights ``(N, S)``: non-negative, each row sums to 1, 0 where ``mask`` is false.

    Raises:
        ValueError: on mismatched shapes, a non-boolean mask or a row with no real position.
    """
    check_numpy_arrays(scores=scores, mask=mask)
    sizes = check_shape("scores", scores, ("N", "S"))
    check_shape("mask", mask, ("N", "S"), sizes)
    if np.asarray(mask).dtype != bool:
        raise ValueError(f"mask must be boolean, got dtype {np.asarray(mask).dtype}")
    if not mask.any(axis=1).all():
        empty = np.flatnonzero(~mask.any(axis=1)).tolist()
        raise ValueError(f"every row of mask needs a real position; rows {empty} have none")
    masked = np.where(mask, scores, -np.inf)
    shifted = masked - masked.max(axis=1, keepdims=True)  # the largest real score becomes 0
    e = np.exp(shifted)  # exp(-inf) = 0 at padding
    return e / e.sum(axis=1, keepdims=True)


def attention_context(scores: np.ndarray, keys: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn scores into attention weights and read the context vector.

    Args:
        scores: ``(N, S)``. keys: ``(N, S, H_k)``. mask: booleans ``(N, S)``.

    Returns:
        ``(weights (N, S), context (N, H_k))`` with ``context[n] = sum_s weights[n, s] keys[n, s]``.

    Raises:
        ValueError: as :func:`masked_softmax`, or if keys does not fit.
    """
    check_numpy_arrays(scores=scores, keys=keys, mask=mask)
    sizes = check_shape("scores", scores, ("N", "S"))
    check_shape("keys", keys, ("N", "S", "H_k"), sizes)
    weights = masked_softmax(scores, mask)
    context = np.einsum("ns,nsh->nh", weights, keys)  # a weighted sum over the source positions
    return weights, context
