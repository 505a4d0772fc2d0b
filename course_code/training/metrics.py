"""Losses and metrics for the training loop: cross-entropy over time, accuracy, perplexity."""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from course_code.shapes import check_tensor

__all__ = ["accuracy", "perplexity", "sequence_cross_entropy"]


def _check_classes(targets: torch.Tensor, V: int) -> None:
    if targets.numel() and (int(targets.min()) < 0 or int(targets.max()) >= V):
        raise ValueError(f"targets must be class ids in [0, V={V}), "
                         f"got values from {int(targets.min())} to {int(targets.max())}")


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The mean per-step cross-entropy, in nats, of a many-to-many model.

    ``L = -(1 / NT) sum_{n, t} log softmax(logits[n, t])[targets[n, t]]``.

    Args:
        logits: ``(N, T, V)``. targets: integer class ids ``(N, T)``.

    Returns:
        A scalar tensor.

    Raises:
        ValueError: if the shapes do not fit together or a target lies outside ``[0, V)``.
        TypeError: for arguments that are not tensors, or of the wrong dtype.
    """
    sizes = check_tensor("logits", logits, ("N", "T", "V"), dtype="float")
    check_tensor("targets", targets, ("N", "T"), sizes, dtype="integer")
    _check_classes(targets, sizes["V"])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The fraction of rows whose largest logit is at the target class.

    Args:
        logits: ``(N, V)``. targets: integer class ids ``(N,)``.

    Raises:
        ValueError: if the shapes do not fit together or a target lies outside ``[0, V)``.
        TypeError: for arguments that are not tensors, or of the wrong dtype.
    """
    sizes = check_tensor("logits", logits, ("N", "V"), dtype="float")
    check_tensor("targets", targets, ("N",), sizes, dtype="integer")
    _check_classes(targets, sizes["V"])
    return float((logits.argmax(dim=1) == targets).float().mean())


def perplexity(mean_cross_entropy: float) -> float:
    """``exp(mean cross-entropy in nats)``: the effective number of equally likely choices.

    A model that spreads its probability evenly over ``k`` symbols has
    cross-entropy ``log k`` and so perplexity ``k``.

    Raises:
        ValueError: if the cross-entropy is negative or not finite.
    """
    value = float(mean_cross_entropy)
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"mean_cross_entropy must be a finite non-negative number of nats, got {value}")
    return math.exp(value)
