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
stay separate. :func:`gru_cell` is one step as written above. On an unpadded
batch each layer runs :func:`course_code.nn.fused.gru_layer` instead, the same
equations with the input term ``X W_ih^T + b_ih`` of all steps computed in one
product before the loop; autograd differentiates it.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_code.nn.convert import check_no_bias_lost, fill_layer, layer_arrays
from course_code.nn.fused import gru_layer, gru_recurrence
from course_code.nn.recurrent import RecurrentCell, RecurrentStack

__all__ = ["GRU_CELL", "ScratchGRU", "gru_cell", "gru_layer_from_numpy", "gru_layer_to_numpy", "gru_recurrence"]


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


GRU_CELL = RecurrentCell("gru", blocks=3, step=gru_cell, layer=gru_layer)
"""The GRU's cell for :class:`~course_code.nn.recurrent.RecurrentStack` (blocks ``r, z, n``)."""


class ScratchGRU(RecurrentStack):
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

    ``forward(x, h0=None, lengths=None)`` is :class:`~course_code.nn.recurrent.RecurrentStack`'s,
    which also takes the real ``lengths (N,)`` of a padded batch.

    Raises:
        ValueError: for a size that is not a positive integer or inputs of the wrong shape.
        TypeError: for inputs that are not tensors of the parameters' dtype.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True) -> None:
        super().__init__(GRU_CELL, input_size, hidden_size, num_layers, bias)  # r, z, n stacked

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
        ValueError: if a shape differs from the module's parameter of that name, or
            ``b_x``, ``b_h`` are not zero for a module built with ``bias=False``.
    """
    check_no_bias_lost(module, b_x=b_x, b_h=b_h)
    arrays = [("weight_ih", "W_x", W_x), ("weight_hh", "W_h", W_h)]
    if getattr(module, "bias", True):
        arrays += [("bias_ih", "b_x", b_x), ("bias_hh", "b_h", b_h)]
    fill_layer(module, layer, arrays)
