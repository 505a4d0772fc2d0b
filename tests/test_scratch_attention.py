"""Additive attention in NumPy: weights are distributions over the real positions; parity with the torch module."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_code.nn.attention import AdditiveAttention
from course_code.scratch.attention import additive_attention_scores, attention_context, masked_softmax


def _case(N=3, S=5, H_q=4, H_k=6, A=7, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, S + 1, N)
    lengths[0] = S
    mask = np.arange(S)[None, :] < lengths[:, None]
    return (rng.normal(size=(N, H_q)), rng.normal(size=(N, S, H_k)), rng.normal(size=(A, H_q)),
            rng.normal(size=(A, H_k)), rng.normal(size=A), rng.normal(size=A), mask)


def test_scores_follow_the_formula_position_by_position():
    query, keys, W_q, W_k, v, b, _ = _case()
    scores = additive_attention_scores(query, keys, W_q, W_k, v, b)
    for n in range(keys.shape[0]):
        for s in range(keys.shape[1]):
            expected = v @ np.tanh(W_q @ query[n] + W_k @ keys[n, s] + b)
            assert np.isclose(scores[n, s], expected, rtol=1e-12)


def test_weights_sum_to_one_over_the_source_and_ignore_padding():
    query, keys, W_q, W_k, v, b, mask = _case(N=4, S=6)
    scores = additive_attention_scores(query, keys, W_q, W_k, v, b)
    weights, context = attention_context(scores, keys, mask)
    assert np.allclose(weights.sum(axis=1), 1.0) and (weights >= 0).all()
    assert (weights[~mask] == 0).all()
    changed = keys.copy()
    changed[~mask] = 1e3  # whatever sits at padded positions
    changed_scores = np.where(mask, scores, -5e2)
    w2, c2 = attention_context(changed_scores, changed, mask)
    assert np.allclose(w2, weights) and np.allclose(c2, context)
    assert np.allclose(context, (weights[:, :, None] * keys).sum(axis=1))


def test_softmax_is_over_the_source_axis_and_stable():
    scores = np.array([[1000.0, 1000.0, -1000.0], [0.0, np.log(3.0), 5.0]])
    mask = np.array([[True, True, True], [True, True, False]])
    weights = masked_softmax(scores, mask)
    assert np.allclose(weights, [[0.5, 0.5, 0.0], [0.25, 0.75, 0.0]])


def test_errors():
    query, keys, W_q, W_k, v, b, mask = _case()
    with pytest.raises(ValueError, match="W_k"):
        additive_attention_scores(query, keys, W_q, W_k.T, v)
    with pytest.raises(ValueError, match="boolean"):
        masked_softmax(np.zeros((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="needs a real position"):
        masked_softmax(np.zeros((2, 3)), np.array([[True, False, False], [False, False, False]]))
    with pytest.raises(ValueError, match="keys"):
        attention_context(np.zeros((3, 5)), keys[:, :4], mask)


def test_numpy_equals_the_torch_module_in_float64():
    query, keys, W_q, W_k, v, b, mask = _case(N=2, S=4, H_q=3, H_k=5, A=6, seed=3)
    module = AdditiveAttention(3, 5, 6).double()
    with torch.no_grad():
        module.query_proj.weight.copy_(torch.from_numpy(W_q))
        module.key_proj.weight.copy_(torch.from_numpy(W_k))
        module.key_proj.bias.copy_(torch.from_numpy(b))
        module.score.weight.copy_(torch.from_numpy(v)[None])
    context, weights = module(torch.from_numpy(query), torch.from_numpy(keys), torch.from_numpy(mask))
    w_np, c_np = attention_context(additive_attention_scores(query, keys, W_q, W_k, v, b), keys, mask)
    assert np.allclose(weights.detach().numpy(), w_np, atol=1e-12)
    assert np.allclose(context.detach().numpy(), c_np, atol=1e-12)
