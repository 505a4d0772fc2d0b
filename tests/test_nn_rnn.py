"""Parity: the from-equations torch module and the NumPy code against torch.nn.RNN."""

import numpy as np
import pytest
import torch

from course_code.nn import VanillaRNN, rnn_layer_from_numpy, rnn_layer_to_numpy
from course_code.scratch import init_rnn_params, rnn_forward

TOLERANCE = dict(rtol=1e-6, atol=1e-6)  # float64 throughout; the observed error is ~1e-15

SHAPES = [  # N, T, D, H, L
    (1, 1, 1, 1, 1),
    (1, 7, 3, 5, 1),
    (4, 1, 6, 2, 1),
    (3, 9, 4, 8, 1),
    (2, 5, 3, 4, 2),
    (3, 6, 5, 3, 3),
]


def pair(D, H, L, nonlinearity="tanh", bias=True, seed=0):
    torch.manual_seed(seed)
    reference = torch.nn.RNN(D, H, num_layers=L, nonlinearity=nonlinearity, bias=bias, batch_first=True).double()
    ours = VanillaRNN(D, H, num_layers=L, nonlinearity=nonlinearity, bias=bias).double()
    ours.load_state_dict(reference.state_dict())
    return ours, reference


@pytest.mark.parametrize("N,T,D,H,L", SHAPES)
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_module_equals_torch_rnn_outputs_and_gradients(N, T, D, H, L, nonlinearity):
    ours, reference = pair(D, H, L, nonlinearity)
    x = torch.randn(N, T, D, dtype=torch.float64)
    h0 = torch.randn(L, N, H, dtype=torch.float64)
    out, h_n = ours(x, h0)
    ref_out, ref_h_n = reference(x, h0)
    torch.testing.assert_close(out, ref_out, **TOLERANCE)
    torch.testing.assert_close(h_n, ref_h_n, **TOLERANCE)

    (out.sum() + h_n.square().sum()).backward()
    (ref_out.sum() + ref_h_n.square().sum()).backward()
    for (name, p), (ref_name, ref_p) in zip(ours.named_parameters(), reference.named_parameters()):
        assert name == ref_name
        torch.testing.assert_close(p.grad, ref_p.grad, **TOLERANCE)


def test_module_without_bias_and_default_h0():
    ours, reference = pair(3, 4, 2, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)


def test_weights_copy_back_from_module_to_torch():
    torch.manual_seed(3)
    ours = VanillaRNN(4, 6, num_layers=2).double()
    reference = torch.nn.RNN(4, 6, num_layers=2, batch_first=True).double()
    reference.load_state_dict(ours.state_dict())
    x = torch.randn(3, 4, 4, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)


def test_initialisation_matches_torch_bound():
    module = VanillaRNN(3, 25)
    for p in module.parameters():
        assert p.abs().max() <= 0.2 and p.abs().max() > 0.1


@pytest.mark.parametrize("N,T,D,H,L", [s for s in SHAPES if s[4] == 1])
def test_numpy_forward_equals_torch_rnn(N, T, D, H, L):
    _, reference = pair(D, H, 1, seed=N + T)
    weights = rnn_layer_to_numpy(reference)
    x = torch.randn(N, T, D, dtype=torch.float64)
    h0 = torch.randn(1, N, H, dtype=torch.float64)
    h, _ = rnn_forward(x.numpy(), h0[0].numpy(), **weights)
    ref_out, _ = reference(x, h0)
    np.testing.assert_allclose(h, ref_out.detach().numpy(), **TOLERANCE)


def test_numpy_weights_load_into_torch_rnn():
    params = init_rnn_params(3, 4, 2, np.random.default_rng(5))
    reference = torch.nn.RNN(3, 4, batch_first=True).double()
    rnn_layer_from_numpy(reference, params.W_xh, params.W_hh, params.b_h)
    assert torch.count_nonzero(reference.bias_hh_l0) == 0
    x = np.random.default_rng(6).standard_normal((2, 5, 3))
    h, _ = rnn_forward(x, np.zeros((2, 4)), params.W_xh, params.W_hh, params.b_h)
    np.testing.assert_allclose(reference(torch.from_numpy(x))[0].detach().numpy(), h, **TOLERANCE)
    np.testing.assert_allclose(rnn_layer_to_numpy(reference)["b_h"], params.b_h)


def test_time_major_layout_maps_by_transpose():
    """PyTorch's default (T, N, D) layout gives the same numbers, transposed."""
    ours, _ = pair(3, 4, 1)
    time_major = torch.nn.RNN(3, 4).double()
    time_major.load_state_dict(ours.state_dict())
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    torch.testing.assert_close(time_major(x.transpose(0, 1))[0].transpose(0, 1), ours(x)[0], **TOLERANCE)


def test_bad_input_raises_value_error_with_shapes():
    ours = VanillaRNN(3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\), got shape \(2, 5\)"):
        ours(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\), got shape \(2, 5, 4\)"):
        ours(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"x must have at least one time step"):  # was a RuntimeError
        ours(torch.zeros(2, 0, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(L=2, N=2, H=4\), got shape \(1, 2, 4\)"):
        ours(torch.zeros(2, 5, 3), torch.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        VanillaRNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        VanillaRNN(3, 0)
    with pytest.raises(ValueError, match=r"W_xh must have shape \(4, 3\) to fill weight_ih_l0, got \(3, 4\)"):
        rnn_layer_from_numpy(ours, np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4))


def test_parameter_counts_of_the_sequences_chapter_exercise():
    # Backs the solution of the exercise in the chapter on sequences: with D = 100 and H = 128 a
    # feed-forward first layer over T flattened steps outgrows one recurrent layer from T = 3 on.
    D, H = 100, 128
    recurrent = sum(p.numel() for p in torch.nn.RNN(D, H).parameters()) - H  # PyTorch keeps two biases
    assert recurrent == 29_312

    def dense(T):
        return sum(p.numel() for p in torch.nn.Linear(T * D, H).parameters())

    assert (dense(2), dense(3)) == (25_728, 38_528)
    assert dense(2) < recurrent < dense(3)
