"""Loss and gradients of a whole RNN language model: full and truncated BPTT.

The model is the vanilla RNN with an output layer and a cross-entropy loss at
every step::

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),   l_t = W_hy h_t + b_y,
    L = sum_t L_t,   L_t = -log softmax(l_t)[y_t]

:func:`rnn_loss_and_gradients` backpropagates through every step (full BPTT).
:func:`truncated_bptt_gradients` backpropagates through at most ``k2`` steps,
every ``k1`` steps, as in Williams and Peng (1990).
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.losses import cross_entropy, cross_entropy_backward
from course_code.scratch.rnn import (
    RNNParams,
    RNNStepCache,
    output_layer,
    output_layer_backward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
)
from course_code.shapes import check_positive_int, check_shape

__all__ = ["rnn_loss_and_gradients", "truncated_bptt_gradients"]


def _forward(params: RNNParams, x: np.ndarray, targets: np.ndarray, h0: np.ndarray | None):
    sizes = check_shape("x", x, ("N", "T", "D"))
    check_shape("targets", targets, ("N", "T"), sizes)
    if h0 is None:
        h0 = np.zeros((sizes["N"], params.W_hh.shape[0]), dtype=x.dtype)
    h, cache = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    logits = output_layer(h, params.W_hy, params.b_y)
    return h, cache, logits


def rnn_loss_and_gradients(
    params: RNNParams,
    x: np.ndarray,
    targets: np.ndarray,
    h0: np.ndarray | None = None,
    reduction: str = "sum",
) -> tuple[float, RNNParams]:
    """The loss and its exact gradient with respect to every weight (full BPTT).

    Args:
        params: the weights, see :class:`RNNParams`.
        x: inputs, ``(N, T, D)``.
        targets: correct class at every step, ``(N, T)``.
        h0: initial state ``(N, H)``; zeros if ``None``.
        reduction: ``"sum"`` (the default, ``L = sum_t L_t`` summed over the batch
            too) or ``"mean"`` over the ``N * T`` steps.

    Returns:
        ``(loss, grads)`` where ``grads`` is an :class:`RNNParams` holding
        ``dL/dW_xh``, ``dL/dW_hh``, ``dL/db_h``, ``dL/dW_hy``, ``dL/db_y``.
    """
    h, cache, logits = _forward(params, x, targets, h0)
    loss = float(cross_entropy(logits, targets, reduction))
    dlogits = cross_entropy_backward(logits, targets, reduction)  # (N, T, V)
    dh, dW_hy, db_y = output_layer_backward(dlogits, h, params.W_hy)  # dh: (N, T, H)
    grads = rnn_backward(dh, cache)
    return loss, RNNParams(grads.dW_xh, grads.dW_hh, grads.db_h, dW_hy, db_y)


def truncated_bptt_gradients(
    params: RNNParams,
    x: np.ndarray,
    targets: np.ndarray,
    k1: int,
    k2: int,
    h0: np.ndarray | None = None,
    reduction: str = "sum",
) -> tuple[float, RNNParams]:
    """The loss and its gradient with backpropagation truncated to ``k2`` steps.

    The forward pass runs over the whole sequence, carrying the hidden state as
    usual. Every ``k1`` steps (and at the end), the losses of the last ``k1``
    steps are backpropagated, but only ``k2`` steps back in time: nothing flows
    into a state more than ``k2 - 1`` steps before the end of the block. With
    ``k1 = k2 = k`` this is the common scheme that cuts the sequence into chunks
    of ``k`` (when ``k`` divides ``T``; otherwise the last, shorter block reaches
    ``k2`` steps back into the chunk before it, which
    :func:`course_code.scratch.truncation.chunked_bptt_gradients` and PyTorch's
    ``detach()`` loop do not); with ``k1 = k2 = T`` it is full BPTT.

    Args:
        params, x, targets, h0, reduction: as in :func:`rnn_loss_and_gradients`.
        k1: steps between two backward passes, ``1 <= k1``.
        k2: how far each backward pass reaches, ``k1 <= k2``.

    Returns:
        ``(loss, grads)``: the same loss as full BPTT, and the truncated gradient.

    Raises:
        ValueError: if ``k1`` or ``k2`` is not a positive integer, or ``k2 < k1``
            (the losses at the start of a block would then get no gradient at all).
    """
    for name, value in (("k1", k1), ("k2", k2)):
        check_positive_int(name, value)
    if k2 < k1:
        raise ValueError(f"k2 must be at least k1, got k1={k1}, k2={k2}")
    h, cache, logits = _forward(params, x, targets, h0)
    T = x.shape[1]
    loss = float(cross_entropy(logits, targets, reduction))
    dlogits = cross_entropy_backward(logits, targets, reduction)
    dh_out, dW_hy, db_y = output_layer_backward(dlogits, h, params.W_hy)  # output layer: no recurrence

    dW_xh, dW_hh = np.zeros_like(params.W_xh), np.zeros_like(params.W_hh)
    db_h = np.zeros_like(params.b_h)
    for block_start in range(0, T, k1):
        end = min(block_start + k1, T)  # this block's losses are those of steps [block_start, end)
        dh_next = np.zeros_like(cache.h0)
        for t in reversed(range(max(end - k2, 0), end)):
            injected = dh_out[:, t] if t >= block_start else 0.0
            h_prev = cache.h[:, t - 1] if t > 0 else cache.h0
            step = RNNStepCache(x[:, t], h_prev, h[:, t], params.W_xh, params.W_hh, cache.nonlinearity)
            grads = rnn_step_backward(injected + dh_next, step)
            dW_xh += grads.dW_xh
            dW_hh += grads.dW_hh
            db_h += grads.db_h
            dh_next = grads.dh_prev
    return loss, RNNParams(dW_xh, dW_hh, db_h, dW_hy, db_y)
