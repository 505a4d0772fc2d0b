"""The encoder without recurrence: padding, permutation equivariance, positions."""

from __future__ import annotations

import pytest
import torch

from course_code.data.pairs import BOS, PAD
from course_code.models.attention_encoder import SelfAttentionEncoder
from course_code.models.attention_seq2seq import AttentionSeq2Seq

V = 11


def _source():
    source = torch.tensor([[3, 4, 5, 6, 7], [8, 9, 10, PAD, PAD], [5, PAD, PAD, PAD, PAD]])
    return source


@pytest.mark.parametrize("positions", ["none", "sinusoidal"])
def test_shapes_padding_and_extra_padding(positions):
    encoder = SelfAttentionEncoder(V, 8, 2, 2, 16, positions=positions, seed=0)
    source = _source()
    out = encoder(source)
    assert out.states.shape == (3, 5, 8) and out.summary.shape == (3, 8)
    assert (out.states[source == PAD] == 0).all()
    padded = torch.cat([source, torch.full((3, 2), PAD)], dim=1)
    again = encoder(padded)
    assert torch.allclose(again.states[:, :5], out.states, atol=1e-6)
    assert torch.allclose(again.summary, out.summary, atol=1e-6)
    alone = encoder(source[1:2, :3])
    assert torch.allclose(alone.states[0], out.states[1, :3], atol=1e-6)


def test_without_positions_word_order_is_invisible():
    encoder = SelfAttentionEncoder(V, 8, 2, 2, 16, positions="none", seed=0)
    source = torch.tensor([[3, 4, 5, 6, 7]])
    perm = torch.tensor([4, 2, 0, 1, 3])
    out, shuffled = encoder(source), encoder(source[:, perm])
    assert torch.allclose(shuffled.states[0], out.states[0, perm], atol=1e-6)
    assert torch.allclose(shuffled.summary, out.summary, atol=1e-6)
    # so a decoder attending over the keys cannot tell the two sources apart
    model = AttentionSeq2Seq(V, 7, 8, 10, 6, seed=0, encoder=encoder)
    decoder_input = torch.tensor([[BOS, 3, 4]])
    assert torch.allclose(model((source, decoder_input)), model((source[:, perm], decoder_input)),
                          atol=1e-6)


def test_with_positions_word_order_is_visible():
    encoder = SelfAttentionEncoder(V, 8, 2, 2, 16, positions="sinusoidal", seed=0)
    source = torch.tensor([[3, 4, 5, 6, 7]])
    perm = torch.tensor([4, 2, 0, 1, 3])
    assert (encoder(source[:, perm]).summary - encoder(source).summary).abs().max() > 1e-3


def test_in_the_attention_model_teacher_forcing_equals_stepping():
    encoder = SelfAttentionEncoder(V, 8, 2, 1, 16, seed=1)
    model = AttentionSeq2Seq(V, 7, 8, 10, 6, seed=0, encoder=encoder)
    source = _source()
    decoder_input = torch.tensor([[BOS, 3, 4, 5]] * 3)
    logits = model((source, decoder_input))
    state = model.encode(source)
    for t in range(4):
        step, state = model.decode_step(decoder_input[:, t], state)
        assert torch.allclose(step, logits[:, t], atol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match="positions must be one of"):
        SelfAttentionEncoder(V, positions="learned")
    with pytest.raises(ValueError, match="embed_dim must be even"):
        SelfAttentionEncoder(V, 7, 1)
    with pytest.raises(ValueError, match="must divide"):
        SelfAttentionEncoder(V, 8, 3)
    with pytest.raises(TypeError, match="num_layers"):
        SelfAttentionEncoder(V, 8, 2, num_layers=1.5)
    encoder = SelfAttentionEncoder(V, 8, 2)
    with pytest.raises(ValueError, match="at least one token"):
        encoder(torch.tensor([[3, 4], [PAD, PAD]]))
    with pytest.raises(ValueError, match=r"ids in \[0, 11\)"):
        encoder(torch.tensor([[3, 11]]))
