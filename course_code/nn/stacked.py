"""Stacked, optionally bidirectional, recurrent layers with dropout between them.

``StackedRNN("lstm", D, H, num_layers=L, bidirectional=True, dropout=p)``
computes what ``torch.nn.LSTM(D, H, num_layers=L, bidirectional=True,
dropout=p, batch_first=True)`` computes, with the same parameter names
(``weight_ih_l0``, ..., and ``weight_ih_l0_reverse``, ... for the backward
direction), so state dicts copy across in both directions. ``"gru"`` and
``"rnn"`` (tanh or ReLU) work the same way.

Stacking: layer ``l + 1`` reads the outputs of layer ``l`` at every step. With
two directions it reads both, concatenated, so its input size is ``2H``::

    y^(0)_t = x_t
    y^(l)_t = [h→^(l)_t ; h←^(l)_t],  each direction reading dropout(y^(l-1)_1..T)

Dropout acts on what one layer passes up to the next (never on the recurrent
connection ``h_{t-1} -> h_t``, and never after the last layer), and only in
training mode, as in PyTorch.

Padding: given ``lengths``, each direction stops at every row's last real step
(a padded step leaves the state unchanged and outputs zeros), so the result
equals PyTorch's on a ``pack_padded_sequence`` and equals running each
sequence alone, whatever the padding holds. Without ``lengths`` the GRU and
LSTM layers use the fast loops of :mod:`course_code.nn.fused`.

``StackedRNN`` is :class:`course_code.nn.recurrent.RecurrentStack` with the cell
named by ``mode``; the base registers the parameters, checks the inputs and
runs the layers.
"""

from __future__ import annotations

import torch

from course_code.masking import steps_mask
from course_code.nn.gru import GRU_CELL
from course_code.nn.lstm import LSTM_CELL
from course_code.nn.recurrent import RecurrentStack, run_cell
from course_code.nn.rnn import RNN_CELLS

__all__ = ["GATE_BLOCKS", "StackedRNN", "run_layer"]

GATE_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}  # rows of weight_ih per hidden unit


def _cell(mode: str, nonlinearity: str = "tanh"):
    if mode not in GATE_BLOCKS:
        raise ValueError(f"mode must be one of {sorted(GATE_BLOCKS)}, got {mode!r}")
    if nonlinearity not in ("tanh", "relu") or (
        mode != "rnn" and nonlinearity != "tanh"
    ):
        raise ValueError(
            f"nonlinearity must be 'tanh' (or 'relu' for mode='rnn'), got {nonlinearity!r}"
        )
    return {"rnn": RNN_CELLS.get(nonlinearity), "gru": GRU_CELL, "lstm": LSTM_CELL}[
        mode
    ]


def run_layer(mode: str, x, state, params, lengths=None, nonlinearity: str = "tanh"):
    """One recurrent layer, one direction, left to right.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        x: ``(N, T, D)``. state: the initial ``h0 (N, H)``, or ``(h0, c0)`` for an LSTM.
        params: ``(weight_ih, weight_hh, bias_ih, bias_hh)`` in PyTorch's layout (biases may be ``None``).
        lengths: real lengths ``(N,)``, integers in ``[1, T]``, or ``None``.
        nonlinearity: ``"tanh"`` or ``"relu"``, for ``mode="rnn"``.

    Returns:
        ``(output (N, T, H), final_state)``; with ``lengths`` the output is zero at
        padded steps and the final state is the one after each row's last real step.

    Raises:
        ValueError: for an unknown mode or nonlinearity, or lengths outside ``[1, T]``.
    """
    mask = (
        None
        if lengths is None
        else steps_mask(lengths, x.shape[1], N=x.shape[0]).to(x.device)
    )
    return run_cell(_cell(mode, nonlinearity), x, state, params, mask)


class StackedRNN(RecurrentStack):
    """``L`` recurrent layers, one or two directions each, batch-first, equal to ``torch.nn.RNN/GRU/LSTM``.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        input_size: ``D``. hidden_size: ``H`` per direction.
        num_layers: ``L``.
        bidirectional: add a backward direction to every layer.
        dropout: probability of zeroing each input of layers ``2..L`` in training mode.
        nonlinearity: ``"tanh"`` or ``"relu"``, for ``mode="rnn"`` only.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.

    Inputs: ``x, state=None, lengths=None``
        x: ``(N, T, D)``, padded at the end if ``lengths`` is given.
        state: ``h0 (L * dirs, N, H)``, or ``(h0, c0)`` for an LSTM; ``None`` for zeros. Rows are
        ordered layer by layer, forward before backward, as in PyTorch.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``, or ``None``.

    Outputs: ``output, h_n`` (``output, (h_n, c_n)`` for an LSTM)
        output: the last layer's outputs, ``(N, T, dirs * H)``, both directions concatenated.
        h_n, c_n: every layer's and direction's final states, ``(L * dirs, N, H)``.

    Raises:
        ValueError: for an unknown mode or nonlinearity, and as
            :class:`~course_code.nn.recurrent.RecurrentStack`.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        nonlinearity: str = "tanh",
        bias: bool = True,
    ) -> None:
        super().__init__(
            _cell(mode, nonlinearity),
            input_size,
            hidden_size,
            num_layers,
            bias,
            bidirectional,
            dropout,
        )
        self.mode, self.nonlinearity = mode, nonlinearity

    def forward(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        """The loop over layers and directions of :class:`~course_code.nn.recurrent.RecurrentStack`."""
        return super().forward(x, state, lengths)

    def extra_repr(self) -> str:
        return (
            f"{self.mode!r}, {self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"bidirectional={self.bidirectional}, dropout={self.dropout}"
        )
