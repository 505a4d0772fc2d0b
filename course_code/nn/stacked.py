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
sequence alone. Without ``lengths`` the layers use the fast loops of
:mod:`course_code.nn.lstm` and :mod:`course_code.nn.gru`.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from course_code.nn.bidirectional import bidirectional as run_both_directions
from course_code.nn.bidirectional import steps_mask
from course_code.nn.gru import gru_cell, gru_recurrence
from course_code.nn.layer_stack import LayerStack
from course_code.nn.lstm import lstm_cell, lstm_recurrence
from course_code.nn.rnn import rnn_cell

__all__ = ["GATE_BLOCKS", "StackedRNN", "run_layer"]

GATE_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}  # rows of weight_ih per hidden unit


def _cell_step(mode: str, x_t, state, params, nonlinearity: str):
    """One step of one layer with the readable cells; ``state`` is ``h`` or ``(h, c)``."""
    if mode == "lstm":
        return lstm_cell(x_t, state, *params)
    if mode == "gru":
        return gru_cell(x_t, state, *params)
    return rnn_cell(x_t, state, *params, nonlinearity=nonlinearity)


def _masked_loop(mode, x, state, params, nonlinearity, mask):
    """The loop over time that keeps the state of finished rows: ``h_t = m_t ⊙ cell(...) + (1 - m_t) ⊙ h_{t-1}``."""
    outputs = []
    for t in range(x.shape[1]):
        new = _cell_step(mode, x[:, t], state, params, nonlinearity)
        keep = mask[:, t, None]  # (N, 1): True while the row still has real steps
        if mode == "lstm":
            state = (torch.where(keep, new[0], state[0]), torch.where(keep, new[1], state[1]))
            outputs.append(torch.where(keep, new[0], torch.zeros_like(new[0])))
        else:
            state = torch.where(keep, new, state)
            outputs.append(torch.where(keep, new, torch.zeros_like(new)))
    return torch.stack(outputs, dim=1), state


def run_layer(mode: str, x, state, params, lengths=None, nonlinearity: str = "tanh"):
    """One recurrent layer, one direction, left to right.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        x: ``(N, T, D)``. state: the initial ``h0 (N, H)``, or ``(h0, c0)`` for an LSTM.
        params: ``(weight_ih, weight_hh, bias_ih, bias_hh)`` in PyTorch's layout (biases may be ``None``).
        lengths: real lengths ``(N,)`` of a batch padded at the end, or ``None``.

    Returns:
        ``(output (N, T, H), final_state)``; with ``lengths`` the output is zero at
        padded steps and the final state is the one after each row's last real step.
    """
    if lengths is not None:
        return _masked_loop(mode, x, state, params, nonlinearity, steps_mask(lengths, x.shape[1]).to(x.device))
    weight_ih, weight_hh, bias_ih, bias_hh = params
    x_time_major = x.transpose(0, 1)  # (T, N, D)
    if mode == "lstm":
        bias = None if bias_ih is None else bias_ih + bias_hh
        gates = F.linear(x_time_major, weight_ih, bias)  # (T, N, 4H), every step in one product
        out, h_T, c_T = lstm_recurrence(gates, state[0], state[1], weight_hh)
        return out.transpose(0, 1), (h_T, c_T)
    if mode == "gru":
        bias_hh = weight_hh.new_zeros(weight_hh.shape[0]) if bias_hh is None else bias_hh
        out, h_T = gru_recurrence(F.linear(x_time_major, weight_ih, bias_ih), state, weight_hh, bias_hh)
        return out.transpose(0, 1), h_T
    outputs, h = [], state
    for t in range(x.shape[1]):
        h = rnn_cell(x[:, t], h, *params, nonlinearity=nonlinearity)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h


class StackedRNN(LayerStack):
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
        if mode not in GATE_BLOCKS:
            raise ValueError(f"mode must be one of {sorted(GATE_BLOCKS)}, got {mode!r}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1], got {dropout!r}")
        if nonlinearity not in ("tanh", "relu") or (mode != "rnn" and nonlinearity != "tanh"):
            raise ValueError(f"nonlinearity must be 'tanh' (or 'relu' for mode='rnn'), got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, GATE_BLOCKS[mode], bidirectional)
        self.mode, self.dropout, self.nonlinearity = mode, float(dropout), nonlinearity

    def _initial_states(self, x, state):
        rows = (self.num_layers * len(self.suffixes), x.shape[0], self.hidden_size)
        if state is None:
            zeros = x.new_zeros(rows)
            return (zeros, zeros) if self.mode == "lstm" else zeros
        parts = state if self.mode == "lstm" else (state,)
        if self.mode == "lstm" and (not isinstance(state, (tuple, list)) or len(state) != 2):
            raise ValueError("the state of an LSTM must be a pair (h0, c0), each of shape (L * dirs, N, H)")
        for part in parts:
            if tuple(part.shape) != rows:
                raise ValueError(f"each initial state must have shape (L * dirs, N, H) = {rows}, "
                                 f"got {tuple(part.shape)}")
        return state

    def forward(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        if x.dim() != 3 or x.shape[2] != self.input_size or x.shape[1] == 0:
            raise ValueError(f"x must have shape (N, T, D={self.input_size}) with T >= 1, got {tuple(x.shape)}")
        state = self._initial_states(x, state)
        directions = len(self.suffixes)

        def initial(row):  # the initial state of one layer and direction
            return (state[0][row], state[1][row]) if self.mode == "lstm" else state[row]

        def runner(layer, suffix):
            params = self.layer_parameters(layer, suffix)
            row = layer * directions + self.suffixes.index(suffix)
            return lambda inputs, lens: run_layer(self.mode, inputs, initial(row), params, lens, self.nonlinearity)

        finals = []
        layer_input = x
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                layer_input = F.dropout(layer_input, self.dropout, self.training)  # between layers only
            if self.bidirectional:
                layer_input, (forward_state, backward_state) = run_both_directions(
                    runner(layer, ""), runner(layer, "_reverse"), layer_input, lengths)
                finals += [forward_state, backward_state]
            else:
                layer_input, final = runner(layer, "")(layer_input, lengths)
                finals.append(final)
        if self.mode == "lstm":
            return layer_input, (torch.stack([h for h, _ in finals]), torch.stack([c for _, c in finals]))
        return layer_input, torch.stack(finals)

    def extra_repr(self) -> str:
        return (f"{self.mode!r}, {self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"bidirectional={self.bidirectional}, dropout={self.dropout}")
