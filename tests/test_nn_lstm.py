"""Parity: the from-equations LSTM module against torch.nn.LSTM, and its helpers."""

import numpy as np
import pytest
import torch

import course_code.nn.lstm as lstm_module
from course_code.nn.lstm import ScratchLSTM, init_forget_gate_bias, lstm_cell, lstm_layer_to_numpy
from course_code.scratch.lstm import lstm_forward

TOLERANCE = dict(rtol=1e-6, atol=1e-6)  # float64 throughout; the observed error is ~1e-15

SHAPES = [  # N, T, D, H, L
    (1, 1, 1, 1, 1),
    (1, 7, 3, 5, 1),
    (4, 1, 6, 2, 1),
    (3, 9, 4, 8, 1),
    (2, 5, 3, 4, 2),
    (3, 6, 5, 3, 3),
]


def pair(D, H, L, bias=True, seed=0):
    torch.manual_seed(seed)
    reference = torch.nn.LSTM(D, H, num_layers=L, bias=bias, batch_first=True).double()
    ours = ScratchLSTM(D, H, num_layers=L, bias=bias).double()
    ours.load_state_dict(reference.state_dict())
    return ours, reference


def run_and_backward(module, x, state):
    out, (h_n, c_n) = module(x, state)
    # A loss that reads the outputs and both final states, each with its own weights.
    (out.square().sum() + (h_n * 0.5).sum() + c_n.sin().sum()).backward()
    return out, h_n, c_n


def inputs(N, T, D, H, L, seed=1):
    generator = torch.Generator().manual_seed(seed)
    def make(*shape):
        return torch.randn(*shape, dtype=torch.float64, generator=generator, requires_grad=True)

    return make(N, T, D), make(L, N, H), make(L, N, H)


def assert_same_grads(ours, reference, ours_inputs, reference_inputs):
    for (name, p), (ref_name, ref_p) in zip(ours.named_parameters(), reference.named_parameters()):
        assert name == ref_name
        torch.testing.assert_close(p.grad, ref_p.grad, **TOLERANCE)
    for a, b in zip(ours_inputs, reference_inputs):
        torch.testing.assert_close(a.grad, b.grad, **TOLERANCE)


@pytest.mark.parametrize("N,T,D,H,L", SHAPES)
def test_module_equals_torch_lstm_outputs_states_and_gradients(N, T, D, H, L):
    ours, reference = pair(D, H, L)
    x, h0, c0 = inputs(N, T, D, H, L)
    x_ref, h0_ref, c0_ref = (t.detach().clone().requires_grad_() for t in (x, h0, c0))
    out, h_n, c_n = run_and_backward(ours, x, (h0, c0))
    ref_out, ref_h_n, ref_c_n = run_and_backward(reference, x_ref, (h0_ref, c0_ref))
    assert out.shape == (N, T, H) and h_n.shape == c_n.shape == (L, N, H)
    torch.testing.assert_close(out, ref_out, **TOLERANCE)
    torch.testing.assert_close(h_n, ref_h_n, **TOLERANCE)
    torch.testing.assert_close(c_n, ref_c_n, **TOLERANCE)
    assert_same_grads(ours, reference, (x, h0, c0), (x_ref, h0_ref, c0_ref))


def test_fused_layer_equals_the_readable_cell_looped():
    """The fast path (hand-written backward) and the loop of lstm_cell give the same outputs and gradients."""
    from course_code.nn.fused import lstm_layer
    from course_code.nn.recurrent import run_cell

    ours, _ = pair(3, 4, 1)
    x, h0, c0 = inputs(2, 5, 3, 4, 1)
    params = ours.layer_parameters(0)
    results = []
    for run in (lambda: lstm_layer(x, (h0[0], c0[0]), *params),
                lambda: run_cell(lstm_module.LSTM_CELL, x, (h0[0], c0[0]), params, torch.ones(2, 5, dtype=bool))):
        out, (h_T, c_T) = run()
        grads = torch.autograd.grad((out.sin().sum() + h_T.sum() + c_T.square().sum()), (x, h0, c0, *params))
        results.append((out, h_T, c_T, *grads))
    for fused, readable in zip(*results):
        torch.testing.assert_close(fused, readable, **TOLERANCE)


def test_second_derivatives_equal_torch():
    """Double backward (a gradient penalty) works through the fused loop, as through torch.nn.LSTM."""
    ours, reference = pair(3, 4, 2, seed=4)
    x = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)
    penalties = []
    for module in (ours, reference):
        (dx,) = torch.autograd.grad(module(x)[0].tanh().sum(), x, create_graph=True)
        penalty = dx.square().sum()
        penalties.append((penalty, *torch.autograd.grad(penalty, list(module.parameters()))))
    for a, b in zip(*penalties):
        torch.testing.assert_close(a, b, **TOLERANCE)


def test_loss_on_output_only_and_default_state():
    ours, reference = pair(3, 4, 2, seed=2)
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    out, _ = ours(x)
    ref_out, _ = reference(x)
    torch.testing.assert_close(out, ref_out, **TOLERANCE)
    out.sum().backward()
    ref_out.sum().backward()
    assert_same_grads(ours, reference, (), ())


def test_module_without_bias():
    ours, reference = pair(3, 4, 2, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)


def test_parameter_names_shapes_and_copy_back_to_torch():
    torch.manual_seed(3)
    ours = ScratchLSTM(4, 6, num_layers=2).double()
    shapes = {name: tuple(p.shape) for name, p in ours.named_parameters()}
    assert shapes == {"weight_ih_l0": (24, 4), "weight_hh_l0": (24, 6), "bias_ih_l0": (24,), "bias_hh_l0": (24,),
                      "weight_ih_l1": (24, 6), "weight_hh_l1": (24, 6), "bias_ih_l1": (24,), "bias_hh_l1": (24,)}
    reference = torch.nn.LSTM(4, 6, num_layers=2, batch_first=True).double()
    reference.load_state_dict(ours.state_dict())
    x = torch.randn(3, 4, 4, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)


def test_gate_order_swap_is_caught():
    """Swapping the f and g blocks of every weight changes the output: parity depends on the order."""
    ours, reference = pair(3, 4, 1)
    with torch.no_grad():
        for p in ours.parameters():
            i, f, g, o = p.detach().clone().chunk(4, dim=0)
            p.copy_(torch.cat([i, g, f, o]))
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    assert (ours(x)[0] - reference(x)[0]).abs().max() > 1e-3


def test_cell_function_is_the_loop_body():
    ours, reference = pair(3, 5, 1)
    x = torch.randn(2, 4, 3, dtype=torch.float64)
    h = c = torch.zeros(2, 5, dtype=torch.float64)
    for t in range(4):
        h, c = lstm_cell(x[:, t], (h, c), *ours.layer_parameters(0))
    out, (h_n, c_n) = reference(x)
    torch.testing.assert_close(h, out[:, -1], **TOLERANCE)
    torch.testing.assert_close(c, c_n[0], **TOLERANCE)


def test_module_equals_numpy_lstm_in_float32():
    torch.manual_seed(4)
    ours = ScratchLSTM(8, 16)
    x = torch.randn(4, 10, 8)
    out, (h_n, c_n) = ours(x)
    zeros = np.zeros((4, 16), dtype=np.float32)
    h, (h_T, c_T), _ = lstm_forward(x.numpy(), zeros, zeros, **lstm_layer_to_numpy(ours))
    assert out.dtype == torch.float32 and h.dtype == np.float32
    np.testing.assert_allclose(out.detach().numpy(), h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c_n[0].detach().numpy(), c_T, rtol=1e-4, atol=1e-5)


def test_initialisation_matches_torch_bound():
    module = ScratchLSTM(3, 25)
    for p in module.parameters():
        assert 0.1 < p.abs().max() <= 0.2


@pytest.mark.parametrize("module_class", [ScratchLSTM, lambda *a, **k: torch.nn.LSTM(*a, batch_first=True, **k)])
def test_forget_bias_init_sets_exactly_the_forget_slice(module_class):
    torch.manual_seed(5)
    module = module_class(3, 4, num_layers=2)
    before = {name: p.detach().clone() for name, p in module.named_parameters()}
    init_forget_gate_bias(module, 1.0)
    for name, p in module.named_parameters():
        if name.startswith("bias_"):
            outside = torch.cat([p[:4], p[8:]])
            torch.testing.assert_close(outside, torch.cat([before[name][:4], before[name][8:]]), rtol=0, atol=0)
        else:
            torch.testing.assert_close(p, before[name], rtol=0, atol=0)
    for layer in range(2):
        total = getattr(module, f"bias_ih_l{layer}") + getattr(module, f"bias_hh_l{layer}")
        torch.testing.assert_close(total[4:8], torch.ones(4), rtol=0, atol=0)
    # and the forget gate now starts near σ(1): with zero weights and state, f = σ(1) exactly
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.startswith("weight"):
                p.zero_()
    _, (_, c_n) = module(torch.zeros(1, 2, 3), (torch.zeros(2, 1, 4), torch.ones(2, 1, 4)))
    # i, g from their untouched biases: c after two steps is f²·1 + (f + 1)·i·g
    bias = module.bias_ih_l1 + module.bias_hh_l1
    i, g = torch.sigmoid(bias[:4]), torch.tanh(bias[8:12])
    f = torch.sigmoid(torch.tensor(1.0))
    torch.testing.assert_close(c_n[1], (f * f + (f + 1) * i * g).unsqueeze(0).detach(), rtol=1e-5, atol=1e-6)


def test_forget_bias_init_without_bias_raises():
    with pytest.raises(ValueError, match="bias=False"):
        init_forget_gate_bias(ScratchLSTM(3, 4, bias=False))


def test_bad_input_raises_value_error_with_shapes():
    ours = ScratchLSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\), got shape \(2, 5\)"):
        ours(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\), got shape \(2, 5, 4\)"):
        ours(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"x must have at least one time step"):
        ours(torch.zeros(2, 0, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(L=2, N=2, H=4\), got shape \(1, 2, 4\)"):
        ours(torch.zeros(2, 5, 3), (torch.zeros(1, 2, 4), torch.zeros(2, 2, 4)))
    with pytest.raises(ValueError, match=r"c0 must have shape \(L=2, N=2, H=4\), got shape \(2, 2\)"):
        ours(torch.zeros(2, 5, 3), (torch.zeros(2, 2, 4), torch.zeros(2, 2)))
    with pytest.raises(ValueError, match=r"pair \(h0, c0\)"):
        ours(torch.zeros(2, 5, 3), torch.zeros(2, 2, 4))
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        ScratchLSTM(3, 0)
    with pytest.raises(ValueError, match="num_layers must be a positive integer"):
        ScratchLSTM(3, 4, num_layers=1.5)
