"""A stack of recurrent layers with optional residual connections between them.

A plain stack feeds each layer the outputs of the layer below,
``y^(l) = f_l(y^(l-1))``. A residual stack adds the layer's input to its
output for every layer above the first (which changes the width from ``D`` to
``dirs * H``)::

    y^(1) = f_1(x),        y^(l) = y^(l-1) + f_l(y^(l-1))    for l = 2..L

so the gradient reaching layer 1 from the top has a path through the sums
alone, one identity per layer, beside the paths through the layers
(He et al., 2016; Wu et al., 2016 use such connections in deep stacks of LSTMs).
Each layer is a one-layer :class:`~course_code.nn.stacked.StackedRNN`; with
``residual=False`` the stack computes what ``StackedRNN(num_layers=L)``
computes with the same weights.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.nn.stacked import StackedRNN
from course_code.shapes import check_positive_int

__all__ = ["ResidualRNNStack"]


class ResidualRNNStack(nn.Module):
    """``L`` recurrent layers, each above the first adding its input to its output.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        input_size: ``D``. hidden_size: ``H`` per direction. num_layers: ``L``.
        bidirectional: two directions in every layer.
        residual: add the residual connections; ``False`` gives a plain stack.

    Inputs: ``x, lengths=None``
        x: ``(N, T, D)``, padded at the end if ``lengths`` is given.
        lengths: real lengths ``(N,)``, or ``None``.

    Outputs:
        The top layer's outputs ``(N, T, dirs * H)``; zero at padded steps when
        ``lengths`` is given.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bidirectional: bool = False,
        residual: bool = True,
    ) -> None:
        super().__init__()
        num_layers = check_positive_int("num_layers", num_layers)
        width = hidden_size * (2 if bidirectional else 1)
        self.layers = nn.ModuleList(
            StackedRNN(
                mode,
                input_size if layer == 0 else width,
                hidden_size,
                bidirectional=bidirectional,
            )
            for layer in range(num_layers)
        )
        self.residual = bool(residual)

    def forward(
        self, x: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        for index, layer in enumerate(self.layers):
            y, _ = layer(x, lengths=lengths)  # (N, T, dirs * H)
            x = x + y if self.residual and index > 0 else y
        if lengths is not None and self.residual and len(self.layers) > 1:
            real = torch.arange(x.shape[1])[None, :] < torch.as_tensor(lengths)[:, None]
            x = torch.where(real[..., None], x, torch.zeros_like(x))  # (N, T, dirs * H)
        return x
