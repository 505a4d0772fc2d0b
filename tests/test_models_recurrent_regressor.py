"""last_state_regressor: three cores, one read-out; the LSTM adapter; from-scratch copies agree."""

import pytest
import torch

from course_code.models.last_state import LastStateRegressor
from course_code.models.recurrent_regressor import CELLS, HiddenStateOnly, last_state_regressor
from course_code.reproducibility import seeded_init


@pytest.mark.parametrize("cell", CELLS)
def test_shapes_and_parameter_counts(cell):
    model = last_state_regressor(cell, 5, input_size=2, seed=0)
    assert model(torch.randn(3, 7, 2)).shape == (3,)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    expected = gates * (5 * 2 + 5 * 5 + 2 * 5) + 5 + 1  # the core's two biases, then the read-out
    assert sum(p.numel() for p in model.parameters()) == expected


@pytest.mark.parametrize("cell", CELLS)
def test_from_scratch_computes_the_same_function_and_gradients(cell):
    torch_model = last_state_regressor(cell, 4, seed=3).double()
    scratch_model = last_state_regressor(cell, 4, seed=3, from_scratch=True).double()
    x = torch.randn(2, 6, 2, dtype=torch.float64)
    out, out_scratch = torch_model(x), scratch_model(x)
    torch.testing.assert_close(out, out_scratch, rtol=1e-6, atol=1e-6)
    out.sum().backward()
    out_scratch.sum().backward()
    grads = [p.grad for p in torch_model.parameters()]
    grads_scratch = [p.grad for p in scratch_model.parameters()]
    assert len(grads) == len(grads_scratch)
    for a, b in zip(grads, grads_scratch):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)


def test_rnn_is_the_model_the_vanishing_gradients_chapter_builds():
    with seeded_init(0):
        expected = LastStateRegressor(torch.nn.RNN(2, 8, batch_first=True), 8)
    model = last_state_regressor("rnn", 8, seed=0)
    for a, b in zip(expected.parameters(), model.parameters()):
        assert torch.equal(a, b)


def test_lstm_reads_out_the_hidden_state_not_the_cell_state():
    model = last_state_regressor("lstm", 4, seed=1)
    x = torch.randn(3, 5, 2)
    lstm = model.core.lstm
    _, (h_n, _) = lstm(x)
    torch.testing.assert_close(model(x), model.readout(h_n[-1])[:, 0])


def test_forget_gate_bias_is_set_and_only_for_the_lstm():
    model = last_state_regressor("lstm", 4, seed=1, forget_gate_bias=2.0)
    lstm = model.core.lstm
    torch.testing.assert_close((lstm.bias_ih_l0 + lstm.bias_hh_l0)[4:8], torch.full((4,), 2.0))
    with pytest.raises(ValueError, match="only an LSTM has a forget gate"):
        last_state_regressor("gru", 4, forget_gate_bias=1.0)
    with pytest.raises(ValueError, match="cell must be one of"):
        last_state_regressor("transformer", 4)


def test_hidden_state_only_refuses_an_initial_state():
    adapter = HiddenStateOnly(torch.nn.LSTM(2, 3, batch_first=True))
    output, h_n = adapter(torch.randn(1, 4, 2))
    assert output.shape == (1, 4, 3) and h_n.shape == (1, 1, 3)
    with pytest.raises(ValueError, match=r"needs \(h0, c0\)"):
        adapter(torch.randn(1, 4, 2), torch.zeros(1, 1, 3))
