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

from course_code.masking import check_lengths, length_mask
from course_code.scratch.losses import log_softmax
from course_code.shapes import check_numpy_array, check_shape

__all__ = ["bidirectional_forward", "masked_cross_entropy", "reverse_padded"]


def reverse_padded(x: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Reverse every sequence in time within its own length; the padding stays at the end.

    Args:
        x: a padded batch ``(N, T, ...)``.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``; ``None`` reverses whole rows.

    Returns:
        An array of the shape of ``x`` with ``out[n, t] = x[n, lengths[n] - 1 - t]``
        for ``t < lengths[n]`` and ``out[n, t] = x[n, t]`` after it.

    Raises:
        ValueError: if ``x`` has fewer than 2 axes or ``lengths`` is not ``(N,)``
            integers in ``[1, T]``.
    """
    check_numpy_array("x", x)
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, T, ...), got shape {x.shape}")
    if lengths is None:
        return x[:, ::-1].copy()
    N, T = x.shape[:2]
    lengths = check_lengths(lengths, T=T, N=N, minimum=1)  # every row needs a real step to reverse
    mask = length_mask(lengths, T)
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
        ``[h→_t ; h←_t]`` at every step, ``(N, T, 2H)``; exactly zero at padded
        steps, whatever the padding holds (even NaN or infinity).

    Raises:
        ValueError: if ``x`` is not ``(N, T, D)`` or ``lengths`` is not ``(N,)``
            integers in ``[1, T]``.
    """
    check_numpy_array("x", x)
    sizes = check_shape("x", x, ("N", "T", "D"))
    if lengths is not None:
        lengths = check_lengths(lengths, T=sizes["T"], N=sizes["N"], minimum=1)
    forward = run(x, *forward_params)  # causal: padding at the end cannot reach a real step
    backward = reverse_padded(run(reverse_padded(x, lengths), *backward_params), lengths)  # re-reversed
    out = np.concatenate([forward, backward], axis=-1)
    if lengths is not None:  # select, do not multiply: 0 * nan would be nan
        out = np.where(length_mask(lengths, sizes["T"])[..., None], out, 0.0).astype(out.dtype, copy=False)
    return out


def masked_cross_entropy(logits: np.ndarray, targets: np.ndarray, lengths: np.ndarray) -> float:
    """Mean cross-entropy over the real steps of a padded batch, in nats.

    ``L = sum_{n, t < T_n} -log softmax(l_{n,t})[y_{n,t}]  /  sum_n T_n``.

    Only the real steps are read (selected by the mask, not multiplied by it), so
    the padded logits and targets may hold anything, even NaN, infinity or ``-1``:
    the result equals ``F.cross_entropy(..., ignore_index=...)`` with the padded
    targets set to the ignored index. A row of length 0 contributes nothing.

    Args:
        logits: ``(N, T, V)``. targets: integer class ids ``(N, T)``, in ``[0, V)``
            at real steps (anything at padding).
        lengths: real lengths ``(N,)``, integers in ``[0, T]``, not all zero.

    Returns:
        The mean loss over the ``sum_n T_n`` real steps, a float.

    Raises:
        ValueError: on mismatched shapes, lengths outside ``[0, T]`` or all zero,
            non-integer targets, or a target outside ``[0, V)`` at a real step.
    """
    check_numpy_array("logits", logits)
    check_numpy_array("targets", targets)
    sizes = check_shape("logits", logits, ("N", "T", "V"))
    check_shape("targets", targets, ("N", "T"), sizes)
    lengths = check_lengths(lengths, T=sizes["T"], N=sizes["N"])
    if targets.dtype == bool or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"targets must be integer class ids, got dtype {targets.dtype}")
    mask = length_mask(lengths, sizes["T"])
    if not mask.any():
        raise ValueError("lengths select no step: there is nothing to average")
    real_logits, real_targets = logits[mask], targets[mask]  # (M, V) and (M,): the real steps only
    if real_targets.min() < 0 or real_targets.max() >= sizes["V"]:
        raise ValueError(f"targets at real steps must lie in [0, V={sizes['V']}), "
                         f"got values from {real_targets.min()} to {real_targets.max()}")
    picked = np.take_along_axis(log_softmax(real_logits), real_targets[:, None], axis=-1)[:, 0]  # (M,)
    return float(-picked.sum() / mask.sum())
