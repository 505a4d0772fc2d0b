"""The LSTM as a ``torch.nn.Module``, written from its equations.

``ScratchLSTM(D, H, num_layers=L)`` computes exactly what
``torch.nn.LSTM(D, H, num_layers=L, batch_first=True)`` computes, with the same
parameter names and layout (``weight_ih_l0 (4H, D)``, ``weight_hh_l0 (4H, H)``,
``bias_ih_l0 (4H,)``, ``bias_hh_l0 (4H,)``, gate blocks in the order
``i, f, g, o``), so ``torch_lstm.load_state_dict(ours.state_dict())`` copies the
weights across, in both directions.

Per step, for a batch (rows are sequences)::

    A_t = X_t W_ih^T + b_ih + H_{t-1} W_hh^T + b_hh        (N, 4H), one fused product
    I, F, G, O = σ(A_i), σ(A_f), tanh(A_g), σ(A_o)
    C_t = F ⊙ C_{t-1} + I ⊙ G
    H_t = O ⊙ tanh(C_t)

:func:`lstm_cell` is one step as written above. On an unpadded batch each
layer runs :func:`course_code.nn.fused.lstm_layer` instead: the input term
``X_t W_ih^T + b`` of all ``T`` steps in one product before the loop, and the
loop itself with a hand-written backward pass (:class:`~course_code.nn.fused.LSTMRecurrence`,
the equations of :mod:`course_code.scratch.lstm`), which cuts the per-step
overhead of autograd. The tests check outputs, final states and every gradient
(second derivatives too) against ``torch.nn.LSTM``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_code.nn.convert import check_no_bias_lost, fill_layer, layer_arrays
from course_code.nn.fused import LSTMRecurrence, lstm_layer, lstm_recurrence
from course_code.nn.recurrent import RecurrentCell, RecurrentStack

__all__ = [
    "LSTM_CELL",
    "ScratchLSTM",
    "init_forget_gate_bias",
    "lstm_cell",
    "lstm_layer_from_numpy",
    "lstm_layer_to_numpy",
    "LSTMRecurrence",
    "lstm_recurrence",
]


def lstm_cell(
    x: torch.Tensor,
    state: tuple[torch.Tensor, torch.Tensor],
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step, written as the equations (the readable version of the loop body).

    Args:
        x: ``(N, D)``. state: ``(h_prev, c_prev)``, ``(N, H)`` each.
        weight_ih: ``(4H, D)``. weight_hh: ``(4H, H)``.
        bias_ih, bias_hh: ``(4H,)`` each, or ``None`` for a layer without biases.

    Returns:
        ``(h, c)``, the new hidden and cell states, ``(N, H)`` each.
    """
    h_prev, c_prev = state
    a = x @ weight_ih.T + h_prev @ weight_hh.T  # (N, 4H): all four gates in one product
    if bias_ih is not None:
        a = a + bias_ih + bias_hh
    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)  # PyTorch's gate order
    i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
    c = f * c_prev + i * g
    h = o * torch.tanh(c)
    return h, c


LSTM_CELL = RecurrentCell("lstm", blocks=4, step=lstm_cell, paired_state=True, layer=lstm_layer)
"""The LSTM's cell for :class:`~course_code.nn.recurrent.RecurrentStack` (blocks ``i, f, g, o``)."""


class ScratchLSTM(RecurrentStack):
    """A stack of LSTM layers, batch-first, equal to ``torch.nn.LSTM(..., batch_first=True)``.

    Args:
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer.
        num_layers: ``L``, layers stacked so that layer ``l + 1`` reads the
            hidden states of layer ``l``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.

    Inputs: ``x, (h0, c0)``
        x: ``(N, T, D)``.
        h0, c0: ``(L, N, H)`` each; or leave the pair out (``None``) for zeros.

    Outputs: ``output, (h_n, c_n)``
        output: the last layer's hidden state at every step, ``(N, T, H)``.
        h_n, c_n: every layer's hidden and cell state at the last step, ``(L, N, H)`` each.

    ``forward(x, (h0, c0)=None, lengths=None)`` is :class:`~course_code.nn.recurrent.RecurrentStack`'s,
    which also takes the real ``lengths (N,)`` of a padded batch.

    Raises:
        ValueError: for a size that is not a positive integer or inputs of the wrong shape.
        TypeError: for inputs that are not tensors of the parameters' dtype.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True) -> None:
        super().__init__(LSTM_CELL, input_size, hidden_size, num_layers, bias)  # i, f, g, o stacked

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}"


@torch.no_grad()
def init_forget_gate_bias(module: nn.Module, value: float = 1.0) -> None:
    """Set every layer's forget-gate bias so that ``bias_ih + bias_hh`` is ``value`` there.

    Works on :class:`ScratchLSTM` and on ``torch.nn.LSTM`` (same names). Only the
    forget-gate slice ``[H:2H]`` changes: ``bias_ih`` gets ``value`` and
    ``bias_hh`` gets 0 there; the ``i``, ``g`` and ``o`` slices are left alone.

    Why: with the default initialisation the forget gate starts near
    ``σ(0) = 0.5``, so the cell state halves at every step and gradients through
    ``c`` shrink like ``0.5^k`` over ``k`` steps — the network starts out unable
    to remember. A positive bias (``σ(1) ≈ 0.73``) makes it *start* by remembering
    and learn to forget. Gers, Schmidhuber and Cummins (2000) introduced the forget
    gate; Jozefowicz, Zaremba and Sutskever (2015) found that a bias of 1 closed
    the gap between the LSTM and the GRU in their search over recurrent architectures.

    Raises:
        ValueError: if the module has no biases.
    """
    if getattr(module, "bias", True) is False:
        raise ValueError("the module was built with bias=False: there is no forget-gate bias to set")
    H = module.hidden_size
    found = False
    for name, parameter in module.named_parameters():
        if name.startswith("bias_ih_l"):
            parameter[H : 2 * H] = value
            found = True
        elif name.startswith("bias_hh_l"):
            parameter[H : 2 * H] = 0.0
    if not found:
        raise ValueError("the module has no bias_ih_l* parameters")


def lstm_layer_to_numpy(module: nn.Module, layer: int = 0) -> dict[str, np.ndarray]:
    """Return ``{"W_x": (4H, D), "W_h": (4H, H), "b": (4H,)}`` for one layer of ``module``.

    Works with :class:`ScratchLSTM` and ``torch.nn.LSTM``. ``b`` is ``bias_ih + bias_hh``
    (zeros without biases). The result feeds :func:`course_code.scratch.lstm.lstm_forward`.
    """
    W_x, W_h, b_ih, b_hh = layer_arrays(module, layer)
    return {"W_x": W_x, "W_h": W_h, "b": b_ih + b_hh}


@torch.no_grad()
def lstm_layer_from_numpy(module: nn.Module, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, layer: int = 0) -> None:
    """Write NumPy weights into one layer of ``module`` in place (``b`` into ``bias_ih``, zero ``bias_hh``).

    Raises:
        ValueError: if a shape differs from the module's parameter of that name, or
            ``b`` is not zero for a module built with ``bias=False``.
    """
    check_no_bias_lost(module, b=b)
    arrays = [("weight_ih", "W_x", W_x), ("weight_hh", "W_h", W_h)]
    has_bias = getattr(module, "bias", True)
    fill_layer(module, layer, arrays + ([("bias_ih", "b", b)] if has_bias else []))
    if has_bias:
        getattr(module, f"bias_hh_l{layer}").zero_()
