"""A character-level language model: embedding -> recurrent layer -> linear read-out.

For input characters ``c_1, ..., c_T`` it computes, at every step,

    x_t = E[c_t]                                  (embedding, D numbers)
    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)      (course_code.nn.VanillaRNN)
    l_t = W_hy h_t + b_y                          (logits over the V characters)

and ``softmax(l_t)`` is its distribution of the character ``c_{t+1}``. With
``cell="lstm"`` or ``cell="gru"`` the recurrent layer is
:class:`~course_code.nn.lstm.ScratchLSTM` or :class:`~course_code.nn.gru.ScratchGRU`
instead, so the three can be compared on the same text.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from course_code.reproducibility import seeded_init
from course_code.nn import VanillaRNN
from course_code.shapes import check_ids, check_positive_int, check_tensor

__all__ = ["CharRNN", "text_cross_entropy"]


_CELLS = ("rnn", "lstm", "gru")


def _recurrent_layer(cell: str, input_size: int, hidden_size: int, num_layers: int) -> nn.Module:
    if cell == "rnn":
        return VanillaRNN(input_size, hidden_size, num_layers=num_layers)
    if cell == "lstm":
        from course_code.nn.lstm import ScratchLSTM  # imported here: it compiles its loop on import

        return ScratchLSTM(input_size, hidden_size, num_layers=num_layers)
    from course_code.nn.gru import ScratchGRU

    return ScratchGRU(input_size, hidden_size, num_layers=num_layers)


class CharRNN(nn.Module):
    """Embedding, a recurrent layer (:class:`~course_code.nn.VanillaRNN` by default) and a linear layer.

    Args:
        vocab_size: ``V``, the number of characters.
        hidden_size: ``H``.
        embedding_dim: ``D``, the size of each character's learned vector.
        num_layers: ``L``, stacked RNN layers.
        seed: seeds the initial weights (``None``: torch's global generator).
        cell: ``"rnn"`` (the vanilla tanh RNN), ``"lstm"`` or ``"gru"``.

    Inputs: ``ids, h0``
        ids: integer character ids ``(N, T)``.
        h0: ``(L, N, H)`` (for an LSTM the pair ``(h0, c0)``), or ``None`` for zeros.

    Outputs:
        logits ``(N, T, V)``; with ``return_state=True``, ``(logits, h_n)``
        with ``h_n`` of shape ``(L, N, H)`` (for an LSTM the pair ``(h_n, c_n)``),
        to continue from where it stopped.
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        embedding_dim: int = 32,
        num_layers: int = 1,
        seed: int | None = None,
        cell: str = "rnn",
    ) -> None:
        super().__init__()
        if cell not in _CELLS:
            raise ValueError(f"cell must be one of {_CELLS}, got {cell!r}")
        for name, value in (("vocab_size", vocab_size), ("embedding_dim", embedding_dim)):
            check_positive_int(name, value)
        self.vocab_size = vocab_size
        self.cell = cell
        with seeded_init(seed):
            self.embedding = nn.Embedding(vocab_size, embedding_dim)
            self.rnn = _recurrent_layer(cell, embedding_dim, hidden_size, num_layers)
            self.readout = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, h0: torch.Tensor | None = None, return_state: bool = False):
        check_tensor("ids", ids, ("N", "T"), dtype="integer")
        check_ids("ids", ids, self.vocab_size)
        states, h_n = self.rnn(self.embedding(ids), h0)  # (N, T, H), (L, N, H) or a pair of them
        logits = self.readout(states)  # (N, T, V)
        return (logits, h_n) if return_state else logits


def text_cross_entropy(model: CharRNN, ids, num_streams: int = 16) -> float:
    """The mean cross-entropy, in nats, of a model predicting each next character of a text.

    The text is cut into ``num_streams`` consecutive rows of ``S`` targets
    each (``S = (len(ids) - 1) // num_streams``), read in parallel, each from
    a zero state. Row ``r`` reads ``ids[r S : (r + 1) S]`` and predicts
    ``ids[r S + 1 : (r + 1) S + 1]``, so together the rows predict exactly the
    characters ``ids[1 : R S + 1]``, each given everything before it in its row.

    Args:
        model: a :class:`CharRNN`.
        ids: the encoded text, integers ``(L,)`` with ``L > num_streams``.
        num_streams: ``R``, rows processed in parallel.

    Returns:
        ``-mean log p(c_{t+1} | c_{<=t})`` over the ``R S`` predicted characters.
    """
    num_streams = check_positive_int("num_streams", num_streams)
    ids = np.asarray(ids) if not isinstance(ids, torch.Tensor) else ids
    check_ids("ids", ids, model.vocab_size)
    ids = torch.as_tensor(ids, dtype=torch.int64)
    if ids.dim() != 1 or ids.shape[0] <= num_streams:
        raise ValueError(f"ids must have shape (L,) with L > num_streams={num_streams}, got {tuple(ids.shape)}")
    S = (ids.shape[0] - 1) // num_streams
    inputs = ids[: num_streams * S].reshape(num_streams, S)  # (R, S)
    targets = ids[1 : num_streams * S + 1].reshape(num_streams, S)  # (R, S)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(inputs)  # (R, S, V)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    model.train(was_training)
    return float(loss) if math.isfinite(float(loss)) else math.inf
