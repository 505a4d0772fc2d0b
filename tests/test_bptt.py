"""Backpropagation through time, checked three ways: numerically, against torch autograd, by hand."""

import math

import numpy as np
import pytest
import torch

from course_code.checks import numerical_gradient, relative_error
from course_code.examples import three_step_example
from course_code.scratch import (
    cross_entropy,
    cross_entropy_backward,
    init_rnn_params,
    output_layer,
    output_layer_backward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)
from course_code.scratch.bptt import rnn_loss_and_gradients, truncated_bptt_gradients
from course_code.scratch.chain_rule import scalar_rnn_chain_rule

FIELDS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def problem(N=3, T=5, D=4, H=6, V=3, seed=0):
    rng = np.random.default_rng(seed)
    params = init_rnn_params(D, H, V, rng)
    params.W_hh *= 3  # larger recurrent weights: long-range terms matter more
    x = rng.standard_normal((N, T, D))
    targets = rng.integers(0, V, size=(N, T))
    h0 = rng.standard_normal((N, H)) * 0.5
    return params, x, targets, h0


def test_step_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    x, h_prev = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))
    W_xh, W_hh, b_h = rng.standard_normal((5, 4)), rng.standard_normal((5, 5)), rng.standard_normal(5)
    dh = rng.standard_normal((3, 5))
    for nonlinearity in ("tanh", "relu"):
        _, cache = rnn_step_forward(x, h_prev, W_xh, W_hh, b_h, nonlinearity)
        grads = rnn_step_backward(dh, cache)

        def loss():
            return float((rnn_step_forward(x, h_prev, W_xh, W_hh, b_h, nonlinearity)[0] * dh).sum())

        for name, array, grad in [("x", x, grads.dx), ("h_prev", h_prev, grads.dh_prev),
                                  ("W_xh", W_xh, grads.dW_xh), ("W_hh", W_hh, grads.dW_hh), ("b_h", b_h, grads.db_h)]:
            assert relative_error(grad, numerical_gradient(loss, array)) < 1e-6, (nonlinearity, name)


def test_sequence_backward_matches_numerical_gradient_including_inputs_and_h0():
    params, x, _, h0 = problem()
    dh = np.random.default_rng(2).standard_normal((3, 5, 6))
    _, cache = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    grads = rnn_backward(dh, cache)

    def loss():
        return float((rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)[0] * dh).sum())

    for array, grad in [(x, grads.dx), (h0, grads.dh_prev), (params.W_xh, grads.dW_xh),
                        (params.W_hh, grads.dW_hh), (params.b_h, grads.db_h)]:
        assert relative_error(grad, numerical_gradient(loss, array)) < 1e-6


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_full_model_gradients_match_numerical(reduction):
    params, x, targets, h0 = problem(T=6)
    loss, grads = rnn_loss_and_gradients(params, x, targets, h0, reduction)
    for name in FIELDS:
        numeric = numerical_gradient(
            lambda: rnn_loss_and_gradients(params, x, targets, h0, reduction)[0], getattr(params, name)
        )
        assert relative_error(getattr(grads, name), numeric) < 1e-6, name


@pytest.mark.parametrize("N,T,D,H,V", [(1, 1, 1, 1, 2), (2, 7, 3, 5, 4), (4, 3, 6, 2, 3)])
def test_full_model_gradients_match_torch_autograd(N, T, D, H, V):
    params, x, targets, h0 = problem(N, T, D, H, V, seed=N + T)
    loss, grads = rnn_loss_and_gradients(params, x, targets, h0)

    w = {name: torch.tensor(getattr(params, name), requires_grad=True) for name in FIELDS}
    h = torch.tensor(h0)
    total = torch.zeros((), dtype=torch.float64)
    for t in range(T):
        h = torch.tanh(torch.tensor(x[:, t]) @ w["W_xh"].T + h @ w["W_hh"].T + w["b_h"])
        logits = h @ w["W_hy"].T + w["b_y"]
        total = total + torch.nn.functional.cross_entropy(logits, torch.tensor(targets[:, t]), reduction="sum")
    total.backward()
    assert loss == pytest.approx(total.item(), rel=1e-12)
    for name in FIELDS:
        np.testing.assert_allclose(getattr(grads, name), w[name].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_cross_entropy_backward_is_softmax_minus_onehot():
    logits = np.array([[[0.0, math.log(3.0)]]])  # softmax = (0.25, 0.75)
    np.testing.assert_allclose(cross_entropy_backward(logits, np.array([[1]]), "sum"), [[[0.25, -0.25]]])
    rng = np.random.default_rng(3)
    logits, targets = rng.standard_normal((2, 3, 4)), rng.integers(0, 4, (2, 3))
    np.testing.assert_allclose(
        cross_entropy_backward(logits, targets, "mean") * 6, cross_entropy_backward(logits, targets, "sum")
    )
    numeric = numerical_gradient(lambda: float(cross_entropy(logits, targets, "mean")), logits)
    assert relative_error(cross_entropy_backward(logits, targets, "mean"), numeric) < 1e-6
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum' for a gradient"):
        cross_entropy_backward(logits, targets, "none")


def test_output_bias_gradient_of_the_worked_example_by_hand():
    """dL/db_y = sum_t (y_hat_t - onehot(y_t)); the chapter adds up the three rows by hand."""
    params, x, targets = three_step_example()
    _, grads = rnn_loss_and_gradients(params, x, targets)
    # The probabilities from the chapter-2 table, recomputed with math.exp only:
    h = rnn_forward(x, np.zeros((1, 2)), params.W_xh, params.W_hh, params.b_h)[0][0]
    expected = [0.0, 0.0]
    for t, target in enumerate(targets[0]):
        l0, l1 = h[t, 0] - h[t, 1], 0.5 * h[t, 0] + 0.5 * h[t, 1]  # W_hy h_t with W_hy = [[1, -1], [.5, .5]]
        p1 = math.exp(l1) / (math.exp(l0) + math.exp(l1))
        expected[0] += (1 - p1) - (target == 0)
        expected[1] += p1 - (target == 1)
    np.testing.assert_allclose(grads.b_y, expected, rtol=1e-12)
    assert [round(v, 4) for v in grads.b_y] == [-0.3893, 0.3893]


def test_shared_weight_gradient_is_the_sum_over_time_not_the_mean():
    params, x, targets, h0 = problem(T=4)
    _, grads = rnn_loss_and_gradients(params, x, targets, h0)
    h, cache = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    dlogits = cross_entropy_backward(output_layer(h, params.W_hy, params.b_y), targets, "sum")
    dh, _, _ = output_layer_backward(dlogits, h, params.W_hy)
    # Per-step contributions dL/dW_hh at step t, from the full backward recursion:
    contributions, dh_next = [], np.zeros_like(h0)
    for t in reversed(range(4)):
        _, step_cache = rnn_step_forward(x[:, t], h[:, t - 1] if t else h0, params.W_xh, params.W_hh, params.b_h)
        step = rnn_step_backward(dh[:, t] + dh_next, step_cache)
        contributions.append(step.dW_hh)
        dh_next = step.dh_prev
    np.testing.assert_allclose(grads.W_hh, sum(contributions), rtol=1e-12)
    assert relative_error(grads.W_hh, sum(contributions) / 4) > 0.5


def test_truncation_with_full_window_is_full_bptt():
    params, x, targets, h0 = problem(T=7)
    loss, full = rnn_loss_and_gradients(params, x, targets, h0)
    for k1, k2 in [(7, 7), (1, 7), (3, 7), (2, 9)]:
        truncated_loss, grads = truncated_bptt_gradients(params, x, targets, k1, k2, h0)
        assert truncated_loss == pytest.approx(loss)
        if k1 == 7:
            for name in FIELDS:
                np.testing.assert_allclose(getattr(grads, name), getattr(full, name), rtol=1e-12)


def test_truncation_to_one_step_ignores_the_recurrence():
    """k1 = k2 = 1: every loss reaches only its own step, so dW_hh = sum_t da_t h_{t-1}^T with no dh from t+1."""
    params, x, targets, h0 = problem(T=5)
    _, grads = truncated_bptt_gradients(params, x, targets, 1, 1, h0)
    h, _ = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    dlogits = cross_entropy_backward(output_layer(h, params.W_hy, params.b_y), targets, "sum")
    da = (dlogits @ params.W_hy) * (1 - h**2)
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    np.testing.assert_allclose(grads.W_hh, np.einsum("nth,ntk->hk", da, h_prev), rtol=1e-10)
    _, full = rnn_loss_and_gradients(params, x, targets, h0)
    np.testing.assert_allclose(grads.W_hy, full.W_hy)  # the output layer is never truncated
    assert relative_error(grads.W_hh, full.W_hh) > 1e-3


def test_truncated_gradient_approaches_full_as_k2_grows():
    params, x, targets, h0 = problem(T=12)
    _, full = rnn_loss_and_gradients(params, x, targets, h0)
    errors = [np.linalg.norm(truncated_bptt_gradients(params, x, targets, 1, k2, h0)[1].W_hh - full.W_hh)
              / np.linalg.norm(full.W_hh) for k2 in (1, 3, 12)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-12


@pytest.mark.parametrize("k1,k2,message", [(0, 3, "k1 must be a positive integer"), (2, 1.5, "k2 must be a positive integer"),
                                           (3, 2, "k2 must be at least k1, got k1=3, k2=2")])
def test_truncated_bptt_rejects_bad_windows(k1, k2, message):
    params, x, targets, h0 = problem()
    with pytest.raises(ValueError, match=message):
        truncated_bptt_gradients(params, x, targets, k1, k2, h0)


def test_backward_rejects_wrong_upstream_shape():
    params, x, _, h0 = problem()
    _, cache = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    with pytest.raises(ValueError, match=r"dh must have shape \(3, 5, 6\), got shape \(3, 6, 5\)"):
        rnn_backward(np.zeros((3, 6, 5)), cache)


def test_numerical_gradient_and_relative_error_helpers():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(numerical_gradient(lambda: float((x**3).sum()), x), 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="x must be a float64 numpy array, got float32"):
        numerical_gradient(lambda: 0.0, np.zeros(2, np.float32))
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_scalar_chain_rule_terms_add_up_to_autograd_and_numerical_gradient():
    xs, y = [0.5, -1.0, 0.25, 1.0], 0.3
    result = scalar_rnn_chain_rule(w_x=0.8, w_h=1.2, b=0.1, v=1.5, xs=xs, y=y)
    assert len(result.terms) == 4 and len(result.h) == 5

    w_h = torch.tensor(1.2, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(0.0, dtype=torch.float64)
    for x in xs:
        h = torch.tanh(0.8 * x + w_h * h + 0.1)
    loss = 0.5 * (1.5 * h - y) ** 2
    loss.backward()
    assert result.loss == pytest.approx(loss.item(), rel=1e-12)
    assert result.total == pytest.approx(w_h.grad.item(), rel=1e-12)

    eps = 1e-6
    numeric = (scalar_rnn_chain_rule(0.8, 1.2 + eps, 0.1, 1.5, xs, y).loss
               - scalar_rnn_chain_rule(0.8, 1.2 - eps, 0.1, 1.5, xs, y).loss) / (2 * eps)
    assert result.total == pytest.approx(numeric, rel=1e-7)
    # The first step's term: h_0 = 0, so using w_h at step 1 changes nothing.
    assert result.terms[0] == 0.0


def test_scalar_chain_rule_rejects_empty_input():
    with pytest.raises(ValueError, match="xs must hold at least one input"):
        scalar_rnn_chain_rule(1.0, 1.0, 0.0, 1.0, [], 0.0)
