"""A bidirectional wrapper over any NumPy sequence function, and the masked loss of a padded batch.

The wrapper runs a left-to-right layer twice: once on the sequence as it is
(forward direction, ``h→_t`` has read ``x_1..x_t``) and once on the sequence
reversed in time (backward direction). The backward run's outputs come out in
reversed order and are reversed back, so that position ``t`` of both halves
belongs to input step ``t``; then the halves are concatenated::

    y_t = [h→_t ; h←_t]                                   (N, T, 2H)

In a padded batch, "reversed" means reversed within each sequence's real
length (:func:`reverse_padded`): the backward direction must start reading at
the last *real* step, not on the padding.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_code.data.sequences import length_mask
from course_code.scratch.losses import log_softmax
from course_code.shapes import check_shape

__all__ = ["bidirectional_forward", "masked_cross_entropy", "reverse_padded"]


def reverse_padded(x: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Reverse every sequence in time within its own length; the padding stays at the end.

    Args:
        x: a padded batch ``(N, T, ...)``.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``; ``None`` reverses whole rows.

    Returns:
        An array of the shape of ``x`` with ``out[n, t] = x[n, lengths[n] - 1 - t]``
        for ``t < lengths[n]`` and ``out[n, t] = x[n, t]`` after it.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, T, ...), got shape {x.shape}")
    if lengths is None:
        return x[:, ::-1].copy()
    N, T = x.shape[:2]
    mask = length_mask(lengths, T)  # checks lengths too
    lengths = np.asarray(lengths)
    if lengths.shape != (N,):
        raise ValueError(f"lengths must have shape (N={N},), got shape {lengths.shape}")
    if lengths.min() < 1:
        raise ValueError(f"every length must be at least 1, got {lengths.min()}")
    steps = np.arange(T)[None, :]
    source = np.where(mask, lengths[:, None] - 1 - steps, steps)  # (N, T): which step lands at t
    return x[np.arange(N)[:, None], source]


def bidirectional_forward(
    run: Callable[..., np.ndarray],
    x: np.ndarray,
    forward_params: tuple,
    backward_params: tuple,
    lengths: np.ndarray | None = None,
) -> np.ndarray:
    """Both directions of one layer, concatenated: ``(N, T, 2H)``.

    Args:
        run: a left-to-right sequence function, ``run(x, *params) -> h (N, T, H)``,
            for example ``lambda x, W_xh, W_hh, b_h: rnn_forward(x, zeros, W_xh, W_hh, b_h)[0]``.
            It must be causal (``h[:, t]`` depends on ``x[:, :t + 1]`` only), as every RNN is.
        x: ``(N, T, D)``, padded at the end if ``lengths`` is given.
        forward_params, backward_params: the two directions' own weights, passed to ``run``.
        lengths: real lengths ``(N,)``, or ``None``.

    Returns:
        ``[h→_t ; h←_t]`` at every step, ``(N, T, 2H)``; zero at padded steps.
    """
    check_shape("x", x, ("N", "T", "D"))
    forward = run(x, *forward_params)  # causal: padding at the end cannot reach a real step
    backward = reverse_padded(run(reverse_padded(x, lengths), *backward_params), lengths)  # re-reversed
    out = np.concatenate([forward, backward], axis=-1)
    if lengths is not None:
        out = out * length_mask(lengths, x.shape[1])[..., None]
    return out


def masked_cross_entropy(logits: np.ndarray, targets: np.ndarray, lengths: np.ndarray) -> float:
    """Mean cross-entropy over the real steps of a padded batch, in nats.

    ``L = sum_{n, t < T_n} -log softmax(l_{n,t})[y_{n,t}]  /  sum_n T_n``.

    Args:
        logits: ``(N, T, V)``. targets: class ids ``(N, T)`` (anything in ``[0, V)`` at padding).
        lengths: real lengths ``(N,)``, integers in ``[1, T]``.
    """
    sizes = check_shape("logits", logits, ("N", "T", "V"))
    check_shape("targets", targets, ("N", "T"), sizes)
    check_shape("lengths", np.asarray(lengths), ("N",), sizes)
    mask = length_mask(lengths, sizes["T"])
    if not mask.any():
        raise ValueError("lengths select no step: there is nothing to average")
    picked = np.take_along_axis(log_softmax(logits), np.asarray(targets)[..., None], axis=-1)[..., 0]  # (N, T)
    return float(-(picked * mask).sum() / mask.sum())
