"""Encoder-decoder models: an encoder reads the source, a decoder conditioned on it writes.

The encoder (:class:`Encoder`) reads source tokens ``x_1 ... x_S`` with a GRU and
returns its state at every position, ``k_1 ... k_S``, and a summary ``c`` of the
whole source (its final state). The decoder (:class:`ConditionedDecoder`) is a
language model over target tokens that is *conditioned* on a context vector ``c``
(the encoder's summary here; an image's feature vector in image captioning), in one
of three ways::

    "init":  h_0 = tanh(W_c c + b_c),   h_t = GRU([E y_{t-1}],     h_{t-1})
    "input": h_0 = 0,                   h_t = GRU([E y_{t-1}; c],  h_{t-1})
    "both":  h_0 = tanh(W_c c + b_c),   h_t = GRU([E y_{t-1}; c],  h_{t-1})

with logits ``l_t = W_hy h_t + b_y`` for ``y_t``. Under "init" the context must
survive in ``h`` through every step; under "input" it is handed in again at every
step.

The GRUs are ``torch.nn.GRU``, which computes the same function as the course's
:class:`~course_code.nn.gru.ScratchGRU` (tested to 1e-6) but runs its loop in C++.

Every model here offers the interface :mod:`course_code.models.decoding` uses:
``model((source, decoder_input))`` gives teacher-forced logits ``(N, T, V)``,
``model.encode(source)`` returns a decoder state and
``model.decode_step(previous_ids, state)`` returns ``(logits (N, V), next state)``.
A state is a ``NamedTuple`` of batch-first tensors.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_code.data.pairs import PAD
from course_code.reproducibility import seeded_init
from course_code.shapes import check_positive_int

__all__ = [
    "CONDITIONING",
    "ConditionedDecoder",
    "DecoderState",
    "Encoder",
    "EncoderOutput",
    "Seq2Seq",
    "check_ids",
    "unpack_batch",
]

CONDITIONING = ("init", "input", "both")


def check_ids(name: str, ids: torch.Tensor, dims: int = 2, vocab_size: int | None = None) -> None:
    """Raise unless ``ids`` is an integer tensor with ``dims`` axes of valid token ids.

    Args:
        name: the argument's name, for the message.
        ids: the tensor to check, ``(N, S)`` if ``dims == 2``, ``(N,)`` if ``dims == 1``.
        dims: 1 or 2.
        vocab_size: if given, every id must lie in ``[0, vocab_size)``.

    Raises:
        TypeError: if ``ids`` is not a tensor, or not of an integer dtype.
        ValueError: if it has the wrong number of axes or an id out of range.
    """
    shape = "(N, S)" if dims == 2 else "(N,)"
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be an integer tensor of shape {shape}, "
                        f"got {type(ids).__name__}")
    if ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"{name} must be an integer tensor (int64) of shape {shape}, "
                        f"got {ids.dtype}")
    if ids.dim() != dims:
        raise ValueError(f"{name} must have shape {shape}, got {tuple(ids.shape)}")
    if vocab_size is not None and ids.numel() and (
        int(ids.min()) < 0 or int(ids.max()) >= vocab_size
    ):
        raise ValueError(f"{name} must hold ids in [0, {vocab_size}), got ids from "
                         f"{int(ids.min())} to {int(ids.max())}")


class EncoderOutput(NamedTuple):
    """What the encoder hands to the decoder.

    * ``states``: ``k_s`` at every position, ``(N, S, H_k)``, zeros at padding;
    * ``summary``: the final state ``(N, H_k)`` (both directions' final states,
      concatenated);
    * ``mask``: booleans ``(N, S)``, ``True`` on real source tokens.
    """

    states: torch.Tensor
    summary: torch.Tensor
    mask: torch.Tensor


def source_mask(source: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """Check a padded batch of source ids and return its mask ``(N, S)``.

    Raises:
        TypeError, ValueError: as :func:`check_ids`, or if a row is all ``PAD``.
    """
    check_ids("source", source, vocab_size=vocab_size)
    mask = source != PAD  # (N, S)
    if source.shape[0] == 0 or source.shape[1] == 0 or bool((mask.sum(1) == 0).any()):
        raise ValueError("source needs at least one row, and every row at least one token "
                         f"that is not PAD, got shape {tuple(source.shape)}")
    return mask


class Encoder(nn.Module):
    """Embedding and a (bidirectional) GRU over a padded batch of source ids.

    Args:
        vocab_size: source vocabulary size.
        embedding_dim: ``D``.
        hidden_size: ``H`` per direction.
        bidirectional: read the source in both directions; then ``H_k = 2 H``,
            else ``H_k = H``.

    Inputs: source ids ``(N, S)`` padded with ``PAD`` at the end, every row at least
    one token.

    Outputs: an :class:`EncoderOutput`. Padding does not change the result: the GRU
    runs on a packed sequence, so each row stops at its own length.
    """

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int,
                 bidirectional: bool = True) -> None:
        super().__init__()
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        hidden_size = check_positive_int("hidden_size", hidden_size)
        self.embedding = nn.Embedding(self.vocab_size, embedding_dim, padding_idx=PAD)
        self.rnn = nn.GRU(embedding_dim, hidden_size, batch_first=True,
                          bidirectional=bool(bidirectional))
        self.output_size = hidden_size * (2 if bidirectional else 1)

    def forward(self, source: torch.Tensor) -> EncoderOutput:
        mask = source_mask(source, self.vocab_size)
        lengths = mask.sum(dim=1)
        packed = pack_padded_sequence(self.embedding(source), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        states, h_n = self.rnn(packed)  # h_n: (directions, N, H)
        states, _ = pad_packed_sequence(states, batch_first=True,
                                        total_length=source.shape[1])  # (N, S, H_k)
        # forward's h_S, then backward's state after reading back to x_1: (N, H_k)
        summary = torch.cat(list(h_n), dim=1)
        return EncoderOutput(states, summary, mask)


class DecoderState(NamedTuple):
    """The decoder's state between steps.

    * ``h``: the decoder's state, ``(N, H)``;
    * ``context``: the context vector ``c`` it is conditioned on, ``(N, C)``.
    """

    h: torch.Tensor
    context: torch.Tensor


class ConditionedDecoder(nn.Module):
    """A GRU language model over target tokens, conditioned on a context vector ``c``.

    Args:
        vocab_size: ``V``, target vocabulary size.
        embedding_dim: ``D``.
        hidden_size: ``H``.
        context_size: ``C``, the size of ``c``.
        conditioning: ``"init"``, ``"input"`` or ``"both"`` (see the module docstring).

    Inputs: ``previous_ids, context``
        previous_ids: ``y_0 ... y_{T-1}``, integer ids ``(N, T)`` (``y_0 = <bos>``).
        context: ``(N, C)``.

    Outputs: logits ``(N, T, V)``: the distribution of ``y_1 ... y_T``.
    """

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int,
                 context_size: int, conditioning: str = "both") -> None:
        super().__init__()
        if conditioning not in CONDITIONING:
            raise ValueError(f"conditioning must be one of {CONDITIONING}, "
                             f"got {conditioning!r}")
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        hidden_size = check_positive_int("hidden_size", hidden_size)
        self.context_size = check_positive_int("context_size", context_size)
        self.conditioning = conditioning
        self.embedding = nn.Embedding(self.vocab_size, embedding_dim, padding_idx=PAD)
        extra = self.context_size if conditioning in ("input", "both") else 0
        self.rnn = nn.GRU(embedding_dim + extra, hidden_size, batch_first=True)
        uses_init = conditioning in ("init", "both")
        self.init = nn.Linear(self.context_size, hidden_size) if uses_init else None
        self.readout = nn.Linear(hidden_size, self.vocab_size)

    def initial_state(self, context: torch.Tensor) -> DecoderState:
        """``h_0``: ``tanh(W_c c + b_c)`` under "init" and "both", zeros under "input"."""
        if not isinstance(context, torch.Tensor):
            raise TypeError(f"context must be a tensor (N, C={self.context_size}), "
                            f"got {type(context).__name__}")
        if context.dim() != 2 or context.shape[1] != self.context_size:
            raise ValueError(f"context must have shape (N, C={self.context_size}), "
                             f"got {tuple(context.shape)}")
        if self.init is None:
            h = context.new_zeros(context.shape[0], self.rnn.hidden_size)
        else:
            h = torch.tanh(self.init(context))
        return DecoderState(h, context)

    def _inputs(self, previous_ids: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = self.embedding(previous_ids)  # (N, T, D)
        if self.conditioning == "init":
            return x
        repeated = context[:, None, :].expand(-1, x.shape[1], -1)  # (N, T, C)
        return torch.cat([x, repeated], dim=2)  # (N, T, D + C)

    def forward(self, previous_ids: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        check_ids("previous_ids", previous_ids, vocab_size=self.vocab_size)
        state = self.initial_state(context)
        if previous_ids.shape[0] != context.shape[0]:
            raise ValueError(f"previous_ids (N, T) and context (N, C) need the same N, got "
                             f"{tuple(previous_ids.shape)} and {tuple(context.shape)}")
        inputs = self._inputs(previous_ids, context)
        states, _ = self.rnn(inputs, state.h[None])  # (N, T, H)
        return self.readout(states)

    def step(self, previous_ids: torch.Tensor,
             state: DecoderState) -> tuple[torch.Tensor, DecoderState]:
        """One step: ``previous_ids (N,)`` and the state -> ``(logits (N, V), next state)``."""
        check_ids("previous_ids", previous_ids, dims=1, vocab_size=self.vocab_size)
        inputs = self._inputs(previous_ids[:, None], state.context)  # (N, 1, D [+ C])
        out, h = self.rnn(inputs, state.h[None])
        return self.readout(out[:, 0]), DecoderState(h[0], state.context)


class Seq2Seq(nn.Module):
    """Encoder-decoder without attention: the decoder sees the source through one vector.

    The context ``c`` is the encoder's final state, of size ``H_k`` (``2 H`` when
    bidirectional), the same for every output step: the fixed-length bottleneck.

    Args:
        source_vocab_size: the source vocabulary's size.
        target_vocab_size: the target vocabulary's size, ``V``.
        embedding_dim: ``D`` of both embeddings.
        hidden_size: ``H`` of the encoder (per direction) and of the decoder.
        conditioning: how the decoder uses ``c``: ``"init"``, ``"input"`` or ``"both"``.
        bidirectional: whether the encoder reads in both directions.
        seed: seeds the initial weights (``None``: torch's global generator).

    Inputs: ``(source, decoder_input)``, one pair (as
    :class:`~course_code.data.pairs.PairBatches` yields): source ``(N, S)`` and
    decoder_input ``(N, T)`` (``<bos> y_1 ... y_{T-1}``).

    Outputs: teacher-forced logits ``(N, T, V)``.
    """

    def __init__(self, source_vocab_size: int, target_vocab_size: int,
                 embedding_dim: int = 32, hidden_size: int = 64, conditioning: str = "both",
                 bidirectional: bool = True, seed: int | None = None) -> None:
        super().__init__()
        with seeded_init(seed):
            self.encoder = Encoder(source_vocab_size, embedding_dim, hidden_size,
                                   bidirectional)
            self.decoder = ConditionedDecoder(target_vocab_size, embedding_dim, hidden_size,
                                              self.encoder.output_size, conditioning)

    def forward(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        source, decoder_input = unpack_batch(batch)
        return self.decoder(decoder_input, self.encoder(source).summary)

    def encode(self, source: torch.Tensor) -> DecoderState:
        """The decoder's initial state for a batch of sources ``(N, S)``."""
        return self.decoder.initial_state(self.encoder(source).summary)

    def decode_step(self, previous_ids: torch.Tensor,
                    state: DecoderState) -> tuple[torch.Tensor, DecoderState]:
        """``previous_ids (N,)`` -> ``(logits (N, V), next state)``."""
        return self.decoder.step(previous_ids, state)


def unpack_batch(batch) -> tuple[torch.Tensor, torch.Tensor]:
    """``(source, decoder_input)`` from an encoder-decoder's one argument, or a clear error.

    Raises:
        TypeError: if ``batch`` is not a pair.
    """
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError("an encoder-decoder takes one argument, the pair "
                        f"(source (N, S), decoder_input (N, T)), got {type(batch).__name__}")
    return batch[0], batch[1]
