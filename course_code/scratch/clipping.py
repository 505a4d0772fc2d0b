"""Gradient clipping: rescale by the global norm, or clip each element.

Norm clipping (Pascanu et al. 2013) rescales all gradients together when their
joint norm exceeds a threshold, so the update keeps its *direction* and only
its length is capped. Element-wise clipping caps each entry separately, which
changes the direction whenever some entries are clipped and others are not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_code.shapes import check_positive_real

__all__ = ["clip_by_global_norm", "clip_elementwise", "global_norm"]


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """``sqrt(sum of squares of every entry of every array)``: all gradients as one vector."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))


def clip_by_global_norm(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """Scale every gradient by ``min(1, max_norm / global_norm)``.

    Args:
        grads: the gradients of all parameters, any shapes.
        max_norm: the threshold, positive.

    Returns:
        ``(clipped, norm)``: new arrays (the inputs are not modified) and the
        global norm *before* clipping, worth logging: spikes in it announce trouble.
    """
    check_positive_real("max_norm", max_norm)
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads], norm


def clip_elementwise(grads: Sequence[np.ndarray], max_value: float) -> list[np.ndarray]:
    """Clip every entry into ``[-max_value, max_value]`` (new arrays)."""
    check_positive_real("max_value", max_value)
    return [np.clip(g, -max_value, max_value) for g in grads]
