import numpy as np
import pytest
import torch

from course_code.models.last_state import LastStateRegressor
from course_code.nn import VanillaRNN
from course_code.nn.variants import LeakyRNN


def _model(truncate=None, seed=0):
    torch.manual_seed(seed)
    return LastStateRegressor(torch.nn.RNN(2, 5, batch_first=True).double(), 5, truncate=truncate).double()


def test_output_is_the_readout_of_the_last_state():
    model = _model()
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    _, h_n = model.core(x)
    expected = h_n[0] @ model.readout.weight[0] + model.readout.bias[0]
    torch.testing.assert_close(model(x), expected)
    assert model(x).shape == (3,)


@pytest.mark.parametrize("T,k", [(7, 3), (6, 3), (5, 1), (4, 10)])
def test_truncation_keeps_the_values_and_cuts_the_gradient(T, k):
    full, truncated = _model(), _model(truncate=k)
    x = torch.randn(2, T, 2, dtype=torch.float64, requires_grad=True)
    torch.testing.assert_close(full(x), truncated(x))
    (grad,) = torch.autograd.grad(truncated(x).sum(), x)
    last_chunk = ((T - 1) // k) * k  # first step of the last chunk
    assert (grad[:, :last_chunk] == 0).all()
    assert (grad[:, last_chunk:].abs().sum(dim=2) > 0).all()
    (full_grad,) = torch.autograd.grad(full(x).sum(), x)
    assert (full_grad.abs().sum(dim=2) > 0).all()  # full BPTT reaches every step
    if last_chunk == 0:  # one chunk: truncation changes nothing
        torch.testing.assert_close(grad, full_grad)


def test_works_with_the_course_cores():
    x = torch.randn(4, 6, 2)
    for core in (VanillaRNN(2, 3), LeakyRNN(2, 3, leak=0.5)):
        assert LastStateRegressor(core, 3)(x).shape == (4,)
        assert LastStateRegressor(core, 3, truncate=2)(x).shape == (4,)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="truncate must be a positive integer"):
        LastStateRegressor(VanillaRNN(2, 3), 3, truncate=0)
    with pytest.raises(ValueError, match="hidden_size"):
        LastStateRegressor(VanillaRNN(2, 3), 0)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\)"):
        LastStateRegressor(VanillaRNN(2, 3), 3)(torch.zeros(4, 2))
