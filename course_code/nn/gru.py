"""The GRU as a ``torch.nn.Module``, written from its equations.

``ScratchGRU(D, H, num_layers=L)`` computes exactly what
``torch.nn.GRU(D, H, num_layers=L, batch_first=True)`` computes, with the same
parameter names and layout (``weight_ih_l0 (3H, D)``, ``weight_hh_l0 (3H, H)``,
``bias_ih_l0 (3H,)``, ``bias_hh_l0 (3H,)``, blocks in the order ``r, z, n``), so
state dicts copy across in both directions.

Per step, for a batch (rows are sequences)::

    R = σ(X_t W_ir^T + b_ir + H_{t-1} W_hr^T + b_hr)
    Z = σ(X_t W_iz^T + b_iz + H_{t-1} W_hz^T + b_hz)
    N = tanh(X_t W_in^T + b_in + R ⊙ (H_{t-1} W_hn^T + b_hn))
    H_t = (1 - Z) ⊙ N + Z ⊙ H_{t-1}

The reset gate scales the hidden part of the candidate only, so the two biases
stay separate. Each layer computes the input term ``X W_ih^T + b_ih`` for all
steps in one product before its loop; the loop (compiled by TorchScript) does
one fused ``(N, H) @ (H, 3H)`` product per step, and autograd differentiates it.
"""

from __future__ import annotations


import numpy as np
import torch
from torch import nn

from course_code.nn.convert import fill_layer, layer_arrays
from course_code.nn.layer_stack import LayerStack

from course_code.nn.lstm import _script

__all__ = ["ScratchGRU", "gru_cell", "gru_layer_from_numpy", "gru_layer_to_numpy", "gru_recurrence"]


def gru_cell(
    x: torch.Tensor,
    h_prev: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """One step, written as the equations (the readable version of the loop body).

    Args:
        x: ``(N, D)``. h_prev: ``(N, H)``. weight_ih: ``(3H, D)``. weight_hh: ``(3H, H)``.
        bias_ih, bias_hh: ``(3H,)`` each, or ``None`` for a layer without biases.

    Returns:
        The new hidden state, ``(N, H)``.
    """
    input_term = x @ weight_ih.T  # (N, 3H)
    hidden_term = h_prev @ weight_hh.T  # (N, 3H)
    if bias_ih is not None:
        input_term = input_term + bias_ih
        hidden_term = hidden_term + bias_hh
    x_r, x_z, x_n = input_term.chunk(3, dim=1)  # PyTorch's block order
    h_r, h_z, h_n = hidden_term.chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)  # the reset gate scales the hidden part only
    return (1 - z) * n + z * h_prev


def _gru_recurrence(
    input_terms: torch.Tensor, h: torch.Tensor, weight_hh: torch.Tensor, bias_hh: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loop over time of one layer, given the input term of every step.

    Args:
        input_terms: ``X W_ih^T + b_ih`` for every step, time-major ``(T, N, 3H)``.
        h: initial state, ``(N, H)``.
        weight_hh: ``(3H, H)``. bias_hh: ``(3H,)`` (zeros for a layer without biases).

    Returns:
        ``(output, h_T)``: the hidden state at every step ``(T, N, H)`` and the last one.
    """
    weight_hh_t = weight_hh.t()  # (H, 3H)
    outputs: list[torch.Tensor] = []
    for input_term in input_terms.unbind(0):  # (N, 3H) per step
        hidden_term = torch.addmm(bias_hh, h, weight_hh_t)  # one fused product for r, z, n
        x_r, x_z, x_n = input_term.chunk(3, 1)
        h_r, h_z, h_n = hidden_term.chunk(3, 1)
        r = torch.sigmoid(x_r + h_r)
        z = torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        outputs.append(h)
    return torch.stack(outputs), h


gru_recurrence = _script(_gru_recurrence)  # TorchScript where available; see course_code.nn.lstm


class ScratchGRU(LayerStack):
    """A stack of GRU layers, batch-first, equal to ``torch.nn.GRU(..., batch_first=True)``.

    Args:
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer.
        num_layers: ``L``, layers stacked so that layer ``l + 1`` reads the
            hidden states of layer ``l``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.

    Inputs: ``x, h0``
        x: ``(N, T, D)``.
        h0: ``(L, N, H)``, or ``None`` for zeros.

    Outputs: ``output, h_n``
        output: the last layer's hidden state at every step, ``(N, T, H)``.
        h_n: every layer's hidden state at the last step, ``(L, N, H)``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, blocks=3)  # r, z, n stacked

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        if x.dim() != 3 or x.shape[2] != self.input_size or x.shape[1] == 0:
            raise ValueError(f"x must have shape (N, T, D={self.input_size}) with T >= 1, got {tuple(x.shape)}")
        N = x.shape[0]
        expected = (self.num_layers, N, self.hidden_size)
        if h0 is None:
            h0 = x.new_zeros(expected)
        elif tuple(h0.shape) != expected:
            raise ValueError(f"h0 must have shape (L, N, H) = {expected}, got {tuple(h0.shape)}")

        layer_input = x.transpose(0, 1)  # time-major inside: (T, N, D), then (T, N, H)
        h_n = []
        for layer in range(self.num_layers):
            weight_ih, weight_hh, bias_ih, bias_hh = self.layer_parameters(layer)
            if bias_hh is None:
                bias_hh = weight_hh.new_zeros(weight_hh.shape[0])
            input_terms = nn.functional.linear(layer_input, weight_ih, bias_ih)  # (T, N, 3H), every step at once
            layer_input, h_t = gru_recurrence(input_terms, h0[layer], weight_hh, bias_hh)
            h_n.append(h_t)
        return layer_input.transpose(0, 1), torch.stack(h_n)  # output batch-first

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}"


def gru_layer_to_numpy(module: nn.Module, layer: int = 0) -> dict[str, np.ndarray]:
    """Return ``{"W_x": (3H, D), "W_h": (3H, H), "b_x": (3H,), "b_h": (3H,)}`` for one layer.

    Works with :class:`ScratchGRU` and ``torch.nn.GRU``; biases are zeros for a
    module without them. The result feeds :func:`course_code.scratch.gru.gru_forward`.
    """
    W_x, W_h, b_x, b_h = layer_arrays(module, layer)
    return {"W_x": W_x, "W_h": W_h, "b_x": b_x, "b_h": b_h}


@torch.no_grad()
def gru_layer_from_numpy(
    module: nn.Module, W_x: np.ndarray, W_h: np.ndarray, b_x: np.ndarray, b_h: np.ndarray, layer: int = 0
) -> None:
    """Write NumPy weights into one layer of ``module`` in place.

    Raises:
        ValueError: if a shape differs from the module's parameter of that name.
    """
    arrays = [("weight_ih", "W_x", W_x), ("weight_hh", "W_h", W_h)]
    if getattr(module, "bias", True):
        arrays += [("bias_ih", "b_x", b_x), ("bias_hh", "b_h", b_h)]
    fill_layer(module, layer, arrays)
