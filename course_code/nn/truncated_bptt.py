"""Truncated BPTT the PyTorch way: detach the carried state at every chunk boundary.

Autograd backpropagates through every operation it recorded. Cutting the
sequence into chunks of ``k`` steps and calling ``state.detach()`` before each
chunk makes the carried state a constant: its value still flows forward, but
no gradient flows back across the cut. The result equals the NumPy
:func:`course_code.scratch.bptt.truncated_bptt_gradients` with ``k1 = k2 = k``
(``tests/test_truncated_bptt.py`` checks it).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from course_code.shapes import check_positive_int, check_tensor

__all__ = ["truncated_bptt_backward"]


def truncated_bptt_backward(
    rnn: nn.Module,
    readout: nn.Module,
    x: torch.Tensor,
    targets: torch.Tensor,
    k: int,
    reduction: str = "sum",
) -> float:
    """Add the chunk-truncated gradient of a per-step cross-entropy to ``.grad``.

    Args:
        rnn: a recurrent module called as ``rnn(x_chunk, state) -> (outputs, state)``
            with batch-first inputs, such as ``torch.nn.RNN(batch_first=True)`` or
            :class:`course_code.nn.VanillaRNN`.
        readout: maps outputs ``(N, k, H)`` to logits ``(N, k, V)``.
        x: inputs ``(N, T, D)``.
        targets: class indices ``(N, T)``.
        k: chunk length, a positive integer.
        reduction: ``"sum"`` over all ``N * T`` steps or ``"mean"`` over them.

    Returns:
        The loss of the whole sequence (a float). The gradients are added to
        the parameters' ``.grad``: zero them before, step after.

    Raises:
        ValueError: if ``k`` is not a positive integer, ``reduction`` is unknown or
            the shapes of ``x`` and ``targets`` do not fit.
    """
    k = check_positive_int("k", k)
    if reduction not in ("sum", "mean"):
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    sizes = check_tensor("x", x, ("N", "T", "D"), dtype="float")
    check_tensor("targets", targets, ("N", "T"), sizes, dtype="integer")
    N, T = sizes["N"], sizes["T"]
    scale = 1.0 if reduction == "sum" else 1.0 / (N * T)
    state, total = None, 0.0
    for start in range(0, T, k):
        if state is not None:
            state = state.detach()  # the cut: the value goes on, the gradient stops
        outputs, state = rnn(x[:, start : start + k], state)
        logits = readout(outputs)
        loss = scale * F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            targets[:, start : start + k].reshape(-1),
            reduction="sum",
        )
        loss.backward()  # frees this chunk's graph: memory holds one chunk
        total += loss.item()
    return total
