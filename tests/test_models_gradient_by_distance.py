"""Tests of course_code.models.gradient_by_distance.recurrent_gradient_by_step."""

import numpy as np
import pytest
import torch

from course_code.data.long_range import adding_problem
from course_code.models.last_state import LastStateRegressor
from course_code.models.long_memory import adding_regressor
from course_code.models.gradient_by_distance import recurrent_gradient_by_step


def batch(n=16, length=9, seed=0):
    x, y = adding_problem(n, length, np.random.default_rng(seed))
    return torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)


@pytest.mark.parametrize("kind", ["vanilla tanh", "IRNN (ReLU, W = I)"])
def test_terms_sum_to_the_gradient_of_the_model(kind):
    model = adding_regressor(kind, hidden_size=5, seed=3).double()
    x, y = batch()
    terms = recurrent_gradient_by_step(model, x, y)
    assert terms.shape == (9, 5, 5)
    torch.nn.functional.mse_loss(model(x), y).backward()
    torch.testing.assert_close(terms.sum(dim=0), model.core.weight_hh_l0.grad, rtol=1e-10, atol=1e-12)


def test_last_term_is_delta_times_previous_state():
    # term T = delta_T h_{T-1}^T with delta_T = dL/dh_T * tanh'(a_T), written out by hand
    model = adding_regressor("vanilla tanh", hidden_size=4, seed=1).double()
    x, y = batch(n=6, length=5, seed=2)
    core = model.core
    with torch.no_grad():
        states, _ = core(x)  # (N, T, H)
        prediction = model(x)
        w = model.readout.weight[0]  # (H,)
        dL_dh = (2.0 / x.shape[0]) * (prediction - y)[:, None] * w[None, :]  # (N, H)
        delta = dL_dh * (1.0 - states[:, -1] ** 2)
        expected = delta.T @ states[:, -2]  # (H, H)
    terms = recurrent_gradient_by_step(model, x, y)
    torch.testing.assert_close(terms[-1], expected, rtol=1e-10, atol=1e-12)


def test_early_terms_of_a_vanilla_rnn_are_small():
    model = adding_regressor("vanilla tanh", hidden_size=16, seed=0).double()
    x, y = batch(n=64, length=40)
    norms = recurrent_gradient_by_step(model, x, y).flatten(1).norm(dim=1)
    assert norms[0] < 1e-3 * norms[-1]


def test_rejects_models_it_cannot_split():
    truncated = adding_regressor("truncated, k = 10")
    x, y = batch()
    with pytest.raises(ValueError, match="full BPTT"):
        recurrent_gradient_by_step(truncated, x.float(), y.float())
    with pytest.raises(ValueError, match="torch.nn.RNN"):
        recurrent_gradient_by_step(adding_regressor("leaky, alpha = 0.1"), x.float(), y.float())
    two_layers = LastStateRegressor(torch.nn.RNN(2, 3, num_layers=2, batch_first=True), 3)
    with pytest.raises(ValueError, match="one-layer"):
        recurrent_gradient_by_step(two_layers, x.float(), y.float())
    model = adding_regressor("vanilla tanh")
    with pytest.raises(ValueError, match="x must have shape"):
        recurrent_gradient_by_step(model, x[..., :1].float(), y.float())
    with pytest.raises(ValueError, match="y must have shape"):
        recurrent_gradient_by_step(model, x.float(), y[:3].float())
