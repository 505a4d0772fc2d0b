"""What the course's RNN, GRU and LSTM modules share: a stack of layers with PyTorch's parameters.

Layer ``l`` of a stack owns ``weight_ih_l{l}`` of shape ``(B H, D_l)``,
``weight_hh_l{l}`` of shape ``(B H, H)`` and, with ``bias=True``,
``bias_ih_l{l}`` and ``bias_hh_l{l}`` of shape ``(B H,)``, where ``B`` is the
number of blocks stacked in one matrix (1 for the vanilla RNN, 3 for the GRU's
``r, z, n``, 4 for the LSTM's ``i, f, g, o``) and ``D_l`` is ``D`` for the first
layer and ``H`` above it (``2H`` in a bidirectional stack, whose layers also own the
same four parameters with the suffix ``_reverse`` for the backward direction). These are exactly the names, shapes and order of
``torch.nn.RNN``, ``torch.nn.GRU`` and ``torch.nn.LSTM``, so state dicts copy
between the two in both directions.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_code.shapes import check_positive_int

__all__ = ["LayerStack"]


class LayerStack(nn.Module):
    """The parameters of ``L`` stacked recurrent layers of ``blocks`` blocks each; no forward pass.

    Args:
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer.
        num_layers: ``L``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.
        blocks: ``B``, the blocks stacked in each weight matrix.
        bidirectional: whether each layer has a second, ``_reverse``, set of parameters.

    Raises:
        ValueError: if a size is not a positive integer.
    """

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int, bias: bool, blocks: int, bidirectional: bool = False
    ) -> None:
        super().__init__()
        input_size, hidden_size, num_layers = (
            check_positive_int(name, value)
            for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers))
        )
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.bidirectional = bidirectional
        self.suffixes = ("", "_reverse") if bidirectional else ("",)  # forward, then backward, as in PyTorch
        rows = blocks * hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * len(self.suffixes)
            for suffix in self.suffixes:
                name = f"l{layer}{suffix}"
                self.register_parameter(f"weight_ih_{name}", nn.Parameter(torch.empty(rows, layer_input)))
                self.register_parameter(f"weight_hh_{name}", nn.Parameter(torch.empty(rows, hidden_size)))
                if bias:
                    self.register_parameter(f"bias_ih_{name}", nn.Parameter(torch.empty(rows)))
                    self.register_parameter(f"bias_hh_{name}", nn.Parameter(torch.empty(rows)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in ``[-1/sqrt(H), 1/sqrt(H)]``, PyTorch's initialisation of all three recurrent layers."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def layer_parameters(self, layer: int, suffix: str = "") -> tuple[torch.Tensor, ...]:
        """``(weight_ih, weight_hh, bias_ih, bias_hh)`` of one layer (biases ``None`` if absent).

        ``suffix`` is ``""`` for the forward direction and ``"_reverse"`` for the backward one.
        """
        return tuple(getattr(self, f"{name}_l{layer}{suffix}", None)
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
