"""The NumPy LSTM: equations, PyTorch parity, gradients checked numerically, shape checks."""

import numpy as np
import pytest
import torch

from course_code.checks import numerical_gradient, relative_error
from course_code.nn.lstm import lstm_layer_from_numpy, lstm_layer_to_numpy
from course_code.scratch.lstm import (
    init_lstm_params,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
)

TOLERANCE = dict(rtol=1e-6, atol=1e-6)
# Central-difference step: with 1e-6, rounding (~1e-16 / eps) dominates for the few gradient
# entries near 1e-5 and their relative error reaches ~1e-6; 1e-5 keeps every entry below 1e-7.
EPS = 1e-5


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def problem(N=3, T=4, D=5, H=6, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = init_lstm_params(D, H, rng, dtype=dtype)
    params.W_h *= 2  # larger recurrent weights: the recurrence matters more
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = (rng.standard_normal((N, H)) * 0.5).astype(dtype)
    c0 = rng.standard_normal((N, H)).astype(dtype)
    return params, x, h0, c0


def test_step_matches_the_equations_written_per_sequence():
    params, x, h0, c0 = problem()
    H = 6
    h, c, _ = lstm_step_forward(x[:, 0], h0, c0, params.W_x, params.W_h, params.b)
    for n in range(x.shape[0]):  # column-vector form, one block of rows per gate
        a = params.W_x @ x[n, 0] + params.W_h @ h0[n] + params.b
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H : 2 * H]), np.tanh(a[2 * H : 3 * H]), sigmoid(a[3 * H :])
        c_expected = f * c0[n] + i * g
        np.testing.assert_allclose(c[n], c_expected, rtol=1e-12)
        np.testing.assert_allclose(h[n], o * np.tanh(c_expected), rtol=1e-12)


def test_sequence_equals_repeated_steps():
    params, x, h0, c0 = problem(T=6)
    h_all, (h_T, c_T), _ = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
    assert h_all.shape == (3, 6, 6)
    h, c = h0, c0
    for t in range(6):
        h, c, _ = lstm_step_forward(x[:, t], h, c, params.W_x, params.W_h, params.b)
        np.testing.assert_allclose(h_all[:, t], h, rtol=1e-12)
    np.testing.assert_allclose(h_T, h, rtol=1e-12)
    np.testing.assert_allclose(c_T, c, rtol=1e-12)


@pytest.mark.parametrize("N,T,D,H", [(1, 1, 1, 1), (1, 7, 3, 5), (4, 1, 6, 2), (3, 9, 4, 8)])
def test_forward_equals_torch_lstm(N, T, D, H):
    torch.manual_seed(N + T)
    reference = torch.nn.LSTM(D, H, batch_first=True).double()
    x = torch.randn(N, T, D, dtype=torch.float64)
    h0, c0 = torch.randn(1, N, H, dtype=torch.float64), torch.randn(1, N, H, dtype=torch.float64)
    h, (h_T, c_T), _ = lstm_forward(x.numpy(), h0[0].numpy(), c0[0].numpy(), **lstm_layer_to_numpy(reference))
    ref_out, (ref_h, ref_c) = reference(x, (h0, c0))
    np.testing.assert_allclose(h, ref_out.detach().numpy(), **TOLERANCE)
    np.testing.assert_allclose(h_T, ref_h[0].detach().numpy(), **TOLERANCE)
    np.testing.assert_allclose(c_T, ref_c[0].detach().numpy(), **TOLERANCE)


def test_gate_order_matters_so_the_parity_test_is_sensitive():
    """Weights with the i, f, g, o blocks in another order give another function."""
    torch.manual_seed(0)
    reference = torch.nn.LSTM(3, 4, batch_first=True).double()
    weights = lstm_layer_to_numpy(reference)
    x = np.random.default_rng(0).standard_normal((2, 5, 3))
    zeros = np.zeros((2, 4))
    ref_out = reference(torch.from_numpy(x))[0].detach().numpy()
    np.testing.assert_allclose(lstm_forward(x, zeros, zeros, **weights)[0], ref_out, **TOLERANCE)
    for order in ([1, 0, 2, 3], [0, 1, 3, 2], [0, 2, 1, 3]):  # swap i<->f, g<->o, f<->g
        swapped = {name: np.concatenate([np.split(w, 4)[k] for k in order]) for name, w in weights.items()}
        assert np.abs(lstm_forward(x, zeros, zeros, **swapped)[0] - ref_out).max() > 1e-3, order


def test_cell_state_uses_the_new_candidate_not_the_old_cell():
    """A known bug: c_t = f ⊙ c_{t-1} + i ⊙ c_{t-1} instead of i ⊙ g_t. Our step is not that."""
    params, x, h0, c0 = problem()
    h, c, cache = lstm_step_forward(x[:, 0], h0, c0, params.W_x, params.W_h, params.b)
    H = 6
    i, f = cache.gates[:, :H], cache.gates[:, H : 2 * H]
    assert np.abs(c - (f * c0 + i * c0)).max() > 1e-2
    np.testing.assert_allclose(c, f * c0 + i * cache.gates[:, 2 * H : 3 * H], rtol=1e-12)


def test_step_backward_matches_numerical_gradient():
    params, x, h0, c0 = problem(seed=1)
    x0 = x[:, 0].copy()
    rng = np.random.default_rng(2)
    dh, dc = rng.standard_normal((3, 6)), rng.standard_normal((3, 6))
    _, _, cache = lstm_step_forward(x0, h0, c0, params.W_x, params.W_h, params.b)
    grads = lstm_step_backward(dh, dc, cache)

    def loss():
        h, c, _ = lstm_step_forward(x0, h0, c0, params.W_x, params.W_h, params.b)
        return float((h * dh).sum() + (c * dc).sum())

    for name, array, grad in [("x", x0, grads.dx), ("h_prev", h0, grads.dh_prev), ("c_prev", c0, grads.dc_prev),
                              ("W_x", params.W_x, grads.dW_x), ("W_h", params.W_h, grads.dW_h),
                              ("b", params.b, grads.db)]:
        assert relative_error(grad, numerical_gradient(loss, array, EPS)) < 1e-6, name


def test_sequence_backward_matches_numerical_gradient_including_inputs_and_initial_states():
    params, x, h0, c0 = problem(N=2, T=5, D=3, H=4, seed=3)
    rng = np.random.default_rng(4)
    dh, dh_T, dc_T = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    _, _, cache = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
    grads = lstm_backward(dh, cache, dh_T, dc_T)

    def loss():  # a loss that reads every output and both final states
        h, (h_T, c_T), _ = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
        return float((h * dh).sum() + (h_T * dh_T).sum() + (c_T * dc_T).sum())

    for name, array, grad in [("x", x, grads.dx), ("h0", h0, grads.dh_prev), ("c0", c0, grads.dc_prev),
                              ("W_x", params.W_x, grads.dW_x), ("W_h", params.W_h, grads.dW_h),
                              ("b", params.b, grads.db)]:
        assert grad.shape == array.shape, name
        assert relative_error(grad, numerical_gradient(loss, array, EPS)) < 1e-6, name


def test_sequence_backward_equals_torch_autograd():
    torch.manual_seed(5)
    reference = torch.nn.LSTM(3, 5, batch_first=True).double()
    x = torch.randn(4, 6, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, 4, 5, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(1, 4, 5, dtype=torch.float64, requires_grad=True)
    out, (h_n, c_n) = reference(x, (h0, c0))
    (out.square().sum() + c_n.sum()).backward()

    weights = lstm_layer_to_numpy(reference)
    h, _, cache = lstm_forward(x.detach().numpy(), h0[0].detach().numpy(), c0[0].detach().numpy(), **weights)
    grads = lstm_backward(2 * h, cache, dc_T=np.ones((4, 5)))
    np.testing.assert_allclose(grads.dx, x.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.dh_prev, h0.grad[0].numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.dc_prev, c0.grad[0].numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.dW_x, reference.weight_ih_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.dW_h, reference.weight_hh_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.db, reference.bias_ih_l0.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads.db, reference.bias_hh_l0.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_forget_gate_carries_the_cell_when_open():
    """f = 1, i = 0 (huge biases): the cell state passes through unchanged, and so does its gradient."""
    params, x, h0, c0 = problem(T=5)
    H = 6
    params.b[:H] = -1e3  # input gate shut
    params.b[H : 2 * H] = 1e3  # forget gate open
    _, (_, c_T), cache = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
    np.testing.assert_allclose(c_T, c0, rtol=1e-12)
    dc_T = np.random.default_rng(0).standard_normal((3, H))
    grads = lstm_backward(np.zeros((3, 5, H)), cache, dc_T=dc_T)
    np.testing.assert_allclose(grads.dc_prev, dc_T, rtol=1e-12)


def test_float32_in_float32_out():
    params, x, h0, c0 = problem(dtype=np.float32)
    h, (h_T, c_T), cache = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
    grads = lstm_backward(np.ones_like(h), cache)
    assert {a.dtype for a in (h, h_T, c_T, *grads)} == {np.dtype(np.float32)}
    h64, _, _ = lstm_forward(*(a.astype(np.float64) for a in (x, h0, c0, params.W_x, params.W_h, params.b)))
    np.testing.assert_allclose(h, h64, rtol=1e-4, atol=1e-5)


def test_numpy_weights_load_into_torch_lstm():
    params = init_lstm_params(3, 4, np.random.default_rng(5))
    reference = torch.nn.LSTM(3, 4, batch_first=True).double()
    lstm_layer_from_numpy(reference, params.W_x, params.W_h, params.b)
    assert torch.count_nonzero(reference.bias_hh_l0) == 0
    x = np.random.default_rng(6).standard_normal((2, 5, 3))
    h, _, _ = lstm_forward(x, np.zeros((2, 4)), np.zeros((2, 4)), params.W_x, params.W_h, params.b)
    np.testing.assert_allclose(reference(torch.from_numpy(x))[0].detach().numpy(), h, **TOLERANCE)
    assert params.num_parameters() == sum(p.numel() for p in reference.parameters()) - 16  # one bias, not two


def test_bad_shapes_raise_value_error_naming_the_argument():
    params, x, h0, c0 = problem()  # N=3, T=4, D=5, H=6
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\), got shape \(3, 5\)"):
        lstm_forward(x[:, 0], h0, c0, params.W_x, params.W_h, params.b)
    with pytest.raises(ValueError, match=r"c0 must have shape \(N=3, H=6\), got shape \(3, 5\)"):
        lstm_forward(x, h0, c0[:, :5], params.W_x, params.W_h, params.b)
    with pytest.raises(ValueError, match=r"W_x must have shape \(4H=24, D=5\), got shape \(6, 5\)"):
        lstm_forward(x, h0, c0, params.W_x[:6], params.W_h, params.b)
    with pytest.raises(ValueError, match=r"W_h must have shape \(4H=24, H=6\), got shape \(6, 6\)"):
        lstm_step_forward(x[:, 0], h0, c0, params.W_x, params.W_h[:6], params.b)
    with pytest.raises(ValueError, match=r"b must have shape \(4H=24,\), got shape \(6,\)"):
        lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b[:6])
    with pytest.raises(ValueError, match="floating-point"):
        lstm_forward(x.astype(int), h0, c0, params.W_x, params.W_h, params.b)
    _, _, cache = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
    with pytest.raises(ValueError, match=r"dh must have shape \(3, 4, 6\), got shape \(3, 6, 4\)"):
        lstm_backward(np.zeros((3, 6, 4)), cache)
    with pytest.raises(ValueError, match=r"dc_T must have shape \(3, 6\)"):
        lstm_backward(np.zeros((3, 4, 6)), cache, dc_T=np.zeros((6, 3)))


def test_fused_loops_compute_the_readable_ones_bit_for_bit():
    """scratch.lstm_fused is the same computation as scratch.lstm, reorganised for speed."""
    from course_code.scratch.lstm_fused import lstm_backward_fused, lstm_forward_fused

    for dtype in (np.float64, np.float32):
        rng = np.random.default_rng(11)
        N, T, D, H = 3, 7, 4, 5
        params = init_lstm_params(D, H, rng, dtype=dtype)
        x = rng.standard_normal((N, T, D)).astype(dtype)
        h0, c0 = (rng.standard_normal((N, H)).astype(dtype) for _ in range(2))
        dh = rng.standard_normal((N, T, H)).astype(dtype)
        dh_T, dc_T = (rng.standard_normal((N, H)).astype(dtype) for _ in range(2))
        readable = lstm_forward(x, h0, c0, params.W_x, params.W_h, params.b)
        fused = lstm_forward_fused(x, h0, c0, params.W_x, params.W_h, params.b)
        np.testing.assert_array_equal(readable[0], fused[0])
        np.testing.assert_array_equal(readable[1][1], fused[1][1])
        for a, b in zip(lstm_backward(dh, readable[2], dh_T, dc_T), lstm_backward_fused(dh, fused[2], dh_T, dc_T)):
            np.testing.assert_array_equal(a, b)
