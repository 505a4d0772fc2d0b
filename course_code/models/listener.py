"""A listener: a recurrent encoder over long inputs of frames, and an attention decoder.

Listen, Attend and Spell (Chan et al., 2016) transcribes speech with an encoder over
the frames (the *listener*) and the attention decoder of
:mod:`course_code.models.attention_seq2seq` (the *speller*). What the decoder attends
over is the encoder's top layer; this module builds three encoders of ``L``
bidirectional layers with ``H`` units per direction that differ only in how many
steps each layer runs:

* ``"plain"``: :class:`~course_code.nn.stacked.StackedRNN`, every layer over all
  ``T`` frames, so attention scores ``T`` keys;
* ``"pyramid"``: :class:`~course_code.nn.pyramid.PyramidRNN`, each layer above the
  first over merged pairs of the steps below: ``T, T/2, ..., T/2^(L-1)`` steps;
* ``"stacked_frames"``: ``2^(L-1)`` consecutive frames concatenated into one step
  before a plain stack, so every layer runs the pyramid's top ``T / 2^(L-1)``
  steps: the same short sequence for attention, without the pyramid's long bottom
  layer.

The summary that starts the decoder (``h_0 = tanh(W_c c + b_c)``) is the top layer's
forward state after the last step beside its backward state after the first.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.models.attention_seq2seq import AttentionSeq2Seq
from course_code.models.decoding import exact_match, greedy_decode
from course_code.models.seq2seq import EncoderOutput, check_ids
from course_code.nn.pyramid import PyramidRNN, merge_pairs
from course_code.nn.stacked import StackedRNN
from course_code.reproducibility import seeded_init
from course_code.shapes import check_positive_int, check_tensor

__all__ = [
    "ENCODER_KINDS",
    "FrameEncoder",
    "listener",
]

ENCODER_KINDS = ("plain", "pyramid", "stacked_frames")


class FrameEncoder(nn.Module):
    """``L`` bidirectional recurrent layers over frames, as ``kind`` says (see above).

    Args:
        kind: ``"plain"``, ``"pyramid"`` or ``"stacked_frames"``.
        input_size: ``D``. hidden_size: ``H`` per direction. num_layers: ``L``.
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.

    Inputs: frames ``(N, T, D)``, floating point; every row a full window (no padding).

    Outputs: a :class:`~course_code.models.seq2seq.EncoderOutput`: states ``(N, S, 2H)``
    with ``S = T`` for ``"plain"`` and ``S = ceil(T / 2^(L-1))`` otherwise, the
    summary ``(N, 2H)``, and a mask ``(N, S)`` that is all ``True``.
    """

    def __init__(
        self,
        kind: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 3,
        mode: str = "lstm",
    ) -> None:
        super().__init__()
        if kind not in ENCODER_KINDS:
            raise ValueError(f"kind must be one of {ENCODER_KINDS}, got {kind!r}")
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.kind = kind
        self.merges = 0 if kind == "plain" else self.num_layers - 1
        if kind == "pyramid":
            self.rnn = PyramidRNN(mode, input_size, hidden_size, num_layers)
        else:
            width = input_size * 2 ** (self.merges if kind == "stacked_frames" else 0)
            self.rnn = StackedRNN(
                mode, width, hidden_size, num_layers, bidirectional=True
            )
        self.output_size = 2 * self.hidden_size

    def forward(self, frames: torch.Tensor) -> EncoderOutput:
        check_tensor(
            "frames", frames, ("N", "T", "D"), {"D": self.input_size}, dtype="float"
        )
        x = frames
        if self.kind == "stacked_frames":
            for _ in range(self.merges):
                x, _ = merge_pairs(x)  # (N, T, F) -> (N, ceil(T/2), 2F)
        states = self.rnn(x)[0]  # (N, S, 2H)
        H = self.hidden_size
        summary = torch.cat([states[:, -1, :H], states[:, 0, H:]], dim=1)  # (N, 2H)
        mask = torch.ones(states.shape[:2], dtype=torch.bool)
        return EncoderOutput(states, summary, mask)


def listener(
    kind: str,
    input_size: int,
    vocab_size: int,
    hidden_size: int = 32,
    num_layers: int = 3,
    attention_size: int = 32,
    embedding_dim: int = 16,
    mode: str = "lstm",
    seed: int | None = None,
) -> AttentionSeq2Seq:
    """A :class:`FrameEncoder` and the attention decoder of ``AttentionSeq2Seq``.

    Args:
        kind: the encoder, one of :data:`ENCODER_KINDS`.
        input_size: ``D``, features per frame. vocab_size: ``V``, output ids.
        hidden_size: ``H`` per direction of the encoder; the decoder has ``2H``, as
            many as a key.
        num_layers: ``L``. attention_size: ``A``. embedding_dim: of the output ids.
        mode: the encoder's cell, ``"rnn"``, ``"gru"`` or ``"lstm"``.
        seed: seeds every initial weight, the encoder's and the decoder's.

    Returns:
        a model called as ``model((frames (N, T, D), decoder_input (N, U)))`` that
        returns teacher-forced logits ``(N, U, V)``, with ``encode(frames)`` and
        ``decode_step`` for :func:`~course_code.models.decoding.greedy_decode`.
    """
    with seeded_init(seed):
        encoder = FrameEncoder(kind, input_size, hidden_size, num_layers, mode)
    return AttentionSeq2Seq(
        None,  # frames have no vocabulary
        vocab_size,
        embedding_dim,
        2 * hidden_size,
        attention_size,
        seed=seed,
        encoder=encoder,
    )


def transcript_accuracy(
    model: AttentionSeq2Seq, frames: torch.Tensor, decoder_target: torch.Tensor
) -> float:
    """The fraction of greedy transcripts equal to their targets, ``<eos>`` included.

    Args:
        frames: ``(N, T, D)``. decoder_target: ``(N, U + 1)``, ``y_1 ... y_U <eos>``
            padded with ``PAD``.
    """
    check_ids("decoder_target", decoder_target)
    decoded = greedy_decode(model, frames, decoder_target.shape[1] + 2)
    return float(exact_match(decoded.ids, decoder_target).float().mean())
