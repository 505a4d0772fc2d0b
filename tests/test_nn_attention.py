"""The torch attention module: masking, gradients, argument checks."""

from __future__ import annotations

import pytest
import torch

from course_code.checks import relative_error
from course_code.nn.attention import AdditiveAttention, MultiplicativeAttention, masked_softmax


def test_padding_gets_no_weight_and_no_gradient():
    torch.manual_seed(0)
    module = AdditiveAttention(4, 6, 5).double()
    query = torch.randn(3, 4, dtype=torch.float64)
    keys = torch.randn(3, 5, 6, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    context, weights = module(query, keys, mask)
    assert torch.allclose(weights.sum(1), torch.ones(3, dtype=torch.float64))
    assert (weights[~mask] == 0).all()
    assert torch.allclose(context[2], keys[2, 0])  # one real position: all the weight is on it
    context.sum().backward()
    assert (keys.grad[~mask] == 0).all() and (keys.grad[mask] != 0).any()


def test_gradient_matches_finite_differences():
    torch.manual_seed(1)
    module = AdditiveAttention(3, 4, 5).double()
    inputs = (torch.randn(2, 3, dtype=torch.float64, requires_grad=True),
              torch.randn(2, 4, 4, dtype=torch.float64, requires_grad=True))
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool)
    assert torch.autograd.gradcheck(lambda q, k: module(q, k, mask)[0], inputs)


def test_precomputed_keys_give_the_same_result():
    torch.manual_seed(2)
    module = AdditiveAttention(3, 4, 5)
    query, keys = torch.randn(2, 3), torch.randn(2, 6, 4)
    mask = torch.ones(2, 6, dtype=torch.bool)
    a = module(query, keys, mask)
    b = module(query, keys, mask, module.project_keys(keys))
    assert relative_error(a[0].detach().numpy(), b[0].detach().numpy()) < 1e-6


def test_errors():
    module = AdditiveAttention(3, 4, 5)
    with pytest.raises(ValueError, match="query must have shape"):
        module(torch.zeros(3), torch.zeros(1, 2, 4), torch.ones(1, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match="boolean"):
        masked_softmax(torch.zeros(2, 3), torch.ones(2, 3))


def test_multiplicative_attention_is_the_bilinear_score_and_its_gradients_check():
    torch.manual_seed(0)
    module = MultiplicativeAttention(3, 5).double()
    query = torch.randn(2, 3, dtype=torch.float64)
    keys = torch.randn(2, 4, 5, dtype=torch.float64)
    mask = torch.tensor([[True, True, True, False], [True, True, True, True]])
    context, weights = module(query, keys, mask)
    W = module.key_proj.weight.detach()  # (H_q, H_k)
    for n in range(2):
        real = int(mask[n].sum())
        scores = torch.stack([query[n] @ W @ keys[n, s] for s in range(real)])
        expected = torch.softmax(scores, dim=0)
        assert torch.allclose(weights[n, :real], expected, atol=1e-12)
        assert not weights[n, real:].any()
        assert torch.allclose(context[n], expected @ keys[n, :real], atol=1e-12)
    keys_padded = keys.clone()
    keys_padded[0, 3] = float("nan")  # padding may hold anything
    again, _ = module(query, keys_padded, mask)
    assert torch.equal(again, context)
    inputs = (query.requires_grad_(), keys.requires_grad_())
    assert torch.autograd.gradcheck(lambda q, k: module(q, k, mask)[0], inputs)
    with pytest.raises(ValueError, match="query must have shape"):
        module(torch.zeros(2, 4, dtype=torch.float64), keys, mask)


def test_multiplicative_attention_replaces_the_additive_one_in_the_model():
    from course_code.models.attention_seq2seq import AttentionSeq2Seq

    source = torch.tensor([[3, 4, 5], [6, 7, 0]])
    decoder_input = torch.tensor([[1, 3], [1, 4]])
    model = AttentionSeq2Seq(9, 6, 4, 5, 3, seed=0, score="multiplicative")
    assert isinstance(model.attention, MultiplicativeAttention)
    logits = model((source, decoder_input))
    assert logits.shape == (2, 2, 6)
    with pytest.raises(ValueError, match="score must be one of"):
        AttentionSeq2Seq(9, 6, 4, 5, 3, score="dot")


def test_the_model_needs_a_source_vocabulary_only_for_its_own_encoder():
    from course_code.models.attention_seq2seq import AttentionSeq2Seq

    with pytest.raises(ValueError, match="source_vocab_size is needed"):
        AttentionSeq2Seq(None, 6, 4, 5, 3)
