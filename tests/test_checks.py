"""The shared checking helpers: gradient_check and torch_parity, each shown able to fail."""

import numpy as np
import pytest
import torch

from course_code.checks import gradient_check, torch_parity
from course_code.nn.gru import ScratchGRU
from course_code.nn.lstm import ScratchLSTM
from course_code.nn.rnn import VanillaRNN
from course_code.nn.stacked import StackedRNN
from course_code.scratch.rnn import init_rnn_params, rnn_backward, rnn_forward


def test_gradient_check_passes_a_right_gradient_and_fails_a_wrong_one():
    rng = np.random.default_rng(0)
    params = init_rnn_params(3, 4, 2, rng)
    x, h0, dh = rng.standard_normal((2, 5, 3)), np.zeros((2, 4)), rng.standard_normal((2, 5, 4))

    def loss():
        return float((rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)[0] * dh).sum())

    grads = rnn_backward(dh, rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)[1])
    errors = gradient_check(loss, {"W_hh": (params.W_hh, grads.dW_hh), "x": (x, grads.dx)})
    assert max(errors.values()) < 1e-7
    wrong = gradient_check(loss, {"W_hh": (params.W_hh, grads.dW_hh.T)})  # a transposed gradient
    assert wrong["W_hh"] > 1e-2
    with pytest.raises(ValueError, match="the gradient of b_h must have its shape"):
        gradient_check(loss, {"b_h": (params.b_h, grads.dW_hh)})


@pytest.mark.parametrize("ours, reference", [
    (VanillaRNN(3, 4, num_layers=2), torch.nn.RNN(3, 4, num_layers=2, batch_first=True)),
    (ScratchGRU(3, 4), torch.nn.GRU(3, 4, batch_first=True)),
    (ScratchLSTM(3, 4, num_layers=2), torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)),
    (StackedRNN("lstm", 3, 4, bidirectional=True), torch.nn.LSTM(3, 4, bidirectional=True, batch_first=True)),
])
def test_torch_parity_of_the_course_modules(ours, reference):
    ours, reference = ours.double(), reference.double()
    ours.load_state_dict(reference.state_dict())
    x = torch.randn(2, 5, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    gaps = torch_parity(ours, reference, x)
    assert {"output", "state", "weight_hh_l0", "input 0"} <= gaps.keys()
    assert max(gaps.values()) < 1e-12, gaps


def test_torch_parity_sees_swapped_gates():
    ours, reference = ScratchLSTM(3, 4).double(), torch.nn.LSTM(3, 4, batch_first=True).double()
    state = reference.state_dict()
    ours.load_state_dict({name: torch.cat([w.chunk(4)[k] for k in (1, 0, 2, 3)]) for name, w in state.items()})
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    assert torch_parity(ours, reference, x)["output"] > 1e-3
