"""The LSTM's state Jacobians: against autograd, the forget-gate product, shape checks."""

import numpy as np
import pytest
import torch

from course_code.nn.lstm import lstm_cell
from course_code.scratch.lstm import init_lstm_params
from course_code.scratch.lstm_jacobians import lstm_state_jacobian_norms, lstm_step_jacobian


def problem(T=6, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    params = init_lstm_params(D, H, rng)
    params.W_h *= 2  # the recurrent paths matter more
    return params, rng.standard_normal((T, D)), rng.standard_normal(H) * 0.5, rng.standard_normal(H)


def autograd_state_jacobians(params, x, h0, c0):
    """d s_T / d s_k for every k, by torch.autograd on the equations (lstm_cell)."""
    W_x, W_h, b = (torch.tensor(a) for a in (params.W_x, params.W_h, params.b))
    H = len(h0)

    def run(state, start):
        h, c = state[:H][None], state[H:][None]
        for t in range(start, len(x)):
            h, c = lstm_cell(torch.tensor(x[t : t + 1]), (h, c), W_x, W_h, b, torch.zeros_like(b))
        return torch.cat([h[0], c[0]])

    jacobians, state = [], torch.cat([torch.tensor(h0), torch.tensor(c0)])
    for k in range(len(x) + 1):
        jacobians.append(torch.autograd.functional.jacobian(lambda s, k=k: run(s, k), state).numpy())
        if k < len(x):
            state = _one_step(state, x[k], W_x, W_h, b, H)
    return jacobians


def _one_step(state, x_t, W_x, W_h, b, H):
    h, c = lstm_cell(torch.tensor(x_t[None]), (state[:H][None], state[H:][None]), W_x, W_h, b, torch.zeros_like(b))
    return torch.cat([h[0], c[0]])


def test_norms_equal_those_of_autograd_jacobians():
    params, x, h0, c0 = problem()
    norms = lstm_state_jacobian_norms(x, h0, c0, params.W_x, params.W_h, params.b)
    H = len(h0)
    for k, J in enumerate(autograd_state_jacobians(params, x, h0, c0)):
        np.testing.assert_allclose(norms.state[k], np.linalg.norm(J, 2), rtol=1e-10)
        np.testing.assert_allclose(norms.hidden[k], np.linalg.norm(J[:H, :H], 2), rtol=1e-10)
        np.testing.assert_allclose(norms.cell[k], np.linalg.norm(J[H:, H:], 2), rtol=1e-10)
    assert all(field[-1] == 1.0 for field in norms)


def test_step_jacobian_equals_finite_differences():
    params, x, h0, c0 = problem(T=1, seed=1)
    W_x, W_h, b = (torch.tensor(a) for a in (params.W_x, params.W_h, params.b))
    H = len(h0)
    state = np.concatenate([h0, c0])

    def step(s):
        return _one_step(torch.tensor(s), x[0], W_x, W_h, b, H).numpy()

    eps = 1e-6
    numeric = np.stack([(step(state + eps * e) - step(state - eps * e)) / (2 * eps) for e in np.eye(2 * H)], axis=1)
    gates_h = _one_step(torch.tensor(state), x[0], W_x, W_h, b, H).numpy()
    a = params.W_x @ x[0] + params.W_h @ h0 + params.b
    sig = 1 / (1 + np.exp(-a))
    gates = np.concatenate([sig[:H], sig[H : 2 * H], np.tanh(a[2 * H : 3 * H]), sig[3 * H :]])
    analytic = lstm_step_jacobian(gates, c0, gates_h[H:], params.W_h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_open_forget_gate_and_shut_input_gate_carry_the_cell_unchanged():
    """f = 1, i = 0: dc_T/dc_k is exactly the identity, however far back (the constant error carousel)."""
    params, x, h0, c0 = problem(T=30)
    H = len(h0)
    params.b[:H] = -1e3  # input gate shut
    params.b[H : 2 * H] = 1e3  # forget gate open
    norms = lstm_state_jacobian_norms(x, h0, c0, params.W_x, params.W_h, params.b)
    np.testing.assert_allclose(norms.cell, 1.0, rtol=1e-12)
    np.testing.assert_allclose(norms.forget_product, 1.0, rtol=1e-12)


def test_forget_product_is_the_largest_product_of_forget_gates():
    params, x, h0, c0 = problem(T=5, seed=2)
    H = len(h0)
    norms = lstm_state_jacobian_norms(x, h0, c0, params.W_x, params.W_h, params.b)
    h, c, forget = h0, c0, []
    for t in range(5):
        a = params.W_x @ x[t] + params.W_h @ h + params.b
        sig = 1 / (1 + np.exp(-a))
        c = sig[H : 2 * H] * c + sig[:H] * np.tanh(a[2 * H : 3 * H])
        h = sig[3 * H :] * np.tanh(c)
        forget.append(sig[H : 2 * H])
    for k in range(5):
        np.testing.assert_allclose(norms.forget_product[k], np.prod(forget[k:], axis=0).max(), rtol=1e-12)
    assert np.all(np.diff(norms.forget_product) > 0)  # a product of numbers in (0, 1) shrinks with distance


def test_bad_shapes_raise_value_error():
    params, x, h0, c0 = problem()
    with pytest.raises(ValueError, match=r"c0 must have shape \(H=4,\), got shape \(3,\)"):
        lstm_state_jacobian_norms(x, h0, c0[:3], params.W_x, params.W_h, params.b)
    with pytest.raises(ValueError, match=r"x must have shape \(T, D\)"):
        lstm_state_jacobian_norms(x[None], h0, c0, params.W_x, params.W_h, params.b)
    with pytest.raises(ValueError, match=r"W_h must have shape \(16, H=4\)"):
        lstm_step_jacobian(np.zeros(16), c0, c0, params.W_h[:, :3])
