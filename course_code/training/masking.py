"""Losses and accuracy over the real steps of a padded batch.

A padded batch ``(N, T)`` holds ``sum_n T_n`` real steps and ``N T - sum_n T_n``
padding steps. The per-step loss of a padding step means nothing, so it must
not enter the loss: with a mask ``m[n, t] = 1`` on real steps and ``0`` on padding,

    L = sum_{n,t} m[n, t] L[n, t]  /  sum_{n,t} m[n, t],

the mean over real steps only. Dividing by ``N T`` instead would shrink the
loss of batches with much padding; dividing per sequence first would give a
short sequence's steps more weight than a long one's.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["IGNORE_INDEX", "masked_accuracy", "masked_sequence_cross_entropy"]

IGNORE_INDEX = -100  # the target written at padded steps (PyTorch's default ignore_index)


def _check(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    if logits.dim() != 3 or targets.shape != logits.shape[:2]:
        raise ValueError(f"logits must have shape (N, T, V) and targets (N, T); got {tuple(logits.shape)} "
                         f"and {tuple(targets.shape)}")
    if mask is None:
        mask = targets != IGNORE_INDEX
    elif mask.shape != targets.shape:
        raise ValueError(f"mask must have the shape of targets, {tuple(targets.shape)}, got {tuple(mask.shape)}")
    if not bool(mask.any()):
        raise ValueError("the mask selects no step: there is nothing to average")
    return mask.to(torch.bool)


def masked_sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor,
                                  mask: torch.Tensor | None = None) -> torch.Tensor:
    """The mean cross-entropy over the real steps of a padded batch.

    Args:
        logits: ``(N, T, V)``.
        targets: integer class ids ``(N, T)``; padded steps may hold anything when
            ``mask`` is given, and must hold :data:`IGNORE_INDEX` when it is not.
        mask: booleans ``(N, T)``, ``True`` on real steps; by default ``targets != IGNORE_INDEX``.

    Returns:
        A scalar tensor, equal to ``F.cross_entropy(..., ignore_index=IGNORE_INDEX)`` on the same steps.
    """
    mask = _check(logits, targets, mask)
    safe_targets = torch.where(mask, targets, torch.zeros_like(targets))  # any valid class at padding
    per_step = F.cross_entropy(logits.transpose(1, 2), safe_targets, reduction="none")  # (N, T)
    weights = mask.to(per_step.dtype)
    return (per_step * weights).sum() / weights.sum()


def masked_accuracy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None = None) -> float:
    """The fraction of real steps whose largest logit is at the target class (arguments as above)."""
    mask = _check(logits, targets, mask)
    correct = (logits.argmax(dim=-1) == targets) & mask
    return float(correct.sum()) / float(mask.sum())
