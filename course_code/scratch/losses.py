"""Softmax and the losses summed or averaged over time steps.

For a sequence with per-step losses ``L_t`` the total loss is ``L = sum_t L_t``
(``reduction="sum"``) or its mean over all ``N * T`` steps (``reduction="mean"``,
what ``torch.nn.CrossEntropyLoss`` and ``torch.nn.MSELoss`` do by default).
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import check_numpy_arrays, check_shape

__all__ = ["cross_entropy", "cross_entropy_backward", "log_softmax", "mean_squared_error", "softmax"]

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(losses: np.ndarray, reduction: str):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log(softmax(logits))`` computed stably (the max is subtracted first). Same shape."""
    logits = np.asarray(logits)
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: positive entries that sum to 1. Same shape as ``logits``."""
    return np.exp(log_softmax(logits, axis=axis))


def cross_entropy(logits: np.ndarray, targets: np.ndarray, reduction: str = "mean"):
    """Cross-entropy of integer targets under ``softmax(logits)``, over every time step.

    ``L_t = -log softmax(l_t)[y_t]``: the negative log-probability the model
    gives to the correct class ``y_t`` at step ``t``.

    Args:
        logits: unnormalised scores, shape ``(N, T, V)``.
        targets: correct class at each step, integers in ``[0, V)``, shape ``(N, T)``.
        reduction: ``"mean"`` over the ``N * T`` steps, ``"sum"``, or ``"none"``
            for the per-step losses of shape ``(N, T)``.

    Returns:
        A float (``"mean"``, ``"sum"``) or an array of shape ``(N, T)``.

    Raises:
        ValueError: for mismatched shapes, non-integer targets or targets out of range.
    """
    check_numpy_arrays(logits=logits, targets=targets)
    sizes = check_shape("logits", logits, ("N", "T", "V"))
    check_shape("targets", targets, ("N", "T"), sizes)
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"targets must be integer class indices, got dtype {targets.dtype}")
    if targets.size and (targets.min() < 0 or targets.max() >= sizes["V"]):
        raise ValueError(
            f"targets must lie in [0, V) = [0, {sizes['V']}), "
            f"got values from {targets.min()} to {targets.max()}"
        )
    log_probs = log_softmax(logits, axis=-1)
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]
    return _reduce(-picked, reduction)


def cross_entropy_backward(logits: np.ndarray, targets: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits.

    For one step, ``dL_t / dl_t = softmax(l_t) - onehot(y_t)``: the predicted
    distribution minus the true one. With ``reduction="mean"`` every step's
    gradient is divided by ``N * T``.

    Args:
        logits: ``(N, T, V)``. targets: integer classes, ``(N, T)``.
        reduction: ``"mean"`` or ``"sum"``, as in the forward call.

    Returns:
        ``dlogits``, ``(N, T, V)``.
    """
    cross_entropy(logits, targets, reduction="none")  # the same validation as the forward pass
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum' for a gradient, got {reduction!r}")
    dlogits = softmax(logits, axis=-1)
    np.put_along_axis(dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1.0, -1)
    if reduction == "mean":
        dlogits /= targets.size
    return dlogits


def mean_squared_error(predictions: np.ndarray, targets: np.ndarray, reduction: str = "mean"):
    """Squared error ``(y_hat - y)^2`` per element, averaged (``"mean"``) or summed.

    Its square root is the root mean squared error (RMSE); there is no "mean
    squared root error".

    Args:
        predictions: any shape.
        targets: the same shape as ``predictions``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (element-wise losses).

    Raises:
        ValueError: if the shapes differ.
    """
    predictions, targets = np.asarray(predictions), np.asarray(targets)
    if predictions.shape != targets.shape:
        raise ValueError(
            f"predictions and targets must have the same shape, got {predictions.shape} and {targets.shape}"
        )
    return _reduce((predictions - targets) ** 2, reduction)
