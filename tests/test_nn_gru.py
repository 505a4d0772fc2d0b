"""Parity: the from-equations GRU module against torch.nn.GRU."""

import numpy as np
import pytest
import torch

import course_code.nn.gru as gru_module
from course_code.nn.gru import ScratchGRU, gru_cell, gru_layer_to_numpy
from course_code.scratch.gru import gru_forward

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
    reference = torch.nn.GRU(D, H, num_layers=L, bias=bias, batch_first=True).double()
    ours = ScratchGRU(D, H, num_layers=L, bias=bias).double()
    ours.load_state_dict(reference.state_dict())
    return ours, reference


def assert_matches_torch(ours, reference, N, T, D, H, L, seed=1):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(N, T, D, dtype=torch.float64, generator=generator, requires_grad=True)
    h0 = torch.randn(L, N, H, dtype=torch.float64, generator=generator, requires_grad=True)
    x_ref, h0_ref = (t.detach().clone().requires_grad_() for t in (x, h0))
    out, h_n = ours(x, h0)
    ref_out, ref_h_n = reference(x_ref, h0_ref)
    assert out.shape == (N, T, H) and h_n.shape == (L, N, H)
    torch.testing.assert_close(out, ref_out, **TOLERANCE)
    torch.testing.assert_close(h_n, ref_h_n, **TOLERANCE)
    (out.square().sum() + h_n.sin().sum()).backward()
    (ref_out.square().sum() + ref_h_n.sin().sum()).backward()
    for (name, p), (ref_name, ref_p) in zip(ours.named_parameters(), reference.named_parameters()):
        assert name == ref_name
        torch.testing.assert_close(p.grad, ref_p.grad, **TOLERANCE)
    torch.testing.assert_close(x.grad, x_ref.grad, **TOLERANCE)
    torch.testing.assert_close(h0.grad, h0_ref.grad, **TOLERANCE)


@pytest.mark.parametrize("N,T,D,H,L", SHAPES)
def test_module_equals_torch_gru_outputs_state_and_gradients(N, T, D, H, L):
    ours, reference = pair(D, H, L)
    assert_matches_torch(ours, reference, N, T, D, H, L)


def test_module_without_bias_and_default_h0():
    ours, reference = pair(3, 4, 2, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]
    assert_matches_torch(ours, reference, 2, 5, 3, 4, 2)
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)


def test_fused_layer_equals_the_readable_cell_looped():
    from course_code.nn.fused import gru_layer
    from course_code.nn.recurrent import run_cell

    ours, _ = pair(3, 4, 1)
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(2, 5, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(2, 4, generator=generator, dtype=torch.float64, requires_grad=True)
    params = ours.layer_parameters(0)
    results = []
    for run in (lambda: gru_layer(x, h0, *params),
                lambda: run_cell(gru_module.GRU_CELL, x, h0, params, torch.ones(2, 5, dtype=bool))):
        out, h_T = run()
        results.append((out, h_T, *torch.autograd.grad(out.sin().sum() + h_T.sum(), (x, h0, *params))))
    for fused, readable in zip(*results):
        torch.testing.assert_close(fused, readable, **TOLERANCE)


def test_weights_copy_back_and_block_order_matters():
    torch.manual_seed(3)
    ours = ScratchGRU(4, 6, num_layers=2).double()
    assert tuple(ours.weight_ih_l0.shape) == (18, 4) and tuple(ours.weight_hh_l1.shape) == (18, 6)
    reference = torch.nn.GRU(4, 6, num_layers=2, batch_first=True).double()
    reference.load_state_dict(ours.state_dict())
    x = torch.randn(3, 4, 4, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)
    with torch.no_grad():
        for p in ours.parameters():
            r, z, n = p.detach().clone().chunk(3, dim=0)
            p.copy_(torch.cat([z, r, n]))  # r <-> z
    assert (ours(x)[0] - reference(x)[0]).abs().max() > 1e-3


def test_cell_function_is_the_loop_body():
    ours, reference = pair(3, 5, 1)
    x = torch.randn(2, 4, 3, dtype=torch.float64)
    h = torch.zeros(2, 5, dtype=torch.float64)
    for t in range(4):
        h = gru_cell(x[:, t], h, *ours.layer_parameters(0))
    torch.testing.assert_close(h, reference(x)[0][:, -1], **TOLERANCE)


def test_module_equals_numpy_gru_in_float32():
    torch.manual_seed(4)
    ours = ScratchGRU(8, 16)
    x = torch.randn(4, 10, 8)
    out, _ = ours(x)
    h, _ = gru_forward(x.numpy(), np.zeros((4, 16), dtype=np.float32), **gru_layer_to_numpy(ours))
    assert out.dtype == torch.float32 and h.dtype == np.float32
    np.testing.assert_allclose(out.detach().numpy(), h, rtol=1e-4, atol=1e-5)


def test_initialisation_matches_torch_bound():
    for p in ScratchGRU(3, 25).parameters():
        assert 0.1 < p.abs().max() <= 0.2


def test_bad_input_raises_value_error_with_shapes():
    ours = ScratchGRU(3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\), got shape \(2, 5, 4\)"):
        ours(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"x must have at least one time step, got shape \(2, 0, 3\)"):
        ours(torch.zeros(2, 0, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(L=2, N=2, H=4\), got shape \(1, 2, 4\)"):
        ours(torch.zeros(2, 5, 3), torch.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="input_size must be a positive integer"):
        ScratchGRU(0, 4)
