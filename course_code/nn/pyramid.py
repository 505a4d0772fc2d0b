"""The pyramid RNN: every layer above the first reads pairs of steps, so time halves layer by layer.

In a plain stack every layer runs over all ``T`` steps. Listen, Attend and
Spell (Chan et al., 2016) lets each layer above the first read the
concatenation of two consecutive outputs of the layer below::

    layer 1:      y^(1)_t = BiRNN(x)_t                              t = 1..T
    layer l > 1:  y^(l)_t = BiRNN([y^(l-1)_{2t-1} ; y^(l-1)_{2t}])_t  t = 1..ceil(T_{l-1} / 2)

so layer ``l`` runs ``T / 2^(l-1)`` steps. A merged step is twice as wide,
so the second layer's input-to-hidden product costs as much as in a plain
stack and each higher one's half as much again; the recurrent products, the
sequential loop, and every later consumer of the output (an attention
mechanism, a decoder) see half as many steps per layer.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_code.masking import check_lengths
from course_code.nn.stacked import GATE_BLOCKS, StackedRNN
from course_code.shapes import ArgumentTypeError, check_positive_int, check_tensor

__all__ = ["PyramidRNN", "layer_steps", "merge_pairs", "recurrent_multiply_adds"]


def merge_pairs(x: torch.Tensor, lengths: torch.Tensor | None = None):
    """Concatenate steps ``2t`` and ``2t + 1``: ``(N, T, F) -> (N, ceil(T / 2), 2F)``.

    An odd ``T`` gets one zero step appended first. Lengths become
    ``ceil(lengths / 2)``: a merged step is real if either of its halves is.

    Returns:
        ``(merged, new_lengths)``; ``new_lengths`` is ``None`` when ``lengths`` is.

    Raises:
        ValueError: if ``x`` is not ``(N, T, F)`` or ``lengths`` not ``(N,)`` integers in ``[1, T]``.
    """
    sizes = check_tensor("x", x, ("N", "T", "F"))
    if lengths is not None:
        lengths = torch.from_numpy(check_lengths(lengths, T=sizes["T"], N=sizes["N"], minimum=1))
    N, T, F = x.shape
    if T % 2:
        x = torch.cat([x, x.new_zeros(N, 1, F)], dim=1)
    merged = x.reshape(N, (T + 1) // 2, 2 * F)  # row-major: [x_{2t} ; x_{2t+1}] side by side
    new_lengths = None if lengths is None else (torch.as_tensor(lengths) + 1) // 2
    return merged, new_lengths


def layer_steps(T: int, num_layers: int, pyramid: bool) -> list[int]:
    """The number of time steps each layer runs: ``[T, T, ...]``, or ``[T, ceil(T/2), ceil(T/4), ...]``.

    Raises:
        ValueError: if ``T`` or ``num_layers`` is not a positive integer.
    """
    T, num_layers = check_positive_int("T", T), check_positive_int("num_layers", num_layers)
    steps, current = [], T
    for layer in range(num_layers):
        if pyramid and layer > 0:
            current = math.ceil(current / 2)
        steps.append(current)
    return steps


def recurrent_multiply_adds(mode: str, T: int, input_size: int, hidden_size: int, num_layers: int,
                            pyramid: bool, bidirectional: bool = True) -> dict[str, int]:
    """Multiply-adds of the matrix products of a stack, per sequence, split in input and recurrent parts.

    Each step of a layer computes ``G H x D_l`` multiply-adds for the input term
    and ``G H x H`` for the recurrent one (``G`` = 1, 3, 4 for RNN, GRU, LSTM),
    per direction. ``D_l`` is ``input_size`` for the first layer, ``dirs * H``
    above it in a plain stack, and ``2 dirs * H`` in a pyramid (two steps merged).

    Raises:
        ValueError: for an unknown mode or a size that is not a positive integer.
    """
    if mode not in GATE_BLOCKS:
        raise ValueError(f"mode must be one of {sorted(GATE_BLOCKS)}, got {mode!r}")
    input_size, hidden_size = check_positive_int("input_size", input_size), check_positive_int("hidden_size", hidden_size)
    G, dirs = GATE_BLOCKS[mode], 2 if bidirectional else 1
    total_input = total_recurrent = 0
    for layer, steps in enumerate(layer_steps(T, num_layers, pyramid)):
        width = input_size if layer == 0 else dirs * hidden_size * (2 if pyramid else 1)
        total_input += dirs * steps * G * hidden_size * width
        total_recurrent += dirs * steps * G * hidden_size * hidden_size
    return {"input": total_input, "recurrent": total_recurrent, "total": total_input + total_recurrent,
            "sequential_steps": sum(layer_steps(T, num_layers, pyramid))}


class PyramidRNN(nn.Module):
    """A stack of bidirectional (or one-directional) layers, each above the first on merged pairs of steps.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        input_size: ``D``. hidden_size: ``H`` per direction. num_layers: ``L``.
        bidirectional: two directions per layer (the usual choice, as in Listen, Attend and Spell).

    Inputs: ``x, lengths=None``
        x: ``(N, T, D)``, padded at the end if ``lengths`` is given.

    Outputs: ``output, lengths``
        output: ``(N, T_L, dirs * H)`` with ``T_L = ceil(T / 2^(L-1))``; lengths halved as often, or ``None``.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 3,
                 bidirectional: bool = True) -> None:
        super().__init__()
        num_layers = check_positive_int("num_layers", num_layers)
        hidden_size = check_positive_int("hidden_size", hidden_size)
        if not isinstance(bidirectional, bool):
            raise ArgumentTypeError(f"bidirectional must be True or False, got {bidirectional!r}")
        dirs = 2 if bidirectional else 1
        self.layers = nn.ModuleList(
            StackedRNN(mode, input_size if layer == 0 else 2 * dirs * hidden_size, hidden_size,
                       bidirectional=bidirectional)
            for layer in range(num_layers)
        )

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None):
        for index, layer in enumerate(self.layers):
            if index > 0:
                x, lengths = merge_pairs(x, lengths)  # (N, T, F) -> (N, ceil(T/2), 2F)
            x, _ = layer(x, lengths=lengths)
        return x, lengths
