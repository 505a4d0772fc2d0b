"""Encoder-decoder models: the three ways of conditioning, padding, teacher forcing vs step-by-step decoding."""

from __future__ import annotations

import pytest
import torch

from course_code.data.pairs import BOS, PAD
from course_code.models.attention_seq2seq import AttentionSeq2Seq
from course_code.models.seq2seq import ConditionedDecoder, Encoder, Seq2Seq

V_SRC, V_TGT = 9, 7


def _source(seed=0):
    g = torch.Generator().manual_seed(seed)
    source = torch.randint(3, V_SRC, (4, 6), generator=g)
    source[1, 4:] = PAD
    source[2, 1:] = PAD
    return source


def _decoder_input(seed=1, T=5):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, V_TGT, (4, T), generator=g)
    ids[:, 0] = BOS
    return ids


def _models():
    return [Seq2Seq(V_SRC, V_TGT, 8, 10, conditioning=c, seed=0) for c in ("init", "input", "both")] + [
        Seq2Seq(V_SRC, V_TGT, 8, 10, bidirectional=False, seed=0), AttentionSeq2Seq(V_SRC, V_TGT, 8, 10, 6, seed=0)]


@pytest.mark.parametrize("model", _models(), ids=["init", "input", "both", "one-direction", "attention"])
def test_teacher_forcing_equals_feeding_the_same_tokens_step_by_step(model):
    source, decoder_input = _source(), _decoder_input()
    logits = model((source, decoder_input))
    assert logits.shape == (4, 5, V_TGT)
    state = model.encode(source)
    for t in range(decoder_input.shape[1]):
        step_logits, state = model.decode_step(decoder_input[:, t], state)
        assert torch.allclose(step_logits, logits[:, t], atol=1e-5)


@pytest.mark.parametrize("model", _models(), ids=["init", "input", "both", "one-direction", "attention"])
def test_extra_padding_changes_nothing(model):
    source, decoder_input = _source(), _decoder_input()
    padded = torch.cat([source, torch.full((4, 3), PAD)], dim=1)
    assert torch.allclose(model((source, decoder_input)), model((padded, decoder_input)), atol=1e-6)


def test_encoder_summary_is_each_row_alone():
    encoder = Encoder(V_SRC, 5, 4, bidirectional=True)
    source = _source()
    batch = encoder(source)
    assert batch.states.shape == (4, 6, 8) and batch.summary.shape == (4, 8)
    for n in range(4):
        length = int((source[n] != PAD).sum())
        alone = encoder(source[n : n + 1, :length])
        assert torch.allclose(alone.summary, batch.summary[n : n + 1], atol=1e-6)
        assert torch.allclose(alone.states[0], batch.states[n, :length], atol=1e-6)
        assert (batch.states[n, length:] == 0).all()


def test_the_three_ways_of_conditioning():
    torch.manual_seed(0)
    context = torch.randn(3, 6)
    for conditioning, h0_uses_context, input_size in (("init", True, 5), ("input", False, 11), ("both", True, 11)):
        decoder = ConditionedDecoder(V_TGT, 5, 4, 6, conditioning)
        h0 = decoder.initial_state(context).h
        assert bool((h0 != 0).any()) == h0_uses_context
        assert decoder.rnn.input_size == input_size
        # the logits depend on the context in every case
        ids = _decoder_input()[:3]
        assert not torch.allclose(decoder(ids, context), decoder(ids, context + 1))


def test_input_conditioning_reaches_every_step_init_only_the_first_state():
    torch.manual_seed(1)
    context = torch.randn(1, 6, requires_grad=True)
    ids = _decoder_input()[:1]
    for conditioning in ("init", "input"):
        decoder = ConditionedDecoder(V_TGT, 5, 4, 6, conditioning)
        state = decoder.initial_state(context)
        _, state = decoder.step(ids[:, 0], state)
        h1 = state.h.detach().requires_grad_()
        logits, _ = decoder.step(ids[:, 1], state._replace(h=h1))
        direct = torch.autograd.grad(logits.sum(), context, allow_unused=True)[0]
        # with h_1 cut from the graph, only "input" still sees c at step 2
        assert (direct is not None and bool((direct != 0).any())) == (conditioning == "input")


def test_attention_weights_are_distributions_over_the_real_source_positions():
    model = AttentionSeq2Seq(V_SRC, V_TGT, 8, 10, 6, seed=0)
    source = _source()
    weights = model.attention_weights((source, _decoder_input()))
    assert weights.shape == (4, 5, 6)
    assert torch.allclose(weights.sum(-1), torch.ones(4, 5))
    assert (weights.permute(0, 2, 1)[source == PAD] == 0).all()


def test_errors():
    model = Seq2Seq(V_SRC, V_TGT, 8, 10, seed=0)
    with pytest.raises(ValueError, match="conditioning must be one of"):
        ConditionedDecoder(V_TGT, 5, 4, 6, "output")
    with pytest.raises(TypeError, match="source must be an integer tensor"):
        model.encode(torch.zeros(2, 3))
    with pytest.raises(TypeError, match="source must be an integer tensor"):
        model.encode([[3, 4]])
    with pytest.raises(ValueError, match=r"source must hold ids in \[0, 9\)"):
        model.encode(torch.tensor([[3, -1]]))
    with pytest.raises(ValueError, match=r"source must hold ids in \[0, 9\)"):
        model.encode(torch.tensor([[3, 9]]))
    with pytest.raises(ValueError, match=r"previous_ids must hold ids in \[0, 7\)"):
        model.decode_step(torch.tensor([7, 1, 1, 1]), model.encode(_source()))
    with pytest.raises(TypeError, match="one argument, the pair"):
        model(_source())
    with pytest.raises(ValueError, match="same N"):
        model((_source(), _decoder_input()[:2]))
    with pytest.raises(ValueError, match="at least one token"):
        model.encode(torch.tensor([[4, 5], [PAD, PAD]]))
    with pytest.raises(ValueError, match="previous_ids must have shape \\(N,\\)"):
        model.decode_step(torch.tensor([[1]]), model.encode(_source()))
    with pytest.raises(ValueError, match="context must have shape"):
        model.decoder.initial_state(torch.zeros(2, 3))


@pytest.mark.parametrize("build", [
    lambda: AttentionSeq2Seq(V_SRC, V_TGT, 8, 10, attention_size=0),
    lambda: Seq2Seq(V_SRC, V_TGT, 0, 10),
    lambda: Seq2Seq(V_SRC, V_TGT, 8, -2),
    lambda: Encoder(0, 5, 4),
])
def test_sizes_below_one_are_refused(build):
    with pytest.raises(ValueError, match="must be a positive integer"):
        build()


@pytest.mark.parametrize("build", [
    lambda: AttentionSeq2Seq(V_SRC, V_TGT, True, 10, 6),
    lambda: Seq2Seq(V_SRC, V_TGT, 8, 10.0),
    lambda: AttentionSeq2Seq(V_SRC, V_TGT, 8, 10, 6, encoder=torch.nn.Linear(2, 2)),
])
def test_sizes_that_are_not_integers_are_refused(build):
    with pytest.raises(TypeError):
        build()


def test_attention_model_errors():
    model = AttentionSeq2Seq(V_SRC, V_TGT, 8, 10, 6, seed=0)
    with pytest.raises(ValueError, match="same N"):
        model((_source(), _decoder_input()[:2]))
    with pytest.raises(ValueError, match="at least one step"):
        model((_source(), _decoder_input()[:, :0]))
    with pytest.raises(ValueError, match=r"decoder_input must hold ids in \[0, 7\)"):
        model((_source(), _decoder_input() + 5))
