"""Sampling from a character model in NumPy, with a temperature and explicit random numbers.

Three pieces, each the NumPy counterpart of what :mod:`course_code.models.sampling`
does with torch:

* :func:`softmax_with_temperature`: the distribution ``softmax(l / tau)``;
* :func:`inverse_cdf_sample`: one draw per row from a distribution, given one
  uniform number per row (the smallest class whose cumulative probability
  exceeds the uniform);
* :func:`sample_char_rnn`: generation from an embedding -> vanilla RNN ->
  linear model (:class:`~course_code.models.CharRNN`'s equations), feeding
  each sampled character back in.

The random numbers are arguments, not drawn inside: the same uniforms give
the same text, which makes the functions testable and gradeable, and shows
that all the randomness of sampling is in those numbers.
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.losses import softmax
from course_code.shapes import check_ids, check_positive_real, check_shape

__all__ = ["inverse_cdf_sample", "sample_char_rnn", "softmax_with_temperature"]


def softmax_with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(logits / temperature)`` over the last axis, computed stably.

    ``temperature = 1`` is the model's own distribution; below 1 it is sharper
    (towards ``argmax``), above 1 flatter (towards uniform).

    Args:
        logits: ``(..., V)``, e.g. ``(N, V)``.
        temperature: ``tau > 0``, a number or a 0-d array.

    Returns:
        Probabilities of the shape of ``logits``; each row sums to 1.

    Raises:
        ValueError: if ``temperature`` is not a positive number.
    """
    tau = check_positive_real("temperature", temperature)
    return softmax(np.asarray(logits, dtype=np.float64) / tau, axis=-1)


def inverse_cdf_sample(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Draw one class per row: the smallest ``v`` with ``u < p_0 + ... + p_v``.

    If ``u`` is uniform on ``[0, 1)``, class ``v`` is drawn with probability
    ``p_v``: the interval ``[p_0 + ... + p_(v-1), p_0 + ... + p_v)`` has that
    length. A class of probability 0 owns an empty interval and is never drawn.

    Args:
        probabilities: ``(N, V)``, non-negative rows summing to 1.
        uniforms: ``(N,)``, numbers in ``[0, 1)``.

    Returns:
        ``int64`` class ids ``(N,)``.

    Raises:
        ValueError: on wrong shapes, negative probabilities, rows not summing
            to 1 (tolerance 1e-6), or uniforms outside ``[0, 1)`` (or NaN).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    uniforms = np.asarray(uniforms, dtype=np.float64)
    sizes = check_shape("probabilities", probabilities, ("N", "V"))
    check_shape("uniforms", uniforms, ("N",), sizes)
    if (probabilities < 0).any() or not np.allclose(probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-6):
        raise ValueError("probabilities must be non-negative with rows summing to 1")
    if not ((uniforms >= 0) & (uniforms < 1)).all():  # written so that NaN fails too
        raise ValueError("uniforms must lie in [0, 1) (NaN is not a uniform)")
    cumulative = np.cumsum(probabilities, axis=1)  # (N, V)
    ids = (cumulative <= uniforms[:, None]).sum(axis=1)  # classes whose interval ends at or below u
    return np.minimum(ids, sizes["V"] - 1).astype(np.int64)  # rounding can leave cumulative[-1] just under 1


def sample_char_rnn(
    embedding: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b_h: np.ndarray,
    W_hy: np.ndarray,
    b_y: np.ndarray,
    h0: np.ndarray,
    first_ids: np.ndarray,
    temperature: float,
    uniforms: np.ndarray,
) -> np.ndarray:
    """Generate ``S`` characters for each of ``N`` sequences, feeding each sample back in.

    At every step ``s``, with ``c`` the current character of each sequence
    (``first_ids`` at ``s = 0``, then the previous sample)::

        x = embedding[c]                                 (N, D)
        h = tanh(x @ W_xh.T + h @ W_hh.T + b_h)          (N, H)
        l = h @ W_hy.T + b_y                             (N, V)
        c = inverse_cdf_sample(softmax(l / tau), uniforms[:, s])

    Args:
        embedding: ``(V, D)``, one row per character.
        W_xh: ``(H, D)``. W_hh: ``(H, H)``. b_h: ``(H,)``.
        W_hy: ``(V, H)``. b_y: ``(V,)``.
        h0: ``(N, H)``, the state before the first character.
        first_ids: integer ids ``(N,)`` of the first character read.
        temperature: ``tau > 0``.
        uniforms: ``(N, S)`` in ``[0, 1)``, one number per generated character.

    Returns:
        ``int64`` ids ``(N, S)`` of the generated characters (``first_ids`` not included).

    Raises:
        ValueError: on inconsistent shapes, ids outside ``[0, V)``, or a bad temperature.
    """
    tau = check_positive_real("temperature", temperature)
    sizes: dict[str, int] = {}
    check_shape("embedding", embedding, ("V", "D"), sizes)
    check_shape("W_xh", W_xh, ("H", "D"), sizes)
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    check_shape("b_h", b_h, ("H",), sizes)
    check_shape("W_hy", W_hy, ("V", "H"), sizes)
    check_shape("b_y", b_y, ("V",), sizes)
    check_shape("h0", h0, ("N", "H"), sizes)
    check_shape("first_ids", first_ids, ("N",), sizes)
    check_shape("uniforms", uniforms, ("N", "S"), sizes)
    first_ids = np.asarray(check_ids("first_ids", first_ids, sizes["V"]))
    ids = np.empty((sizes["N"], sizes["S"]), dtype=np.int64)
    current, h = first_ids.astype(np.int64), np.asarray(h0, dtype=np.float64)
    for s in range(sizes["S"]):
        h = np.tanh(embedding[current] @ W_xh.T + h @ W_hh.T + b_h)  # (N, H)
        logits = h @ W_hy.T + b_y  # (N, V)
        current = inverse_cdf_sample(softmax_with_temperature(logits, tau), uniforms[:, s])
        ids[:, s] = current
    return ids
