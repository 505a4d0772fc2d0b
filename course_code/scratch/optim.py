"""Plain gradient descent for the NumPy models: ``theta <- theta - eta * dL/dtheta``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_code.scratch.rnn import RNNParams
from course_code.shapes import check_positive_int, check_positive_real

__all__ = ["sgd_step", "train_with_gradients"]

_FIELDS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def sgd_step(params: RNNParams, grads: RNNParams, learning_rate: float) -> None:
    """Update every weight in place: ``W <- W - learning_rate * dW``.

    Raises:
        ValueError: if the learning rate is not positive, or a gradient's shape
            differs from its weight's.
    """
    check_positive_real("learning_rate", learning_rate)
    for name in _FIELDS:
        weight, grad = getattr(params, name), getattr(grads, name)
        if weight.shape != grad.shape:
            raise ValueError(f"gradient for {name} must have shape {weight.shape}, got {grad.shape}")
        weight -= learning_rate * grad


def train_with_gradients(
    params: RNNParams,
    make_batch: Callable[[], tuple[np.ndarray, np.ndarray]],
    loss_and_gradients: Callable[[RNNParams, np.ndarray, np.ndarray], tuple[float, RNNParams]],
    steps: int,
    learning_rate: float,
) -> list[float]:
    """Run ``steps`` steps of gradient descent on fresh batches; return the loss of each step.

    Args:
        params: updated in place.
        make_batch: returns ``(x (N, T, D), targets (N, T))``; called once per step.
        loss_and_gradients: e.g. :func:`course_code.scratch.bptt.rnn_loss_and_gradients`
            or a truncated version, called as ``f(params, x, targets)``.
        steps: number of updates.
        learning_rate: the step size ``eta``.
    """
    steps = check_positive_int("steps", steps)
    losses = []
    for _ in range(steps):
        x, targets = make_batch()
        loss, grads = loss_and_gradients(params, x, targets)
        sgd_step(params, grads, learning_rate)
        losses.append(loss)
    return losses
