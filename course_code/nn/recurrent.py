"""One base for every recurrent stack of the course, on the pattern of PyTorch's ``RNNBase``.

PyTorch writes ``torch.nn.RNN``, ``GRU`` and ``LSTM`` as one class, ``RNNBase``,
that registers the parameters, checks the inputs and runs the layers, plus a
*mode* that says which cell to run. :class:`RecurrentStack` is that class for
the course: one place that

* registers ``weight_ih_l{l}``, ``weight_hh_l{l}``, ``bias_ih_l{l}``, ``bias_hh_l{l}``
  (and ``..._reverse`` for a second direction) and initialises them as PyTorch
  does (:class:`course_code.nn.layer_stack.LayerStack`);
* checks ``x``, the initial state and ``lengths`` with :mod:`course_code.shapes`,
  so a torch module's messages read like the NumPy functions' (``(L, N=2, H=4)``);
* loops over layers and directions, with dropout between layers.

What differs between an RNN, a GRU and an LSTM is a :class:`RecurrentCell`: the
step, how many blocks its weights stack, whether its state is a pair ``(h, c)``,
and optionally a faster whole-layer loop. ``VanillaRNN``, ``ScratchGRU``,
``ScratchLSTM`` and ``StackedRNN`` are this base with a cell plugged in.

**Padding** (``lengths`` given): each direction stops at every row's last real
step. Padded steps are *selected away*, never multiplied away: the cell reads
``where(real, x_t, 0)`` instead of ``x_t``, a finished row keeps its state by
``where(real, new, old)``, and outputs are ``where(real, h_t, 0)``. So whatever
the padding holds (NaN, infinity), no padded value enters the computation of a
real step, and outputs, states and every gradient are exactly those of each
sequence run alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from course_code.masking import steps_mask
from course_code.nn.bidirectional import bidirectional as run_both_directions
from course_code.nn.layer_stack import LayerStack
from course_code.shapes import ArgumentTypeError, check_probability, check_tensor

__all__ = ["RecurrentCell", "RecurrentStack"]

Params = tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None]


@dataclass(frozen=True)
class RecurrentCell:
    """What one kind of recurrent layer plugs into :class:`RecurrentStack`.

    Attributes:
        name: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        blocks: how many ``H``-row blocks its weights stack (1, 3 for ``r, z, n``, 4 for ``i, f, g, o``).
        step: ``step(x_t (N, D), state, weight_ih, weight_hh, bias_ih, bias_hh) -> new state``,
            the readable cell; the state is ``h (N, H)`` or the pair ``(h, c)``.
        paired_state: whether the state is ``(h, c)`` (the LSTM) rather than ``h``.
        layer: optionally, a faster loop over a whole unpadded layer,
            ``layer(x (N, T, D), state, *params) -> (output (N, T, H), final state)``,
            computing what looping ``step`` computes.
    """

    name: str
    blocks: int
    step: Callable
    paired_state: bool = False
    layer: Callable | None = None


def _output_of(cell: RecurrentCell, state):
    return state[0] if cell.paired_state else state


def run_cell(
    cell: RecurrentCell,
    x: torch.Tensor,
    state,
    params: Params,
    mask: torch.Tensor | None = None,
):
    """One layer, one direction, left to right, over a batch-first ``x (N, T, D)``.

    Args:
        cell: what to run at each step.
        x: ``(N, T, D)``. state: the initial ``h0 (N, H)``, or ``(h0, c0)``.
        params: ``(weight_ih, weight_hh, bias_ih, bias_hh)`` (biases may be ``None``).
        mask: ``(N, T)`` booleans, ``True`` on real steps, or ``None`` when every step is real.

    Returns:
        ``(output (N, T, H), final_state)``. With a mask the output is exactly zero at
        padded steps and the final state is the one after each row's last real step.
    """
    if mask is None and cell.layer is not None:
        return cell.layer(x, state, *params)
    if mask is not None:
        x = torch.where(
            mask[..., None], x, torch.zeros_like(x)
        )  # padding never enters the cell
    outputs = []
    for t in range(x.shape[1]):
        new = cell.step(x[:, t], state, *params)
        if mask is None:
            state = new
            outputs.append(_output_of(cell, new))
            continue
        real = mask[:, t, None]  # (N, 1): True while the row still has real steps
        if cell.paired_state:
            state = (
                torch.where(real, new[0], state[0]),
                torch.where(real, new[1], state[1]),
            )
        else:
            state = torch.where(
                real, new, state
            )  # a finished row keeps its last real state
        h = _output_of(cell, new)
        outputs.append(torch.where(real, h, torch.zeros_like(h)))
    return torch.stack(outputs, dim=1), state


class RecurrentStack(LayerStack):
    """``L`` recurrent layers of one cell, one or two directions each, batch-first.

    Args:
        cell: the :class:`RecurrentCell` every layer runs.
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer and direction.
        num_layers: ``L``; layer ``l + 1`` reads the outputs of layer ``l``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.
        bidirectional: add a backward direction to every layer.
        dropout: probability of zeroing each input of layers ``2..L`` in training mode.

    Inputs: ``x, state=None, lengths=None``
        x: ``(N, T, D)`` with ``T >= 1``, of the parameters' dtype; padded at the end if
        ``lengths`` is given.
        state: ``h0`` of shape ``(L, N, H)`` (``(2L, N, H)`` with two directions), or the pair
        ``(h0, c0)`` for an LSTM; ``None`` for zeros. Rows are ordered layer by layer,
        forward before backward, as in PyTorch.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``, or ``None``.

    Outputs: ``output, h_n`` (``output, (h_n, c_n)`` for an LSTM)
        output: the last layer's outputs, ``(N, T, H)`` (``(N, T, 2H)`` with two directions,
        concatenated); zero at padded steps.
        h_n, c_n: every layer's and direction's final states, shaped like the state.

    Raises:
        ValueError: for a size that is not a positive integer, a dropout outside ``[0, 1]``,
            or inputs of the wrong shape (the message names the argument and the shape
            in the course's letters).
        TypeError: for inputs that are not tensors, or not of the parameters' dtype.
    """

    def __init__(
        self,
        cell: RecurrentCell,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        bidirectional: bool = False,
        dropout: float = 0.0,
    ) -> None:
        for name, flag in (("bias", bias), ("bidirectional", bidirectional)):
            if not isinstance(flag, bool):
                raise ArgumentTypeError(f"{name} must be True or False, got {flag!r}")
        dropout = check_probability("dropout", dropout)
        super().__init__(
            input_size, hidden_size, num_layers, bias, cell.blocks, bidirectional
        )
        self.cell, self.dropout = cell, dropout

    def check_inputs(self, x, state=None, lengths=None):
        """Check the inputs of :meth:`forward`; return ``(state, mask)`` with zeros for a missing state.

        ``mask`` is ``(N, T)`` booleans from ``lengths``, or ``None``.
        """
        weight = self.weight_ih_l0
        sizes = check_tensor(
            "x", x, ("N", "T", "D"), {"D": self.input_size}, dtype=weight.dtype
        )
        if sizes["T"] == 0:
            raise ValueError(
                f"x must have at least one time step, got shape {tuple(x.shape)} (T=0)"
            )
        rows = "2L" if self.bidirectional else "L"
        sizes.update(L=self.num_layers, H=self.hidden_size)
        shape = (len(self.suffixes) * self.num_layers, sizes["N"], self.hidden_size)
        if state is None:
            zeros = x.new_zeros(shape)
            state = (zeros, zeros) if self.cell.paired_state else zeros
        elif self.cell.paired_state:
            if not isinstance(state, (tuple, list)) or len(state) != 2:
                raise ArgumentTypeError(
                    f"the state of an LSTM must be a pair (h0, c0), each of shape "
                    f"({rows}, N, H), got {type(state).__name__}"
                )
            for name, part in zip(("h0", "c0"), state):
                check_tensor(name, part, (rows, "N", "H"), sizes, dtype=weight.dtype)
            state = tuple(state)
        else:
            check_tensor("h0", state, (rows, "N", "H"), sizes, dtype=weight.dtype)
        mask = (
            None
            if lengths is None
            else steps_mask(lengths, sizes["T"], N=sizes["N"]).to(x.device)
        )
        return state, mask

    def run_direction(
        self, layer: int, suffix: str, x: torch.Tensor, state, mask: torch.Tensor | None
    ):
        """Layer ``layer`` in one direction (``suffix`` ``""`` or ``"_reverse"``), left to right over ``x``.

        ``state`` holds the initial states of every row of the stack; this picks its own.
        Returns ``(output (N, T, H), final state)``.
        """
        row = layer * len(self.suffixes) + self.suffixes.index(suffix)
        initial = (
            (state[0][row], state[1][row]) if self.cell.paired_state else state[row]
        )
        return run_cell(
            self.cell, x, initial, self.layer_parameters(layer, suffix), mask
        )

    def forward(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        state, mask = self.check_inputs(x, state, lengths)
        finals = []
        layer_input = x
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                layer_input = F.dropout(
                    layer_input, self.dropout, self.training
                )  # between layers only
            if self.bidirectional:
                layer_input, (forward_state, backward_state) = run_both_directions(
                    lambda inputs, _, layer=layer: self.run_direction(
                        layer, "", inputs, state, mask
                    ),
                    lambda inputs, _, layer=layer: self.run_direction(
                        layer, "_reverse", inputs, state, mask
                    ),
                    layer_input,
                    lengths,
                )
                finals += [forward_state, backward_state]
            else:
                layer_input, final = self.run_direction(
                    layer, "", layer_input, state, mask
                )
                finals.append(final)
        if self.cell.paired_state:
            return layer_input, (
                torch.stack([h for h, _ in finals]),
                torch.stack([c for _, c in finals]),
            )
        return layer_input, torch.stack(finals)
