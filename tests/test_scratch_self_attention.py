"""NumPy self-attention: gradients against central differences, masks, equivariance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_code.checks import numerical_gradient
from course_code.scratch.self_attention import (
    causal_mask,
    init_self_attention_params,
    self_attention_backward,
    self_attention_forward,
    sinusoidal_positions,
)

E, H, N, T = 8, 2, 2, 5


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    params = init_self_attention_params(E, rng)
    x = rng.normal(size=(N, T, E))
    mask = np.ones((N, T), dtype=bool)
    mask[1, 3:] = False
    return rng, params, x, mask


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("use_mask", [False, True])
@pytest.mark.parametrize("heads", [1, 2, 4])
def test_backward_matches_central_differences(causal, use_mask, heads):
    rng, params, x, mask = _setup()
    mask = mask if use_mask else None
    y, cache = self_attention_forward(x, **params, num_heads=heads, mask=mask, causal=causal)
    dy = rng.normal(size=y.shape)
    grads = self_attention_backward(dy, cache)

    def loss():
        out, _ = self_attention_forward(x, **params, num_heads=heads, mask=mask, causal=causal)
        return float((out * dy).sum())

    for name, array in [("x", x)] + list(params.items()):
        numerical = numerical_gradient(loss, array)
        assert grads[name].shape == array.shape
        np.testing.assert_allclose(grads[name], numerical, atol=1e-7, rtol=1e-6, err_msg=name)


def test_the_key_bias_gets_no_gradient():
    """b_k adds q . b_k to every score of a query's row, which the softmax ignores."""
    rng, params, x, _ = _setup(1)
    y, cache = self_attention_forward(x, **params, num_heads=2)
    grads = self_attention_backward(rng.normal(size=y.shape), cache)
    assert np.abs(grads["b_in"][E : 2 * E]).max() < 1e-12
    assert np.abs(grads["b_in"][:E]).max() > 1e-6 and np.abs(grads["b_in"][2 * E :]).max() > 1e-3


def test_without_positions_a_permutation_of_the_inputs_permutes_the_outputs():
    _, params, x, _ = _setup(2)
    perm = np.array([3, 0, 4, 1, 2])
    y, _ = self_attention_forward(x, **params, num_heads=2)
    y_perm, _ = self_attention_forward(x[:, perm], **params, num_heads=2)
    np.testing.assert_allclose(y_perm, y[:, perm], atol=1e-12)
    # adding positions breaks the symmetry: the same words in another order differ
    P = sinusoidal_positions(T, E)
    y_pos, _ = self_attention_forward(x + P, **params, num_heads=2)
    y_pos_perm, _ = self_attention_forward(x[:, perm] + P, **params, num_heads=2)
    assert np.abs(y_pos_perm - y_pos[:, perm]).max() > 1e-2


def test_causal_outputs_do_not_depend_on_the_future():
    rng, params, x, _ = _setup(3)
    y, cache = self_attention_forward(x, **params, num_heads=2, causal=True)
    assert np.all(cache.weights[..., ~causal_mask(T)] == 0)
    changed = x.copy()
    changed[:, 3:] = rng.normal(size=changed[:, 3:].shape)
    y_changed, _ = self_attention_forward(changed, **params, num_heads=2, causal=True)
    np.testing.assert_allclose(y_changed[:, :3], y[:, :3], atol=1e-12)
    assert np.abs(y_changed[:, 3:] - y[:, 3:]).max() > 1e-3
    # the first position reads only itself
    np.testing.assert_allclose(cache.weights[:, :, 0, 0], 1.0)


def test_padded_keys_get_no_weight_and_cannot_change_real_outputs():
    rng, params, x, mask = _setup(4)
    y, cache = self_attention_forward(x, **params, num_heads=2, mask=mask)
    assert np.all(cache.weights[1, :, :, 3:] == 0)
    np.testing.assert_allclose(cache.weights.sum(-1), 1.0)
    garbage = x.copy()
    garbage[1, 3:] = 1e3 * rng.normal(size=(2, E))
    y_garbage, _ = self_attention_forward(garbage, **params, num_heads=2, mask=mask)
    np.testing.assert_allclose(y_garbage[1, :3], y[1, :3], atol=1e-12)
    # the unpadded row is the same as that row alone
    alone, _ = self_attention_forward(x[1:, :3], **params, num_heads=2)
    np.testing.assert_allclose(alone[0], y[1, :3], atol=1e-12)


def test_sinusoids_by_their_formula():
    P = sinusoidal_positions(50, 6)
    for t in (0, 1, 7, 49):
        for i in range(3):
            angle = t / 10000 ** (2 * i / 6)
            assert math.isclose(P[t, 2 * i], math.sin(angle), abs_tol=1e-12)
            assert math.isclose(P[t, 2 * i + 1], math.cos(angle), abs_tol=1e-12)
    # every position gets a different vector
    distances = np.linalg.norm(P[:, None] - P[None], axis=-1) + np.eye(50)
    assert distances.min() > 1e-3


def test_errors():
    _, params, x, mask = _setup()
    with pytest.raises(ValueError, match="num_heads must be a positive divisor"):
        self_attention_forward(x, **params, num_heads=3)
    with pytest.raises(ValueError, match="mask must be boolean"):
        self_attention_forward(x, **params, num_heads=2, mask=mask.astype(int))
    empty = mask.copy()
    empty[0] = False
    with pytest.raises(ValueError, match="at least one real position"):
        self_attention_forward(x, **params, num_heads=2, mask=empty)
    with pytest.raises(ValueError, match="W_in"):
        self_attention_forward(x, params["W_in"][:-1], params["b_in"], params["W_out"],
                               params["b_out"], num_heads=2)
    with pytest.raises(ValueError, match="E must be an even integer"):
        sinusoidal_positions(4, 5)
    with pytest.raises(ValueError, match="T must be a positive integer"):
        causal_mask(0)
    with pytest.raises(TypeError, match="rng"):
        init_self_attention_params(4, 0)
