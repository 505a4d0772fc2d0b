"""The models the course sets against each other on the adding problem, built by name.

Every model reads ``(N, T, 2)`` sequences of the adding problem
(:func:`course_code.data.long_range.adding_problem`) and answers one number per
sequence from its last hidden state (:class:`~course_code.models.last_state.LastStateRegressor`).
They differ only in the recurrent core, its initialisation and how far back
the gradient is allowed to travel:

* ``"vanilla tanh"``: ``torch.nn.RNN`` with PyTorch's default initialisation;
* ``"orthogonal tanh"``: the same with an orthogonal ``W_hh``;
* ``"IRNN (ReLU, W = I)"``: a ReLU RNN with ``W_hh = I`` (Le et al. 2015);
* ``"leaky, alpha = 0.1"``: leaky units, :class:`~course_code.nn.variants.LeakyRNN`;
* ``"skip, d = 10"``: an extra connection from ``h_{t-10}``, :class:`~course_code.nn.variants.SkipRNN`;
* ``"truncated, k = 10"``: the vanilla RNN trained with truncated BPTT, ``k = 10``;
* ``"IRNN, truncated k = 10"``: the IRNN trained with truncated BPTT, ``k = 10``.

A builder is a plain function of its name, so a process pool can build the
same model in a worker from the same seed.
"""

from __future__ import annotations

import torch

from course_code.models.last_state import LastStateRegressor
from course_code.nn.variants import LeakyRNN, SkipRNN, init_identity_, init_orthogonal_
from course_code.reproducibility import seeded_init

__all__ = ["ADDING_MODELS", "adding_regressor"]

ADDING_MODELS = (
    "vanilla tanh",
    "orthogonal tanh",
    "IRNN (ReLU, W = I)",
    "leaky, alpha = 0.1",
    "skip, d = 10",
    "truncated, k = 10",
    "IRNN, truncated k = 10",
)
"""The names :func:`adding_regressor` accepts."""


def _irnn_core(hidden_size: int) -> torch.nn.Module:
    core = torch.nn.RNN(2, hidden_size, nonlinearity="relu", batch_first=True)
    return init_identity_(core, input_std=0.1)


def adding_regressor(kind: str, hidden_size: int = 32, seed: int = 0) -> LastStateRegressor:
    """Build one of :data:`ADDING_MODELS`, its initial weights drawn from ``seed``.

    Args:
        kind: a name from :data:`ADDING_MODELS`.
        hidden_size: ``H``.
        seed: seeds the initial weights (the same seed gives the same weights).

    Returns:
        A :class:`~course_code.models.last_state.LastStateRegressor`, ``(N, T, 2) -> (N,)``.

    Raises:
        ValueError: if ``kind`` is not one of :data:`ADDING_MODELS`.
    """
    if kind not in ADDING_MODELS:
        raise ValueError(f"kind must be one of {ADDING_MODELS}, got {kind!r}")
    with seeded_init(seed):
        if kind == "vanilla tanh":
            core, truncate = torch.nn.RNN(2, hidden_size, batch_first=True), None
        elif kind == "orthogonal tanh":
            core = init_orthogonal_(torch.nn.RNN(2, hidden_size, batch_first=True))
            truncate = None
        elif kind == "IRNN (ReLU, W = I)":
            core, truncate = _irnn_core(hidden_size), None
        elif kind == "leaky, alpha = 0.1":
            core, truncate = LeakyRNN(2, hidden_size, leak=0.1), None
        elif kind == "skip, d = 10":
            core, truncate = SkipRNN(2, hidden_size, skip=10), None
        elif kind == "truncated, k = 10":
            core, truncate = torch.nn.RNN(2, hidden_size, batch_first=True), 10
        else:
            core, truncate = _irnn_core(hidden_size), 10
        return LastStateRegressor(core, hidden_size, truncate=truncate)
