"""Split the gradient of the recurrent weights by how far back each contribution comes from.

The recurrent matrix ``W_hh`` is used at every step, so its gradient is a sum
over steps (chapter "Backpropagation through time")::

    dL/dW_hh = sum_{t=1}^{T} delta_t h_{t-1}^T,     delta_t = dL/da_t,

and for a loss read from the last state, the term of step ``t`` reached it
through ``T - t`` step Jacobians. :func:`recurrent_gradient_by_step` returns
the terms one by one: it runs the recurrence with a separate copy of ``W_hh``
at every step and differentiates with respect to each copy, so that term ``t``
is exactly the gradient with respect to the copy used at step ``t``, and the
terms add up to the ordinary gradient.

It handles a :class:`~course_code.models.last_state.LastStateRegressor` whose
core is a one-layer, batch-first ``torch.nn.RNN`` (tanh or ReLU), trained with
full BPTT and a mean-squared-error loss: the models of the adding problem.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from course_code.models.last_state import LastStateRegressor

__all__ = ["recurrent_gradient_by_step"]


def recurrent_gradient_by_step(
    model: LastStateRegressor, x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    """The terms of ``dL/dW_hh``, one per step, for the MSE loss of ``model(x)`` against ``y``.

    Args:
        model: a :class:`~course_code.models.last_state.LastStateRegressor` around a
            one-layer ``torch.nn.RNN(..., batch_first=True)`` (tanh or ReLU), with
            ``truncate=None``.
        x: inputs ``(N, T, D)``.
        y: targets ``(N,)``.

    Returns:
        ``(T, H, H)``: row ``t - 1`` is the contribution of step ``t``, which
        reached the loss through ``T - t`` steps; the rows sum to ``dL/dW_hh``.

    Raises:
        ValueError: if the model is not of that kind, or ``x`` and ``y`` do
            not have shapes ``(N, T, D)`` and ``(N,)``.
    """
    if not isinstance(model, LastStateRegressor) or model.truncate is not None:
        raise ValueError("model must be a LastStateRegressor trained with full BPTT (truncate=None)")
    core = model.core
    if not isinstance(core, torch.nn.RNN) or core.num_layers != 1 or core.bidirectional:
        raise ValueError("model.core must be a one-layer, one-directional torch.nn.RNN")
    if not core.batch_first:
        raise ValueError("model.core must be batch-first")
    if x.dim() != 3 or x.shape[2] != core.input_size:
        raise ValueError(f"x must have shape (N, T, D={core.input_size}), got {tuple(x.shape)}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape (N={x.shape[0]},), got {tuple(y.shape)}")
    activation = torch.tanh if core.nonlinearity == "tanh" else torch.relu
    W_xh, W_hh = core.weight_ih_l0.detach(), core.weight_hh_l0.detach()
    bias = (core.bias_ih_l0 + core.bias_hh_l0).detach() if core.bias else 0.0
    copies = [W_hh.clone().requires_grad_(True) for _ in range(x.shape[1])]  # T x (H, H)
    h = x.new_zeros(x.shape[0], core.hidden_size)  # h_0, (N, H)
    for t, W in enumerate(copies):
        h = activation(x[:, t] @ W_xh.T + h @ W.T + bias)  # h_{t+1}
    prediction = model.readout(h)[:, 0]  # (N,)
    loss = F.mse_loss(prediction, y)
    return torch.stack(torch.autograd.grad(loss, copies))  # (T, H, H)
