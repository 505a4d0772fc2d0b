"""The NumPy GRU: equations, PyTorch parity, Cho et al.'s variant, gradients checked numerically."""

import numpy as np
import pytest
import torch

from course_code.checks import numerical_gradient, relative_error
from course_code.nn.gru import gru_layer_from_numpy, gru_layer_to_numpy
from course_code.scratch.gru import (
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    gru_step_forward_cho,
    init_gru_params,
)

TOLERANCE = dict(rtol=1e-6, atol=1e-6)
# Central-difference step: with 1e-6, rounding (~1e-16 / eps) dominates for the few gradient
# entries near 1e-5 and their relative error reaches ~1e-6; 1e-5 keeps every entry below 1e-7.
EPS = 1e-5


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def problem(N=3, T=4, D=5, H=6, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = init_gru_params(D, H, rng, dtype=dtype)
    params.W_h *= 2
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = (rng.standard_normal((N, H)) * 0.5).astype(dtype)
    return params, x, h0


def weights(params):
    return params.W_x, params.W_h, params.b_x, params.b_h


def test_step_matches_the_equations_written_per_sequence():
    params, x, h0 = problem()
    H = 6
    h, _ = gru_step_forward(x[:, 0], h0, *weights(params))
    for n in range(x.shape[0]):
        gx = params.W_x @ x[n, 0] + params.b_x
        gh = params.W_h @ h0[n] + params.b_h
        r = sigmoid(gx[:H] + gh[:H])
        z = sigmoid(gx[H : 2 * H] + gh[H : 2 * H])
        candidate = np.tanh(gx[2 * H :] + r * gh[2 * H :])
        np.testing.assert_allclose(h[n], (1 - z) * candidate + z * h0[n], rtol=1e-12)


def test_sequence_equals_repeated_steps():
    params, x, h0 = problem(T=6)
    h_all, _ = gru_forward(x, h0, *weights(params))
    h = h0
    for t in range(6):
        h, _ = gru_step_forward(x[:, t], h, *weights(params))
        np.testing.assert_allclose(h_all[:, t], h, rtol=1e-12)


@pytest.mark.parametrize("N,T,D,H", [(1, 1, 1, 1), (1, 7, 3, 5), (4, 1, 6, 2), (3, 9, 4, 8)])
def test_forward_equals_torch_gru(N, T, D, H):
    torch.manual_seed(N + T)
    reference = torch.nn.GRU(D, H, batch_first=True).double()
    x = torch.randn(N, T, D, dtype=torch.float64)
    h0 = torch.randn(1, N, H, dtype=torch.float64)
    h, _ = gru_forward(x.numpy(), h0[0].numpy(), **gru_layer_to_numpy(reference))
    np.testing.assert_allclose(h, reference(x, h0)[0].detach().numpy(), **TOLERANCE)


def test_biases_must_stay_separate():
    """Moving b_hn into b_in (same sum) changes the output: r scales b_hn but not b_in."""
    torch.manual_seed(0)
    reference = torch.nn.GRU(3, 4, batch_first=True).double()
    w = gru_layer_to_numpy(reference)
    x = np.random.default_rng(0).standard_normal((2, 5, 3))
    merged_x, merged_h = w["b_x"] + w["b_h"], np.zeros_like(w["b_h"])
    h_merged, _ = gru_forward(x, np.zeros((2, 4)), w["W_x"], w["W_h"], merged_x, merged_h)
    assert np.abs(h_merged - reference(torch.from_numpy(x))[0].detach().numpy()).max() > 1e-3
    # ... while merging only the r and z blocks changes nothing
    b_x, b_h = w["b_x"].copy(), w["b_h"].copy()
    b_x[:8] += b_h[:8]
    b_h[:8] = 0
    h_rz, _ = gru_forward(x, np.zeros((2, 4)), w["W_x"], w["W_h"], b_x, b_h)
    np.testing.assert_allclose(h_rz, reference(torch.from_numpy(x))[0].detach().numpy(), **TOLERANCE)


def test_block_order_swap_is_caught():
    torch.manual_seed(1)
    reference = torch.nn.GRU(3, 4, batch_first=True).double()
    w = gru_layer_to_numpy(reference)
    x = np.random.default_rng(1).standard_normal((2, 5, 3))
    ref_out = reference(torch.from_numpy(x))[0].detach().numpy()
    swapped = {name: np.concatenate([np.split(a, 3)[k] for k in (1, 0, 2)]) for name, a in w.items()}  # r <-> z
    assert np.abs(gru_forward(x, np.zeros((2, 4)), **swapped)[0] - ref_out).max() > 1e-3


def test_cho_variant_differs_in_general_and_agrees_when_reset_is_one():
    params, x, h0 = problem(seed=2)
    H = 6
    pytorch_form, _ = gru_step_forward(x[:, 0], h0, *weights(params))
    cho_form = gru_step_forward_cho(x[:, 0], h0, *weights(params))
    assert np.abs(pytorch_form - cho_form).max() > 1e-3
    params.b_x[:H] = 1e3  # reset gate r = σ(huge) = 1: nothing is reset
    pytorch_form, cache = gru_step_forward(x[:, 0], h0, *weights(params))
    np.testing.assert_array_equal(cache.gates[:, :H], 1.0)
    np.testing.assert_allclose(gru_step_forward_cho(x[:, 0], h0, *weights(params)), pytorch_form, rtol=1e-12)


def test_update_gate_one_keeps_the_state():
    """z = 1 (h_t = z ⊙ h_{t-1} + (1 - z) ⊙ n, PyTorch's and Cho et al.'s placement): h is carried unchanged."""
    params, x, h0 = problem(T=5)
    params.b_h[6:12] = 1e3
    h, _ = gru_forward(x, h0, *weights(params))
    np.testing.assert_allclose(h[:, -1], h0, rtol=1e-12)


def test_step_backward_matches_numerical_gradient():
    params, x, h0 = problem(seed=3)
    x0 = x[:, 0].copy()
    dh = np.random.default_rng(4).standard_normal((3, 6))
    _, cache = gru_step_forward(x0, h0, *weights(params))
    grads = gru_step_backward(dh, cache)

    def loss():
        return float((gru_step_forward(x0, h0, *weights(params))[0] * dh).sum())

    for name, array, grad in [("x", x0, grads.dx), ("h_prev", h0, grads.dh_prev), ("W_x", params.W_x, grads.dW_x),
                              ("W_h", params.W_h, grads.dW_h), ("b_x", params.b_x, grads.db_x),
                              ("b_h", params.b_h, grads.db_h)]:
        assert relative_error(grad, numerical_gradient(loss, array, EPS)) < 1e-6, name


def test_sequence_backward_matches_numerical_gradient_including_inputs_and_h0():
    params, x, h0 = problem(N=2, T=5, D=3, H=4, seed=5)
    rng = np.random.default_rng(6)
    dh, dh_T = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 4))
    _, cache = gru_forward(x, h0, *weights(params))
    grads = gru_backward(dh, cache, dh_T)

    def loss():
        h, _ = gru_forward(x, h0, *weights(params))
        return float((h * dh).sum() + (h[:, -1] * dh_T).sum())

    for name, array, grad in [("x", x, grads.dx), ("h0", h0, grads.dh_prev), ("W_x", params.W_x, grads.dW_x),
                              ("W_h", params.W_h, grads.dW_h), ("b_x", params.b_x, grads.db_x),
                              ("b_h", params.b_h, grads.db_h)]:
        assert grad.shape == array.shape, name
        assert relative_error(grad, numerical_gradient(loss, array, EPS)) < 1e-6, name


def test_sequence_backward_equals_torch_autograd():
    torch.manual_seed(7)
    reference = torch.nn.GRU(3, 5, batch_first=True).double()
    x = torch.randn(4, 6, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, 4, 5, dtype=torch.float64, requires_grad=True)
    out, _ = reference(x, h0)
    out.square().sum().backward()
    h, cache = gru_forward(x.detach().numpy(), h0[0].detach().numpy(), **gru_layer_to_numpy(reference))
    grads = gru_backward(2 * h, cache)
    for ours, theirs in [(grads.dx, x.grad), (grads.dh_prev, h0.grad[0]),
                         (grads.dW_x, reference.weight_ih_l0.grad), (grads.dW_h, reference.weight_hh_l0.grad),
                         (grads.db_x, reference.bias_ih_l0.grad), (grads.db_h, reference.bias_hh_l0.grad)]:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_float32_in_float32_out_and_numpy_weights_load_into_torch():
    params, x, h0 = problem(dtype=np.float32)
    h, cache = gru_forward(x, h0, *weights(params))
    assert {a.dtype for a in (h, *gru_backward(np.ones_like(h), cache))} == {np.dtype(np.float32)}
    reference = torch.nn.GRU(5, 6, batch_first=True)
    gru_layer_from_numpy(reference, *weights(params))
    ref_out = reference(torch.from_numpy(x), torch.from_numpy(h0)[None])[0].detach().numpy()
    np.testing.assert_allclose(h, ref_out, rtol=1e-4, atol=1e-5)


def test_bad_shapes_raise_value_error_naming_the_argument():
    params, x, h0 = problem()  # N=3, T=4, D=5, H=6
    W_x, W_h, b_x, b_h = weights(params)
    with pytest.raises(ValueError, match=r"h0 must have shape \(N=3, H\), got shape \(6,\)"):
        gru_forward(x, h0[0], W_x, W_h, b_x, b_h)
    with pytest.raises(ValueError, match=r"W_x must have shape \(3H=18, D=5\), got shape \(24, 5\)"):
        gru_forward(x, h0, np.zeros((24, 5)), W_h, b_x, b_h)
    with pytest.raises(ValueError, match=r"b_h must have shape \(3H=18,\), got shape \(12,\)"):
        gru_step_forward(x[:, 0], h0, W_x, W_h, b_x, b_h[:12])
    with pytest.raises(ValueError, match=r"b_x must have shape \(3H=18,\)"):
        gru_step_forward_cho(x[:, 0], h0, W_x, W_h, b_x[:3], b_h)
    with pytest.raises(ValueError, match="one floating-point dtype"):
        gru_forward(x.astype(np.float32), h0, W_x, W_h, b_x, b_h)
    _, cache = gru_forward(x, h0, W_x, W_h, b_x, b_h)
    with pytest.raises(ValueError, match=r"dh must have shape \(3, 4, 6\), got shape \(3, 4, 5\)"):
        gru_backward(np.zeros((3, 4, 5)), cache)
    with pytest.raises(ValueError, match=r"W_h must have shape \(18, 6\) to fill weight_hh_l0"):
        gru_layer_from_numpy(torch.nn.GRU(5, 6), W_x, W_h[:, :5], b_x, b_h)
