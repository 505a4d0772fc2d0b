"""The torch self-attention layer: parity with torch.nn.MultiheadAttention and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_code.nn.self_attention import SelfAttention, causal_mask, sinusoidal_positions
from course_code.scratch import self_attention as scratch


def _layer_and_input(E=8, heads=2, N=3, T=6, seed=0):
    torch.manual_seed(seed)
    layer = SelfAttention(E, heads).double()
    with torch.no_grad():
        layer.in_proj_bias.normal_()
        layer.out_proj.bias.normal_()
    x = torch.randn(N, T, E, dtype=torch.float64)
    mask = torch.ones(N, T, dtype=torch.bool)
    mask[1, 4:] = False
    mask[2, 1:] = False
    return layer, x, mask


@pytest.mark.parametrize("heads", [1, 2, 4])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("use_mask", [False, True])
def test_equals_torch_multihead_attention(heads, causal, use_mask):
    layer, x, mask = _layer_and_input(heads=heads)
    mask = mask if use_mask else None
    reference = torch.nn.MultiheadAttention(8, heads, batch_first=True).double()
    reference.load_state_dict(layer.state_dict())  # same names, same layout
    T = x.shape[1]
    y, weights = layer(x, mask, causal=causal)
    y_ref, w_ref = reference(
        x, x, x, need_weights=True, average_attn_weights=False,
        key_padding_mask=None if mask is None else ~mask,
        attn_mask=~causal_mask(T) if causal else None,
    )
    assert torch.allclose(y, y_ref, atol=1e-12)
    assert torch.allclose(weights, w_ref, atol=1e-12)
    y.sum().backward()
    grad = layer.in_proj_weight.grad.clone()
    reference.in_proj_weight.grad = None
    y_ref.sum().backward()
    assert torch.allclose(grad, reference.in_proj_weight.grad, atol=1e-10)


def test_equals_the_numpy_layer():
    layer, x, mask = _layer_and_input()
    y, weights = layer(x, mask, causal=True)
    params = {"W_in": layer.in_proj_weight, "b_in": layer.in_proj_bias,
              "W_out": layer.out_proj.weight, "b_out": layer.out_proj.bias}
    params = {k: v.detach().numpy() for k, v in params.items()}
    y_np, cache = scratch.self_attention_forward(x.numpy(), **params, num_heads=2,
                                                 mask=mask.numpy(), causal=True)
    np.testing.assert_allclose(y.detach().numpy(), y_np, atol=1e-13)
    np.testing.assert_allclose(weights.detach().numpy(), cache.weights, atol=1e-13)


def test_permutation_equivariance_without_positions_and_not_with_them():
    layer, x, _ = _layer_and_input()
    perm = torch.tensor([5, 2, 0, 4, 1, 3])
    y, _ = layer(x)
    assert torch.allclose(layer(x[:, perm])[0], y[:, perm], atol=1e-12)
    P = sinusoidal_positions(6, 8, dtype=torch.float64)
    y_pos, _ = layer(x + P)
    assert (layer(x[:, perm] + P)[0] - y_pos[:, perm]).abs().max() > 1e-2


def test_causal_layer_ignores_the_future():
    layer, x, _ = _layer_and_input()
    y, weights = layer(x, causal=True)
    assert (weights[..., ~causal_mask(6)] == 0).all()
    later = x.clone()
    later[:, 4:] += 10.0
    assert torch.allclose(layer(later, causal=True)[0][:, :4], y[:, :4], atol=1e-12)


def test_sinusoids_equal_numpy():
    np.testing.assert_allclose(sinusoidal_positions(40, 10, torch.float64).numpy(),
                               scratch.sinusoidal_positions(40, 10), atol=1e-15)


def test_errors():
    layer, x, mask = _layer_and_input()
    with pytest.raises(ValueError, match="must divide"):
        SelfAttention(8, 3)
    with pytest.raises(TypeError, match="positive integer"):
        SelfAttention(True, 1)
    with pytest.raises(ValueError, match="positive integer"):
        SelfAttention(0, 1)
    with pytest.raises(TypeError, match="parameters are"):
        layer(x.float())
    with pytest.raises(TypeError, match="floating-point"):
        layer(x.long())
    with pytest.raises(ValueError, match=r"shape \(N, T, E=8\)"):
        layer(x[..., :4])
    with pytest.raises(ValueError, match="mask must be a boolean"):
        layer(x, mask.int())
    empty = mask.clone()
    empty[0] = False
    with pytest.raises(ValueError, match="at least one real position"):
        layer(x, empty)
    with pytest.raises(ValueError, match="E must be even"):
        sinusoidal_positions(3, 5)
