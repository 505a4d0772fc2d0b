"""Remedies for vanishing and exploding gradients, as modules and initialisers.

- :func:`init_orthogonal_`: recurrent weights with every singular value 1.
- :func:`init_identity_`: ``W_hh = I`` and zero biases, for ReLU RNNs (Le et al. 2015).
- :class:`LeakyRNN`: ``h_t = (1 - alpha) h_{t-1} + alpha tanh(W_xh x_t + W_hh h_{t-1} + b_h)``,
  a unit that moves only part of the way at every step, so its memory decays slowly.
- :class:`SkipRNN`: adds a connection from ``h_{t-d}``, so gradients can jump ``d`` steps at once.

All modules are batch-first and follow :class:`course_code.nn.VanillaRNN`'s interface:
``forward(x (N, T, D), h0 (1, N, H) or None) -> (output (N, T, H), h_n (1, N, H))``.
They are one-layer :class:`~course_code.nn.recurrent.RecurrentStack` modules: the base
registers ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, draws
them as PyTorch does, and checks the inputs; each module writes its own loop.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_code.nn.recurrent import RecurrentStack
from course_code.nn.rnn import RNN_CELLS
from course_code.shapes import check_positive_int, check_real

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


class _SingleLayerRNN(RecurrentStack):
    """One recurrent layer with PyTorch's four parameters; the subclasses write the loop."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__(RNN_CELLS["tanh"], input_size, hidden_size, num_layers=1)

    def _start(self, x: torch.Tensor, h0: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        h0, _ = self.check_inputs(x, h0)  # x: (N, T, D); h0: (1, N, H), zeros if None
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
        self.leak = check_real("leak", leak, 0.0, 1.0, low_open=True)

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
        self.skip = check_positive_int("skip", skip, minimum=2)
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
