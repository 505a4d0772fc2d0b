"""Remedies for vanishing and exploding gradients, as modules and initialisers.

- :func:`init_orthogonal_`: recurrent weights with every singular value 1.
- :func:`init_identity_`: ``W_hh = I`` and zero biases, for ReLU RNNs (Le et al. 2015).
- :class:`LeakyRNN`: ``h_t = (1 - alpha) h_{t-1} + alpha tanh(W_xh x_t + W_hh h_{t-1} + b_h)``,
  a unit that moves only part of the way at every step, so its memory decays slowly.
- :class:`SkipRNN`: adds a connection from ``h_{t-d}``, so gradients can jump ``d`` steps at once.

All modules are batch-first and follow :class:`course_code.nn.VanillaRNN`'s interface:
``forward(x (N, T, D), h0 (1, N, H) or None) -> (output (N, T, H), h_n (1, N, H))``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["LeakyRNN", "SkipRNN", "init_identity_", "init_orthogonal_"]


def _recurrent_weights(module: nn.Module) -> list[torch.Tensor]:
    weights = [p for name, p in module.named_parameters() if name.startswith("weight_hh")]
    if not weights:
        raise ValueError(f"{type(module).__name__} has no parameter named weight_hh_l*")
    return weights


@torch.no_grad()
def init_orthogonal_(module: nn.Module, gain: float = 1.0) -> nn.Module:
    """Make every ``weight_hh_l*`` a random orthogonal matrix times ``gain`` (in place).

    An orthogonal matrix preserves the norm of every vector it multiplies, so
    the linear part of the recurrence neither shrinks nor stretches signals.
    """
    for weight in _recurrent_weights(module):
        nn.init.orthogonal_(weight, gain=gain)
    return module


@torch.no_grad()
def init_identity_(module: nn.Module, input_std: float = 0.001) -> nn.Module:
    """The IRNN initialisation: ``W_hh = I``, biases 0, small Gaussian ``W_xh`` (in place).

    With ReLU and non-negative states the recurrence starts as an exact copy,
    ``h_t = h_{t-1} + W_xh x_t``, so nothing is forgotten until training decides to.
    """
    for weight in _recurrent_weights(module):
        nn.init.eye_(weight)
    for name, p in module.named_parameters():
        if name.startswith("bias"):
            nn.init.zeros_(p)
        elif name.startswith("weight_ih"):
            nn.init.normal_(p, std=input_std)
    return module


class _SingleLayerRNN(nn.Module):
    """Shared parameters and checks of the one-layer variants below."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _start(self, x: torch.Tensor, h0: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        if x.dim() != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"x must have shape (N, T, D={self.input_size}), got {tuple(x.shape)}")
        expected = (1, x.shape[0], self.hidden_size)
        if h0 is None:
            h0 = x.new_zeros(expected)
        elif tuple(h0.shape) != expected:
            raise ValueError(f"h0 must have shape (1, N, H) = {expected}, got {tuple(h0.shape)}")
        inputs = x @ self.weight_ih_l0.T + self.bias_ih_l0 + self.bias_hh_l0  # (N, T, H), all steps at once
        return inputs, h0[0]


class LeakyRNN(_SingleLayerRNN):
    """A leaky-integrator RNN: ``h_t = (1 - alpha) h_{t-1} + alpha tanh(a_t)``.

    Args:
        input_size: ``D``. hidden_size: ``H``.
        leak: ``alpha`` in (0, 1]; ``alpha = 1`` is the vanilla RNN. A small
            ``alpha`` makes ``dh_t/dh_{t-1}`` close to ``(1 - alpha) I``: slow,
            well-conditioned memory.
    """

    def __init__(self, input_size: int, hidden_size: int, leak: float = 0.1) -> None:
        super().__init__(input_size, hidden_size)
        if not 0 < leak <= 1:
            raise ValueError(f"leak must be in (0, 1], got {leak!r}")
        self.leak = leak

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        inputs, h = self._start(x, h0)
        states = []
        for t in range(x.shape[1]):
            candidate = torch.tanh(inputs[:, t] + h @ self.weight_hh_l0.T)
            h = (1 - self.leak) * h + self.leak * candidate
            states.append(h)
        output = torch.stack(states, dim=1)  # (N, T, H)
        return output, h[None]


class SkipRNN(_SingleLayerRNN):
    """An RNN with a second recurrent connection that skips ``skip`` steps back.

    ``h_t = tanh(W_xh x_t + W_hh h_{t-1} + W_skip h_{t-skip} + b_h)``, with
    ``h_{t-skip} = 0`` before the sequence starts. A gradient can now travel
    ``skip`` steps through one Jacobian instead of ``skip`` of them.

    Args:
        input_size: ``D``. hidden_size: ``H``. skip: ``d >= 2``.
    """

    def __init__(self, input_size: int, hidden_size: int, skip: int = 10) -> None:
        super().__init__(input_size, hidden_size)
        if not isinstance(skip, int) or skip < 2:
            raise ValueError(f"skip must be an integer of at least 2, got {skip!r}")
        self.skip = skip
        self.weight_skip = nn.Parameter(torch.empty(hidden_size, hidden_size))
        nn.init.uniform_(self.weight_skip, -1 / math.sqrt(hidden_size), 1 / math.sqrt(hidden_size))

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        inputs, h = self._start(x, h0)
        states: list[torch.Tensor] = []
        for t in range(x.shape[1]):
            pre_activation = inputs[:, t] + h @ self.weight_hh_l0.T
            if t >= self.skip:
                pre_activation = pre_activation + states[t - self.skip] @ self.weight_skip.T
            h = torch.tanh(pre_activation)
            states.append(h)
        return torch.stack(states, dim=1), h[None]
