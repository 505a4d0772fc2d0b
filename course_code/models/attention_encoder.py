"""An encoder without recurrence: embeddings, optional positions, self-attention layers.

Each layer is a transformer encoder layer (Vaswani et al., 2017, with the layer norm
after each residual sum)::

    z = LayerNorm(x + SelfAttention(x))          every position reads every position
    x = LayerNorm(z + W_2 relu(W_1 z + b_1) + b_2)

and the input is ``x_s = E w_s`` (the word's embedding) or, with
``positions="sinusoidal"``, ``x_s = E w_s + p_s`` with the sinusoidal encodings of
:func:`~course_code.nn.self_attention.sinusoidal_positions`. Without positions every
layer is permutation equivariant, so the keys it hands the decoder are the same set
of vectors whatever the word order: only the positions tell "twenty one thousand"
from "one thousand twenty". Its output plugs into
:class:`~course_code.models.attention_seq2seq.AttentionSeq2Seq` in place of the
bidirectional GRU.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.models.seq2seq import EncoderOutput, source_mask
from course_code.nn.self_attention import SelfAttention, sinusoidal_positions
from course_code.reproducibility import seeded_init
from course_code.shapes import check_positive_int

__all__ = ["POSITIONS", "SelfAttentionEncoder"]

POSITIONS = ("none", "sinusoidal")


class _EncoderLayer(nn.Module):
    def __init__(self, embed_dim: int, num_heads: int, feedforward_size: int) -> None:
        super().__init__()
        self.attention = SelfAttention(embed_dim, num_heads)
        self.norm1 = nn.LayerNorm(embed_dim)
        self.feedforward = nn.Sequential(nn.Linear(embed_dim, feedforward_size), nn.ReLU(),
                                         nn.Linear(feedforward_size, embed_dim))
        self.norm2 = nn.LayerNorm(embed_dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        z = self.norm1(x + self.attention(x, mask)[0])
        return self.norm2(z + self.feedforward(z))


class SelfAttentionEncoder(nn.Module):
    """Embedding (plus positions) and self-attention layers over padded source ids.

    Args:
        vocab_size: the source vocabulary's size.
        embed_dim: ``E``, the size of every key it returns (``H_k = E``); even.
        num_heads: ``h``, a divisor of ``E``.
        num_layers: how many encoder layers.
        feedforward_size: the hidden size of each layer's feed-forward network.
        positions: ``"none"`` or ``"sinusoidal"``.
        seed: seeds the initial weights (``None``: torch's global generator).

    Inputs: source ids ``(N, S)`` padded with ``PAD``, every row at least one token.

    Outputs: an :class:`~course_code.models.seq2seq.EncoderOutput`: states ``(N, S, E)``
    (zeros at padding), their mean over the real positions as the summary ``(N, E)``,
    and the mask.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, num_heads: int = 4,
                 num_layers: int = 2, feedforward_size: int = 128,
                 positions: str = "sinusoidal", seed: int | None = None) -> None:
        super().__init__()
        if positions not in POSITIONS:
            raise ValueError(f"positions must be one of {POSITIONS}, got {positions!r}")
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        self.output_size = check_positive_int("embed_dim", embed_dim)
        if embed_dim % 2:
            raise ValueError(f"embed_dim must be even (sinusoids come in pairs), got {embed_dim}")
        num_layers = check_positive_int("num_layers", num_layers)
        feedforward_size = check_positive_int("feedforward_size", feedforward_size)
        self.positions = positions
        with seeded_init(seed):
            self.embedding = nn.Embedding(vocab_size, embed_dim)
            self.layers = nn.ModuleList(_EncoderLayer(embed_dim, num_heads, feedforward_size)
                                        for _ in range(num_layers))

    def forward(self, source: torch.Tensor) -> EncoderOutput:
        mask = source_mask(source, self.vocab_size)  # (N, S)
        x = self.embedding(source)  # (N, S, E)
        if self.positions == "sinusoidal":
            x = x + sinusoidal_positions(source.shape[1], self.output_size, x.dtype)
        for layer in self.layers:
            x = layer(x, mask)
        states = x * mask[..., None]  # (N, S, E), zeros at padding
        summary = states.sum(1) / mask.sum(1, keepdim=True)  # (N, E)
        return EncoderOutput(states, summary, mask)
