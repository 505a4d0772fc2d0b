"""Read a whole sequence with any recurrent core, answer once from its last state.

    h_T = core(x_1 .. x_T),   y_hat = w^T h_T + b   (one number per sequence)

:class:`~course_code.models.ManyToOneRNN` fixes the core to the vanilla tanh RNN;
this model takes the core as an argument, so that the remedies of
:mod:`course_code.nn.variants` (or ``torch.nn.RNN`` with another
initialisation or nonlinearity) can be compared on one regression task. With
``truncate=k`` it also trains with truncated BPTT: the state is carried across
chunks of ``k`` steps, the gradient is not.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.shapes import check_positive_int, check_tensor

__all__ = ["LastStateRegressor"]


class LastStateRegressor(nn.Module):
    """A recurrent core followed by a linear read-out of its last hidden state.

    Args:
        core: a batch-first recurrent module, ``core(x (N, T, D), h0 (1, N, H) or None)
            -> (output (N, T, H), h_n (1, N, H))``, like ``torch.nn.RNN(..., batch_first=True)``,
            :class:`~course_code.nn.VanillaRNN` or :class:`~course_code.nn.variants.LeakyRNN`.
        hidden_size: ``H``, the size of the core's state.
        truncate: ``k``: run the core on chunks of ``k`` steps and detach the
            state between chunks, so that no gradient travels more than ``k``
            steps back (``None``: full BPTT). The forward values do not change.
            Only for cores whose whole state is ``h_n`` (not :class:`SkipRNN`).

    Inputs:
        ``(N, T, D)``.

    Outputs:
        ``(N,)``: one prediction per sequence.
    """

    def __init__(self, core: nn.Module, hidden_size: int, truncate: int | None = None) -> None:
        super().__init__()
        hidden_size = check_positive_int("hidden_size", hidden_size)
        if truncate is not None:
            truncate = check_positive_int("truncate", truncate)
        self.core, self.truncate = core, truncate
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if check_tensor("x", x, ("N", "T", "D"), dtype=self.readout.weight.dtype)["T"] == 0:
            raise ValueError(f"x must have at least one time step, got shape {tuple(x.shape)} (T=0)")
        if self.truncate is None:
            _, h_n = self.core(x)  # (1, N, H)
        else:
            h_n = None
            for start in range(0, x.shape[1], self.truncate):
                chunk = x[:, start : start + self.truncate]  # (N, k, D)
                _, h_n = self.core(chunk, None if h_n is None else h_n.detach())
        return self.readout(h_n[-1])[:, 0]  # (N,)
