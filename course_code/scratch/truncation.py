"""Truncated BPTT that stores only one chunk: the loop a long sequence really needs.

:func:`course_code.scratch.bptt.truncated_bptt_gradients` runs the forward pass
over the whole sequence first, so it keeps every hidden state, exactly as full
BPTT does. :func:`chunked_bptt_gradients` computes the same gradient for
``k1 = k2 = k`` while holding only the ``k`` steps of the current chunk: run the
chunk forward, backpropagate its losses, keep its last state as the (constant)
starting state of the next chunk, and forget the rest.
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.losses import cross_entropy, cross_entropy_backward
from course_code.scratch.rnn import (
    RNNParams,
    output_layer,
    output_layer_backward,
    rnn_backward,
    rnn_forward,
)
from course_code.shapes import check_positive_int, check_shape

__all__ = ["chunked_bptt_gradients"]


def chunked_bptt_gradients(
    params: RNNParams,
    x: np.ndarray,
    targets: np.ndarray,
    k: int,
    h0: np.ndarray | None = None,
    reduction: str = "sum",
) -> tuple[float, RNNParams]:
    """The truncated-BPTT gradient with chunks of ``k`` steps, one chunk in memory.

    Equal to ``truncated_bptt_gradients(params, x, targets, k, k, h0, reduction)``
    (the tests check it), but the arrays it stores are those of one chunk:
    ``(N, k, D)`` inputs, ``(N, k, H)`` states and ``(N, k, V)`` logits.

    Args:
        params: the weights, see :class:`RNNParams`.
        x: inputs, ``(N, T, D)``.
        targets: correct class at every step, ``(N, T)``.
        k: chunk length, a positive integer.
        h0: initial state ``(N, H)``; zeros if ``None``.
        reduction: ``"sum"`` over all ``N * T`` steps or ``"mean"`` over them.

    Returns:
        ``(loss, grads)``: the loss of the whole sequence and the truncated gradient.

    Raises:
        ValueError: if ``k`` is not a positive integer, ``reduction`` is unknown,
            or the shapes do not fit.
    """
    k = check_positive_int("k", k)
    if reduction not in ("sum", "mean"):
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    sizes = check_shape("x", x, ("N", "T", "D"))
    check_shape("targets", targets, ("N", "T"), sizes)
    N, T = sizes["N"], sizes["T"]
    state = np.zeros((N, params.W_hh.shape[0]), dtype=x.dtype) if h0 is None else h0
    scale = 1.0 if reduction == "sum" else 1.0 / (N * T)
    grads = RNNParams(*(np.zeros_like(getattr(params, name)) for name in _FIELDS))
    total = 0.0
    for start in range(0, T, k):
        x_chunk, y_chunk = x[:, start : start + k], targets[:, start : start + k]
        h, cache = rnn_forward(x_chunk, state, params.W_xh, params.W_hh, params.b_h)
        logits = output_layer(h, params.W_hy, params.b_y)
        total += float(cross_entropy(logits, y_chunk, "sum"))
        dlogits = cross_entropy_backward(logits, y_chunk, "sum") * scale
        dh, dW_hy, db_y = output_layer_backward(dlogits, h, params.W_hy)
        chunk_grads = rnn_backward(dh, cache)  # stops at the chunk's first step
        for name, value in zip(
            _FIELDS,
            (chunk_grads.dW_xh, chunk_grads.dW_hh, chunk_grads.db_h, dW_hy, db_y),
        ):
            getattr(grads, name)[...] += value
        state = h[:, -1]  # carried forward as a constant: no gradient crosses the cut
    return total * scale, grads


_FIELDS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
