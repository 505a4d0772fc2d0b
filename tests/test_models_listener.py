"""The listener: encoder shapes, what each encoder computes, and greedy transcripts."""

from __future__ import annotations

import pytest
import torch

from course_code.data.pairs import BOS, EOS, PAD
from course_code.models.decoding import greedy_decode
from course_code.models.listener import (
    ENCODER_KINDS,
    FrameEncoder,
    listener,
    transcript_accuracy,
)
from course_code.nn.pyramid import PyramidRNN
from course_code.nn.stacked import StackedRNN
from course_code.reproducibility import seeded_init

N, T, D, H, V = 3, 24, 5, 4, 9


def _frames(seed=0):
    return torch.randn(N, T, D, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(
    "kind, steps", [("plain", T), ("pyramid", T // 4), ("stacked_frames", T // 4)]
)
def test_encoder_shapes(kind, steps):
    encoded = FrameEncoder(kind, D, H, num_layers=3)(_frames())
    assert encoded.states.shape == (N, steps, 2 * H)
    assert encoded.summary.shape == (N, 2 * H) and encoded.mask.shape == (N, steps)
    assert bool(encoded.mask.all())
    forward_last, backward_first = encoded.states[:, -1, :H], encoded.states[:, 0, H:]
    assert torch.equal(encoded.summary, torch.cat([forward_last, backward_first], 1))


def test_each_encoder_is_the_stack_it_names():
    frames = _frames()
    for kind, build, x in [
        ("plain", lambda: StackedRNN("lstm", D, H, 3, bidirectional=True), frames),
        ("pyramid", lambda: PyramidRNN("lstm", D, H, 3), frames),
        # four consecutive frames side by side: (N, T, D) -> (N, T/4, 4D), row-major
        (
            "stacked_frames",
            lambda: StackedRNN("lstm", 4 * D, H, 3, bidirectional=True),
            frames.reshape(N, T // 4, 4 * D),
        ),
    ]:
        with seeded_init(0):
            encoder = FrameEncoder(kind, D, H, 3)
        with seeded_init(0):
            reference = build()
        assert torch.allclose(encoder(frames).states, reference(x)[0], atol=1e-6), kind


@pytest.mark.parametrize("kind", ENCODER_KINDS)
def test_listener_logits_shapes_and_rows_independent(kind):
    model = listener(
        kind, D, V, hidden_size=H, attention_size=6, embedding_dim=5, seed=0
    )
    frames = _frames()
    decoder_input = torch.tensor([[BOS, 3, 4, 5], [BOS, 6, 7, PAD], [BOS, 8, PAD, PAD]])
    logits = model((frames, decoder_input))
    assert logits.shape == (N, 4, V)
    for n in range(N):  # a row's logits do not depend on the other rows of the batch
        alone = model((frames[n : n + 1], decoder_input[n : n + 1]))
        assert torch.allclose(alone[0], logits[n], atol=1e-6)


def test_listener_is_seeded():
    a = listener("pyramid", D, V, hidden_size=H, seed=3)
    b = listener("pyramid", D, V, hidden_size=H, seed=3)
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.equal(p, q), name


def test_greedy_transcripts_are_the_argmax_of_their_own_teacher_forced_pass():
    model = listener("plain", D, V, hidden_size=H, seed=1)
    frames = _frames(1)
    ids = greedy_decode(model, frames, max_len=6).ids
    assert ids.shape[0] == N and ids.shape[1] <= 6
    decoder_input = torch.cat([torch.full((N, 1), BOS), ids[:, :-1].clamp(min=PAD)], 1)
    decoder_input = torch.where(decoder_input == PAD, EOS, decoder_input)
    with torch.no_grad():
        logits = model((frames, decoder_input))
    logits[:, :, [PAD, BOS]] = -float("inf")
    best = logits.argmax(-1)
    for n in range(N):
        real = ids[n] != PAD
        assert torch.equal(best[n][real], ids[n][real])
        ended = (ids[n] == EOS).nonzero()
        if len(ended):  # nothing after <eos> but padding
            assert (ids[n, int(ended[0]) + 1 :] == PAD).all()
    assert bool((ids == EOS).any(1).all())  # this seed finishes every row within 6
    assert transcript_accuracy(model, frames, ids) == 1.0
    wrong = ids.clone()
    wrong[0, 0] = 3 if int(ids[0, 0]) != 3 else 4
    assert transcript_accuracy(model, frames, wrong) == pytest.approx((N - 1) / N)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="kind must be one of"):
        FrameEncoder("deep", D, H)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        FrameEncoder("plain", D, 0)
    encoder = FrameEncoder("pyramid", D, H)
    with pytest.raises(ValueError, match=r"frames must have shape \(N, T, D=5\)"):
        encoder(torch.zeros(2, 8, 4))
    with pytest.raises(TypeError, match="torch.from_numpy"):
        encoder(torch.zeros(2, 8, 5).numpy())
    with pytest.raises(TypeError, match="floating-point"):
        encoder(torch.zeros(2, 8, 5, dtype=torch.int64))
    with pytest.raises(ValueError, match="max_len must be a positive integer"):
        greedy_decode(listener("plain", D, V, hidden_size=H), _frames(), 0)
