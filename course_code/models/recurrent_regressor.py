"""One regression model, three recurrent cores: the vanilla RNN, the LSTM and the GRU.

:class:`~course_code.models.last_state.LastStateRegressor` reads a whole
sequence with a core and answers once from the last hidden state ``h_T``.
It expects the core to return ``(output, h_n)``, as ``torch.nn.RNN`` and
``torch.nn.GRU`` do. An LSTM returns ``(output, (h_n, c_n))``;
:class:`HiddenStateOnly` hands on ``h_n`` alone, which is what an LSTM shows
the layers above it (its cell state ``c_n`` stays inside).
:func:`last_state_regressor` builds any of the three, so that they are compared
on one task with one read-out.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.models.last_state import LastStateRegressor
from course_code.reproducibility import seeded_init
from course_code.shapes import check_positive_int

__all__ = ["CELLS", "HiddenStateOnly", "last_state_regressor"]

CELLS = ("rnn", "lstm", "gru")
"""The recurrent cores :func:`last_state_regressor` can build."""


class HiddenStateOnly(nn.Module):
    """Wrap an LSTM so that it returns ``(output, h_n)`` like an RNN, dropping the cell state.

    Args:
        lstm: a batch-first module ``x (N, T, D) -> (output (N, T, H), (h_n, c_n))``, such as
            ``torch.nn.LSTM(..., batch_first=True)`` or :class:`~course_code.nn.lstm.ScratchLSTM`.

    Inputs: ``x, state``
        x: ``(N, T, D)``. state: must be ``None`` (zero initial states): a hidden
        state alone is not enough to restart an LSTM.

    Outputs: ``output (N, T, H), h_n (L, N, H)``.
    """

    def __init__(self, lstm: nn.Module) -> None:
        super().__init__()
        self.lstm = lstm

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        if state is not None:
            raise ValueError("HiddenStateOnly starts from zero states only: an LSTM needs (h0, c0), not h0 alone")
        output, (h_n, _) = self.lstm(x)
        return output, h_n


def last_state_regressor(
    cell: str,
    hidden_size: int,
    input_size: int = 2,
    *,
    seed: int | None = None,
    forget_gate_bias: float | None = None,
    from_scratch: bool = False,
) -> LastStateRegressor:
    """A one-layer recurrent core and a linear read-out of ``h_T``: ``(N, T, D) -> (N,)``.

    Args:
        cell: ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``.
        hidden_size: ``H``.
        input_size: ``D`` (2 for the adding problem: value and marker).
        seed: seeds the initial weights (``None``: torch's global generator).
        forget_gate_bias: for ``"lstm"`` only: set ``b_f`` to this value
            (:func:`course_code.nn.lstm.init_forget_gate_bias`); ``None`` keeps PyTorch's initialisation.
        from_scratch: use the course's modules (:class:`~course_code.nn.VanillaRNN`,
            :class:`~course_code.nn.lstm.ScratchLSTM`, :class:`~course_code.nn.gru.ScratchGRU`)
            instead of ``torch.nn.RNN``, ``LSTM``, ``GRU``. Same function, same
            initial weights for the same seed; PyTorch's are faster at small sizes.

    Raises:
        ValueError: for an unknown ``cell``, or ``forget_gate_bias`` with a cell that has no forget gate.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    hidden_size, input_size = check_positive_int("hidden_size", hidden_size), check_positive_int("input_size", input_size)
    if forget_gate_bias is not None and cell != "lstm":
        raise ValueError(f"only an LSTM has a forget gate; got forget_gate_bias with cell={cell!r}")
    with seeded_init(seed):
        if cell == "rnn":
            core = nn.RNN(input_size, hidden_size, batch_first=True)
        elif cell == "lstm":
            core = nn.LSTM(input_size, hidden_size, batch_first=True)
        else:
            core = nn.GRU(input_size, hidden_size, batch_first=True)
        model = LastStateRegressor(core, hidden_size)
    if from_scratch:
        model.core = _scratch_copy(cell, core)
    if cell == "lstm":
        if forget_gate_bias is not None:
            from course_code.nn.lstm import init_forget_gate_bias

            init_forget_gate_bias(model.core, forget_gate_bias)
        model.core = HiddenStateOnly(model.core)
    return model


def _scratch_copy(cell: str, core: nn.Module) -> nn.Module:
    """The course's module equal to ``core``, with ``core``'s weights."""
    if cell == "rnn":
        from course_code.nn import VanillaRNN as Scratch
    elif cell == "lstm":
        from course_code.nn.lstm import ScratchLSTM as Scratch
    else:
        from course_code.nn.gru import ScratchGRU as Scratch
    copy = Scratch(core.input_size, core.hidden_size)
    copy.load_state_dict(core.state_dict())
    return copy
