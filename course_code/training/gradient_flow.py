"""How much of the loss's gradient reaches each time step of the input.

For a model that reads a whole sequence before it answers, ``||dL/dx_t||``
measures how strongly the loss at the end can react to step ``t``. It is
``||W_xh^T dL/da_t||``, where ``dL/da_t`` carries the product of Jacobians from
step ``T`` back to ``t``: if that product vanishes, the early steps receive no
gradient, and no weight can learn to use them. It works for any model, whatever
its recurrence, since it needs only autograd and the inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch.nn import functional as F

__all__ = ["input_gradient_norms"]


def input_gradient_norms(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.mse_loss,
) -> np.ndarray:
    """``||dL/dx_t||`` for every step ``t``, averaged over the batch.

    Args:
        model: maps ``(N, T, D)`` inputs to outputs that ``loss_fn`` compares with ``targets``.
        inputs: ``(N, T, D)`` floats.
        targets: whatever ``loss_fn`` expects, e.g. ``(N,)``.
        loss_fn: ``(outputs, targets) -> scalar``; the mean squared error by default.

    Returns:
        ``(T,)``: entry ``t`` is the mean over the batch of the Euclidean norm of
        ``dL/dx_t``, a ``(D,)`` vector per sequence. The model's parameter
        gradients are left untouched.
    """
    if not isinstance(inputs, torch.Tensor) or inputs.dim() != 3 or not inputs.is_floating_point():
        raise ValueError(f"inputs must be a float tensor of shape (N, T, D), got {getattr(inputs, 'shape', inputs)!r}")
    x = inputs.detach().clone().requires_grad_(True)
    loss = loss_fn(model(x), targets)
    (grad,) = torch.autograd.grad(loss, x)  # (N, T, D), no parameter .grad touched
    return grad.norm(dim=2).mean(dim=0).numpy()  # (T,)
