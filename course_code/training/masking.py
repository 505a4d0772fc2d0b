"""Losses and accuracy over the real steps of a padded batch.

A padded batch ``(N, T)`` holds ``sum_n T_n`` real steps and ``N T - sum_n T_n``
padding steps. The per-step loss of a padding step means nothing, so it must
not enter the loss: with a mask ``m[n, t] = 1`` on real steps and ``0`` on padding,

    L = sum_{n,t} m[n, t] L[n, t]  /  sum_{n,t} m[n, t],

the mean over real steps only. Dividing by ``N T`` instead would shrink the
loss of batches with much padding; dividing per sequence first would give a
short sequence's steps more weight than a long one's.

The code computes that mean by **selecting** the real steps, ``logits[mask]``,
and never by multiplying with the mask: ``0 * nan`` is ``nan``, so a product
would let a non-finite padded logit turn the loss (and every gradient) into
NaN. Selected, the padding never enters the graph, whatever it holds.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from course_code.shapes import check_tensor

__all__ = ["IGNORE_INDEX", "masked_accuracy", "masked_sequence_cross_entropy"]

IGNORE_INDEX = -100  # the target written at padded steps (PyTorch's default ignore_index)


def _real_steps(logits: torch.Tensor, targets: torch.Tensor,
                mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the arguments; return the logits ``(M, V)`` and targets ``(M,)`` of the real steps."""
    sizes = check_tensor("logits", logits, ("N", "T", "V"), dtype="float")
    check_tensor("targets", targets, ("N", "T"), sizes, dtype="integer")
    if mask is None:
        mask = targets != IGNORE_INDEX
    else:
        check_tensor("mask", mask, ("N", "T"), sizes, dtype="bool")
    if not bool(mask.any()):
        raise ValueError("the mask selects no step: there is nothing to average")
    real_targets = targets[mask]
    low, high = int(real_targets.min()), int(real_targets.max())
    if low < 0 or high >= sizes["V"]:
        raise ValueError(f"targets at real steps must lie in [0, V={sizes['V']}), "
                         f"got values from {low} to {high}")
    return logits[mask], real_targets


def masked_sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor,
                                  mask: torch.Tensor | None = None) -> torch.Tensor:
    """The mean cross-entropy over the real steps of a padded batch.

    Args:
        logits: floating point ``(N, T, V)``; padded steps may hold anything, even NaN or infinity.
        targets: integer class ids ``(N, T)``, in ``[0, V)`` at real steps; padded steps may
            hold anything when ``mask`` is given, and must hold :data:`IGNORE_INDEX` when it is not.
        mask: booleans ``(N, T)``, ``True`` on real steps; by default ``targets != IGNORE_INDEX``.
            A row with no real step contributes nothing.

    Returns:
        A scalar tensor, equal to ``F.cross_entropy(..., ignore_index=IGNORE_INDEX)`` on the same
        steps whatever the padded steps hold; its gradient is exactly zero at padded logits.

    Raises:
        ValueError: on mismatched shapes, a mask that selects no step, or a target outside
            ``[0, V)`` at a real step.
        TypeError: for arguments that are not tensors, or of the wrong dtype.
    """
    real_logits, real_targets = _real_steps(logits, targets, mask)  # (M, V), (M,)
    return F.cross_entropy(real_logits, real_targets)


def masked_accuracy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None = None) -> float:
    """The fraction of real steps whose largest logit is at the target class (arguments as above)."""
    real_logits, real_targets = _real_steps(logits, targets, mask)
    return float((real_logits.argmax(dim=-1) == real_targets).sum()) / real_targets.numel()
