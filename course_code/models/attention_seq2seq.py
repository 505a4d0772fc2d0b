"""An encoder-decoder with attention (Bahdanau et al., 2015).

The encoder is :class:`~course_code.models.seq2seq.Encoder` (or any module that
returns an :class:`~course_code.models.seq2seq.EncoderOutput`). At every output step
the decoder looks back at all the encoder's states instead of one summary::

    c_t = attention(h_{t-1}; k_1 ... k_S)           (course_code.nn.attention: additive,
                                                     or multiplicative with score="multiplicative")
    h_t = GRUCell([E y_{t-1}; c_t], h_{t-1})
    l_t = W_hy [h_t; c_t] + b_y                      (logits for y_t)

and ``h_0 = tanh(W_c c + b_c)`` from the encoder's summary ``c``. Each step needs
``h_{t-1}`` before it can compute its context, so even under teacher forcing the
decoder runs as a loop over the output steps.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from course_code.models.seq2seq import Encoder, check_ids, unpack_batch
from course_code.nn.attention import AdditiveAttention, MultiplicativeAttention
from course_code.reproducibility import seeded_init
from course_code.shapes import check_positive_int

__all__ = ["SCORES", "AttentionSeq2Seq", "AttentionState"]

SCORES = ("additive", "multiplicative")  # how attention scores a key against the query


class AttentionState(NamedTuple):
    """The decoder's state between steps; every field is batch-first.

    * ``h``: the decoder's state, ``(N, H)``;
    * ``keys``: the encoder states, ``(N, S, H_k)``;
    * ``projected_keys``: ``W_k k_s + b``, ``(N, S, A)``;
    * ``mask``: ``(N, S)``, ``True`` on real source tokens;
    * ``weights``: the attention weights of the step just taken, ``(N, S)`` (zeros
      before the first step).
    """

    h: torch.Tensor
    keys: torch.Tensor
    projected_keys: torch.Tensor
    mask: torch.Tensor
    weights: torch.Tensor


class AttentionSeq2Seq(nn.Module):
    """Encoder, attention and a GRU decoder that reads a new context every step.

    Args:
        source_vocab_size: the source vocabulary's size; ``None`` when ``encoder`` is
            given (an encoder of frames, say, has no vocabulary).
        target_vocab_size: the target vocabulary's size, ``V``.
        embedding_dim: ``D``.
        hidden_size: ``H`` of the encoder (per direction) and the decoder.
        attention_size: ``A``, the hidden layer of the additive score.
        bidirectional: whether the default encoder reads in both directions.
        seed: seeds the initial weights (``None``: torch's global generator).
        encoder: another encoder to use instead of the bidirectional GRU: a module with
            an ``output_size`` attribute (``H_k``) whose call on source ids ``(N, S)``
            returns an :class:`~course_code.models.seq2seq.EncoderOutput` (for example
            :class:`~course_code.models.attention_encoder.SelfAttentionEncoder`). It
            keeps its own weights; ``seed`` seeds the decoder's.
        score: ``"additive"`` (Bahdanau's score network, the default) or
            ``"multiplicative"`` (Luong's ``h^T W k``; ``attention_size`` is then unused).

    Inputs: ``(source, decoder_input)``: source ``(N, S)``, decoder_input ``(N, T)``.

    Outputs: teacher-forced logits ``(N, T, V)``. :meth:`attention_weights` gives the
    weights ``(N, T, S)`` of the same pass.
    """

    def __init__(self, source_vocab_size: int | None, target_vocab_size: int,
                 embedding_dim: int = 32, hidden_size: int = 64, attention_size: int = 64,
                 bidirectional: bool = True, seed: int | None = None,
                 encoder: nn.Module | None = None, score: str = "additive") -> None:
        super().__init__()
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        hidden_size = check_positive_int("hidden_size", hidden_size)
        attention_size = check_positive_int("attention_size", attention_size)
        self.target_vocab_size = check_positive_int(
            "target_vocab_size", target_vocab_size
        )
        if score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, got {score!r}")
        if encoder is not None and not isinstance(getattr(encoder, "output_size", None), int):
            raise TypeError("encoder must be a module with an integer output_size (H_k), "
                            f"got {type(encoder).__name__}")
        with seeded_init(seed):
            if encoder is None:
                if source_vocab_size is None:
                    raise ValueError("source_vocab_size is needed when no encoder is given")
                encoder = Encoder(source_vocab_size, embedding_dim, hidden_size, bidirectional)
            self.encoder = encoder
            key_size = self.encoder.output_size
            self.init = nn.Linear(key_size, hidden_size)
            if score == "additive":
                self.attention = AdditiveAttention(hidden_size, key_size, attention_size)
            else:
                self.attention = MultiplicativeAttention(hidden_size, key_size)
            self.embedding = nn.Embedding(target_vocab_size, embedding_dim)
            self.cell = nn.GRUCell(embedding_dim + key_size, hidden_size)
            self.readout = nn.Linear(hidden_size + key_size, target_vocab_size)

    def encode(self, source: torch.Tensor) -> AttentionState:
        """The decoder's initial state for a batch of sources ``(N, S)``."""
        encoded = self.encoder(source)
        keys = encoded.states
        h0 = torch.tanh(self.init(encoded.summary))
        no_weights = torch.zeros_like(encoded.mask, dtype=keys.dtype)
        return AttentionState(h0, keys, self.attention.project_keys(keys, encoded.mask), encoded.mask,
                              no_weights)

    def decode_step(self, previous_ids: torch.Tensor,
                    state: AttentionState) -> tuple[torch.Tensor, AttentionState]:
        """``previous_ids (N,)`` -> ``(logits (N, V), next state)``.

        The new state holds this step's attention weights.
        """
        check_ids("previous_ids", previous_ids, dims=1, vocab_size=self.target_vocab_size)
        context, weights = self.attention(state.h, state.keys, state.mask,
                                          state.projected_keys)  # (N, H_k), (N, S)
        inputs = torch.cat([self.embedding(previous_ids), context], dim=1)
        h = self.cell(inputs, state.h)  # (N, H)
        logits = self.readout(torch.cat([h, context], dim=1))  # (N, V)
        return logits, state._replace(h=h, weights=weights)

    def _teacher_forced(self, batch) -> tuple[torch.Tensor, torch.Tensor]:
        source, decoder_input = unpack_batch(batch)
        check_ids("decoder_input", decoder_input, vocab_size=self.target_vocab_size)
        state = self.encode(source)
        if decoder_input.shape[0] != state.h.shape[0]:
            raise ValueError("source (N, S) and decoder_input (N, T) need the same N, got "
                             f"{tuple(source.shape)} and {tuple(decoder_input.shape)}")
        logits, weights = [], []
        for t in range(decoder_input.shape[1]):
            step_logits, state = self.decode_step(decoder_input[:, t], state)
            logits.append(step_logits)
            weights.append(state.weights)
        if not logits:
            raise ValueError("decoder_input needs at least one step (T >= 1)")
        return torch.stack(logits, dim=1), torch.stack(weights, dim=1)  # (N,T,V), (N,T,S)

    def forward(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return self._teacher_forced(batch)[0]

    def attention_weights(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        """The weights ``alpha_{t,s}`` of a teacher-forced pass, ``(N, T, S)``."""
        return self._teacher_forced(batch)[1]
