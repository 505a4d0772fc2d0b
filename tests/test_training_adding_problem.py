"""The adding-problem trainer, the input-gradient measurement, and fit's element-wise clipping."""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.data.long_range import ADDING_BASELINE_MSE
from course_code.models import ManyToOneRNN
from course_code.models.last_state import LastStateRegressor
from course_code.training import ShuffledBatches, fit
from course_code.training.adding_problem import adding_batches, adding_test_mse, train_on_adding_problem
from course_code.training.gradient_flow import input_gradient_norms


class _Constant(torch.nn.Module):
    def __init__(self, value):
        super().__init__()
        self.value = torch.nn.Parameter(torch.tensor(value))

    def forward(self, x):
        return self.value.expand(x.shape[0])


def test_always_answering_one_scores_the_baseline():
    assert adding_test_mse(_Constant(1.0), length=10, num_sequences=20_000) == pytest.approx(ADDING_BASELINE_MSE, abs=0.01)
    assert adding_test_mse(_Constant(0.0), length=10, num_sequences=20_000) == pytest.approx(1 + 1 / 6, abs=0.03)


def test_batches_are_float32_and_seeded():
    a, b = list(adding_batches(4, 6, 2, seed=3)), list(adding_batches(4, 6, 2, seed=3))
    assert len(a) == 2 and a[0][0].shape == (4, 6, 2) and a[0][1].shape == (4,)
    assert a[0][0].dtype == torch.float32
    torch.testing.assert_close(a[1][0], b[1][0])


def _small_model(seed=0):
    torch.manual_seed(seed)
    return LastStateRegressor(torch.nn.RNN(2, 16, batch_first=True), 16)


def test_a_short_adding_problem_is_learned_and_training_is_reproducible():
    history, mse = train_on_adding_problem(_small_model(), length=4, steps=300, seed=1)
    _, again = train_on_adding_problem(_small_model(), length=4, steps=300, seed=1)
    assert len(history.losses) == 300 and not history.diverged
    assert mse == again
    assert mse < ADDING_BASELINE_MSE / 4


def test_trainer_rejects_an_unknown_optimizer():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        train_on_adding_problem(_small_model(), length=4, steps=1, optimizer="rmsprop")


def test_input_gradient_norms_match_autograd_and_leave_parameters_alone():
    model = _small_model()
    x, y = torch.randn(3, 5, 2), torch.randn(3)
    norms = input_gradient_norms(model, x, y)
    assert all(p.grad is None for p in model.parameters())
    xg = x.clone().requires_grad_(True)
    F.mse_loss(model(xg), y).backward()
    np.testing.assert_allclose(norms, xg.grad.norm(dim=2).mean(dim=0).numpy(), rtol=1e-6)
    assert norms.shape == (5,)
    with pytest.raises(ValueError, match=r"float tensor of shape \(N, T, D\)"):
        input_gradient_norms(model, torch.zeros(3, 5), y)


def test_truncation_shows_in_the_input_gradients():
    torch.manual_seed(0)
    model = LastStateRegressor(torch.nn.RNN(2, 4, batch_first=True), 4, truncate=3)
    norms = input_gradient_norms(model, torch.randn(2, 9, 2), torch.zeros(2))
    assert (norms[:6] == 0).all() and (norms[6:] > 0).all()


def test_fit_clips_every_gradient_entry_with_clip_grad_value():
    """With SGD at lr 1 the parameter change is minus the clipped gradient, entry by entry."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(8, 4, 1, generator=g) * 5, torch.randint(0, 2, (8,), generator=g)
    model = ManyToOneRNN(1, 3, 2, seed=0)
    before = [p.detach().clone() for p in model.parameters()]
    probe = ManyToOneRNN(1, 3, 2, seed=0)
    F.cross_entropy(probe(x), y).backward()
    fit(model, F.cross_entropy, ShuffledBatches(x, y, 8, seed=0), torch.optim.SGD(model.parameters(), lr=1.0),
        clip_grad_value=0.05, progress=False)
    clipped_any = False
    for p0, p1, q in zip(before, model.parameters(), probe.parameters()):
        torch.testing.assert_close(p0 - p1.detach(), q.grad.clamp(-0.05, 0.05))
        clipped_any |= bool((q.grad.abs() > 0.05).any())
    assert clipped_any  # the test exercises the clipping
    with pytest.raises(ValueError, match="clip_grad_value must be a positive number"):
        fit(model, F.cross_entropy, [(x, y)], torch.optim.SGD(model.parameters(), lr=1.0), clip_grad_value=0.0,
            progress=False)
    assert math.isfinite(adding_test_mse(_small_model(), 3, 10))


def test_test_every_records_the_test_mse_without_changing_the_run():
    from course_code.models.long_memory import adding_regressor

    plain, plain_mse = train_on_adding_problem(
        adding_regressor("vanilla tanh", hidden_size=4, seed=0), length=6, steps=20,
        batch_size=8, seed=1, test_size=50)
    tested, tested_mse = train_on_adding_problem(
        adding_regressor("vanilla tanh", hidden_size=4, seed=0), length=6, steps=20,
        batch_size=8, seed=1, test_size=50, test_every=5)
    assert tested.losses == plain.losses and tested_mse == plain_mse
    assert [record["step"] for record in tested.epochs] == [5, 10, 15, 20]
    assert tested.epochs[-1]["test_mse"] == pytest.approx(tested_mse)


@pytest.mark.parametrize("test_every", [0, 3, True, 2.5])
def test_test_every_must_divide_the_steps(test_every):
    model = LastStateRegressor(torch.nn.RNN(2, 3, batch_first=True), 3)
    with pytest.raises(ValueError, match="test_every must be a positive divisor"):
        train_on_adding_problem(model, length=4, steps=10, test_every=test_every)
