"""Truncated BPTT three ways: NumPy (k1, k2), the one-chunk loop, torch detach()."""

import numpy as np
import pytest
import torch

from course_code.nn import rnn_layer_from_numpy
from course_code.nn.truncated_bptt import truncated_bptt_backward
from course_code.scratch import init_rnn_params
from course_code.scratch.bptt import rnn_loss_and_gradients, truncated_bptt_gradients
from course_code.scratch.truncation import chunked_bptt_gradients

NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def problem(T, seed=3):
    rng = np.random.default_rng(seed)
    params = init_rnn_params(3, 5, 4, rng)
    params.W_hh *= 2.0  # strong recurrence: the dropped terms are large, not negligible
    x = rng.standard_normal((2, T, 3))
    targets = rng.integers(0, 4, size=(2, T))
    return params, x, targets


def torch_detached_gradients(params, x, targets, k, reduction="sum"):
    rnn = torch.nn.RNN(3, 5, batch_first=True).double()
    rnn_layer_from_numpy(rnn, params.W_xh, params.W_hh, params.b_h)
    readout = torch.nn.Linear(5, 4).double()
    with torch.no_grad():
        readout.weight.copy_(torch.tensor(params.W_hy))
        readout.bias.copy_(torch.tensor(params.b_y))
    loss = truncated_bptt_backward(
        rnn, readout, torch.tensor(x), torch.tensor(targets), k, reduction
    )
    grads = {
        "W_xh": rnn.weight_ih_l0.grad,
        "W_hh": rnn.weight_hh_l0.grad,
        "b_h": rnn.bias_ih_l0.grad,
        "W_hy": readout.weight.grad,
        "b_y": readout.bias.grad,
    }
    torch.testing.assert_close(
        rnn.bias_ih_l0.grad, rnn.bias_hh_l0.grad, rtol=0, atol=1e-14
    )
    return loss, {name: value.numpy() for name, value in grads.items()}


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 12])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_detach_every_k_steps_equals_numpy_truncation(k, reduction):
    params, x, targets = problem(T=12)
    loss, reference = truncated_bptt_gradients(
        params, x, targets, k, k, reduction=reduction
    )
    torch_loss, grads = torch_detached_gradients(params, x, targets, k, reduction)
    assert torch_loss == pytest.approx(loss, rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(
            grads[name], getattr(reference, name), rtol=0, atol=1e-12
        )


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 12])
def test_one_chunk_loop_equals_numpy_truncation(k):
    params, x, targets = problem(T=12)
    loss, reference = truncated_bptt_gradients(params, x, targets, k, k)
    chunked_loss, grads = chunked_bptt_gradients(params, x, targets, k)
    assert chunked_loss == pytest.approx(loss, rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(
            getattr(grads, name), getattr(reference, name), atol=1e-12
        )


def test_truncation_really_drops_terms_and_full_length_restores_them():
    params, x, targets = problem(T=12)
    _, full = rnn_loss_and_gradients(params, x, targets)
    _, chunked = chunked_bptt_gradients(params, x, targets, 3)
    assert np.abs(chunked.W_hh - full.W_hh).max() > 1e-2  # the test can fail
    _, whole = chunked_bptt_gradients(params, x, targets, 12)
    np.testing.assert_allclose(whole.W_hh, full.W_hh, atol=1e-12)


def test_ragged_last_chunk_stops_at_its_own_start():
    # T = 11, k = 4: the last chunk is steps 8..10. The detach loop and the one-chunk
    # loop stop there; truncated_bptt_gradients(k1=k2=4) reaches 4 steps back from the
    # end instead, into step 7, so only the first two agree.
    params, x, targets = problem(T=11)
    _, torch_grads = torch_detached_gradients(params, x, targets, 4)
    _, chunked = chunked_bptt_gradients(params, x, targets, 4)
    for name in NAMES:
        np.testing.assert_allclose(
            torch_grads[name], getattr(chunked, name), atol=1e-12
        )
    _, reference = truncated_bptt_gradients(params, x, targets, 4, 4)
    assert np.abs(reference.W_hh - chunked.W_hh).max() > 1e-3


def test_bad_arguments_are_named():
    params, x, targets = problem(T=4)
    with pytest.raises(ValueError, match="k must be a positive integer, got 0"):
        chunked_bptt_gradients(params, x, targets, 0)
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean'"):
        chunked_bptt_gradients(params, x, targets, 2, reduction="max")
    rnn, readout = torch.nn.RNN(3, 5, batch_first=True), torch.nn.Linear(5, 4)
    with pytest.raises(ValueError, match=r"targets must have shape \(N=2, T=4\)"):
        truncated_bptt_backward(
            rnn, readout, torch.zeros(2, 4, 3), torch.zeros(2, 3), 2
        )
    with pytest.raises(ValueError, match="k must be a positive integer"):
        truncated_bptt_backward(
            rnn, readout, torch.zeros(2, 4, 3), torch.zeros(2, 4), 1.5
        )
