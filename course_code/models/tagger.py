"""A sequence tagger: one label per input token, from a (bi)directional recurrent stack.

    token ids (N, T) -> embedding (N, T, D) -> StackedRNN -> (N, T, dirs * H) -> linear -> logits (N, T, V)

The lengths of a padded batch are read from the token ids (padding is
``padding_id``, at the end of each row), so the recurrent layers stop at every
sentence's last real word, and the backward direction starts there.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.reproducibility import seeded_init
from course_code.nn.stacked import StackedRNN
from course_code.shapes import check_ids, check_positive_int, check_tensor

__all__ = ["SequenceTagger"]


class SequenceTagger(nn.Module):
    """Embedding, a recurrent stack and a per-step linear read-out.

    Args:
        vocab_size: number of token ids, padding included.
        num_tags: ``V``, the number of tags.
        embedding_dim: ``D``. hidden_size: ``H`` per direction.
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        num_layers: ``L``. bidirectional: read in both directions.
        dropout: between recurrent layers, see :class:`~course_code.nn.stacked.StackedRNN`.
        padding_id: the token id of padding steps.
        seed: seeds the initial weights (``None``: torch's global generator).

    Inputs: token ids ``(N, T)``, padded at the end with ``padding_id``; every row has at least one real token.

    Outputs: logits ``(N, T, V)`` (zeros through the recurrent part at padded steps; mask them in the loss).
    """

    def __init__(self, vocab_size: int, num_tags: int, embedding_dim: int, hidden_size: int, mode: str = "gru",
                 num_layers: int = 1, bidirectional: bool = False, dropout: float = 0.0, padding_id: int = 0,
                 seed: int | None = None) -> None:
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("num_tags", num_tags), ("embedding_dim", embedding_dim)):
            check_positive_int(name, value)
        self.padding_id = check_positive_int("padding_id", padding_id, minimum=0)
        with seeded_init(seed):
            self.embedding = nn.Embedding(vocab_size, embedding_dim)
            self.rnn = StackedRNN(mode, embedding_dim, hidden_size, num_layers=num_layers,
                                  bidirectional=bidirectional, dropout=dropout)
            self.readout = nn.Linear(hidden_size * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        check_tensor("tokens", tokens, ("N", "T"), dtype="integer")
        check_ids("tokens", tokens, self.embedding.num_embeddings)
        lengths = (tokens != self.padding_id).sum(dim=1)  # (N,): padding sits at the end
        if bool((lengths == 0).any()):
            raise ValueError("every row must hold at least one real token")
        outputs, _ = self.rnn(self.embedding(tokens), lengths=lengths)  # (N, T, dirs * H)
        return self.readout(outputs)  # (N, T, V)
