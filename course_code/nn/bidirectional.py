"""Reading a sequence in both directions: the bidirectional wrapper and its helpers.

A bidirectional layer is two independent recurrent layers over the same input.
The forward one reads ``x_1, ..., x_T`` and produces ``h→_t``, a summary of
``x_1..x_t``; the backward one reads ``x_T, ..., x_1`` and produces ``h←_t``, a
summary of ``x_t..x_T``. Position ``t`` of the output combines the two, so it
depends on the whole sequence::

    y_t = [h→_t ; h←_t]        (N, T, 2H)   concatenation, what torch.nn.LSTM(bidirectional=True) returns

The backward layer is an ordinary left-to-right layer run on the reversed
sequence; its outputs come out reversed too, and must be **reversed back**
so that position ``t`` of both halves belongs to the same input step ``x_t``.
In a padded batch "reversed" means reversed within each sequence's real
length, so that the backward layer starts on the last real step, not on padding
(:func:`reverse_padded`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_code.masking import check_lengths, steps_mask
from course_code.shapes import check_tensor

__all__ = ["MERGE_MODES", "bidirectional", "merge_directions", "reverse_padded", "steps_mask"]

MERGE_MODES = ("concat", "sum", "mean")


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
    """Reverse every sequence of a batch in time, within its own length; padding stays at the end.

    ``out[n, t] = x[n, lengths[n] - 1 - t]`` for ``t < lengths[n]``, and
    ``out[n, t] = x[n, t]`` (the padding) after it. Without ``lengths`` every
    row is reversed whole, ``x.flip(1)``. Applying the function twice gives ``x`` back.

    Args:
        x: ``(N, T, ...)``, batch-first.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``, or ``None``.

    Returns:
        A tensor of the shape of ``x``.

    Raises:
        ValueError: if ``x`` has fewer than 2 axes or ``lengths`` is not ``(N,)`` integers in ``[1, T]``.
    """
    check_tensor("x", x)
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, T, ...), got shape {tuple(x.shape)}")
    if lengths is None:
        return x.flip(1)
    N, T = x.shape[:2]
    lengths = torch.from_numpy(check_lengths(lengths, T=T, N=N, minimum=1)).to(x.device)
    mask = steps_mask(lengths, T)  # (N, T)
    steps = torch.arange(T, device=x.device)[None, :]  # (1, T)
    source = torch.where(mask, lengths[:, None] - 1 - steps, steps)  # (N, T): which step lands at t
    index = source.reshape(N, T, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)


def merge_directions(forward: torch.Tensor, backward: torch.Tensor, mode: str = "concat") -> torch.Tensor:
    """Combine the two directions' outputs, ``(N, T, H)`` each, step by step.

    ``"concat"`` gives ``(N, T, 2H)``, ``[h→_t ; h←_t]`` (PyTorch's choice, which
    keeps all the information and lets the next layer weigh the halves);
    ``"sum"`` and ``"mean"`` give ``(N, T, H)``: a linear layer ``W`` after the
    sum is ``[W W]`` after the concatenation, so they tie the next layer's weights
    for the two halves (the cost is capacity: ``H`` features instead of ``2H``).
    """
    if mode not in MERGE_MODES:
        raise ValueError(f"mode must be one of {MERGE_MODES}, got {mode!r}")
    check_tensor("forward", forward)
    check_tensor("backward", backward)
    if forward.shape != backward.shape:
        raise ValueError(f"both directions must have the same shape, "
                         f"got {tuple(forward.shape)} and {tuple(backward.shape)}")
    if mode == "concat":
        return torch.cat([forward, backward], dim=-1)
    total = forward + backward
    return total if mode == "sum" else total / 2


RunDirection = Callable[[torch.Tensor, torch.Tensor | None], tuple[torch.Tensor, object]]


def bidirectional(
    run_forward: RunDirection,
    run_backward: RunDirection,
    x: torch.Tensor,
    lengths: torch.Tensor | None = None,
    mode: str = "concat",
):
    """Run one layer left to right and another right to left over ``x``; merge their outputs.

    Args:
        run_forward, run_backward: each ``(x, lengths) -> (output (N, T, H), final_state)``,
            an ordinary left-to-right layer that ignores steps after each length.
        x: ``(N, T, D)``, batch-first, padded at the end if ``lengths`` is given.
        lengths: real lengths ``(N,)``, or ``None`` when every row is ``T`` steps long.
        mode: how to merge the directions, see :func:`merge_directions`.

    Returns:
        ``(output, (forward_state, backward_state))``: ``output`` is ``(N, T, 2H)``
        for ``"concat"``; each state is what its layer returned after its last
        real step (for the backward layer, after reading ``x_1``).
    """
    out_forward, state_forward = run_forward(x, lengths)  # h→_t has read x_1..x_t
    reversed_out, state_backward = run_backward(reverse_padded(x, lengths), lengths)
    out_backward = reverse_padded(reversed_out, lengths)  # back in input order: h←_t has read x_T..x_t
    return merge_directions(out_forward, out_backward, mode), (state_forward, state_backward)
