"""Tests of course_code.training.fit: it learns, it is reproducible, it clips, it stops on divergence."""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.models import ManyToOneRNN
from course_code.training import History, ShuffledBatches, accuracy, fit


def _task(seed: int = 0):
    """Classify whether the first step's value is positive: the label must be carried to the end."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 5, 1, generator=g)
    y = (x[:, 0, 0] > 0).long()
    return x, y


def _run(epochs=3, clip=None, lr=0.05, progress=False, **kwargs):
    x, y = _task()
    model = ManyToOneRNN(1, 8, 2, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, F.cross_entropy, ShuffledBatches(x, y, 16, seed=0), optimizer,
                  epochs=epochs, clip_grad_norm=clip, progress=progress, **kwargs)
    return model, history


def test_loss_decreases_on_a_tiny_problem():
    x, y = _task()
    model, history = _run(epochs=15)
    assert len(history.losses) == 15 * 4 == len(history.grad_norms)
    assert history.epochs[-1]["train_loss"] < 0.5 * history.epochs[0]["train_loss"]
    assert accuracy(model(x), y) > 0.9
    assert not history.diverged


def test_same_seeds_give_identical_histories():
    _, a = _run()
    _, b = _run()
    assert a.losses == b.losses
    assert a.grad_norms == b.grad_norms
    assert a.epochs == b.epochs


def test_different_batch_order_gives_a_different_history():
    x, y = _task()
    histories = []
    for seed in (0, 1):
        model = ManyToOneRNN(1, 8, 2, seed=0)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        histories.append(fit(model, F.cross_entropy, ShuffledBatches(x, y, 16, seed=seed), optimizer, progress=False))
    assert histories[0].losses != histories[1].losses


def test_clipping_caps_the_update():
    """With SGD at lr 1, the change of the parameters equals the clipped gradient."""
    x, y = _task()
    model = ManyToOneRNN(1, 8, 2, seed=0)
    before = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    max_norm = 1e-3
    history = fit(model, F.cross_entropy, [(x, y)], optimizer, clip_grad_norm=max_norm, progress=False)
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert history.grad_norms[0] > 100 * max_norm  # the recorded norm is the one before clipping
    assert torch.linalg.vector_norm(after - before).item() == pytest.approx(max_norm, rel=1e-4)


def test_recorded_norm_is_the_global_gradient_norm():
    x, y = _task()
    model = ManyToOneRNN(1, 8, 2, seed=0)
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, list(model.parameters()))
    expected = math.sqrt(sum(float((g**2).sum()) for g in grads))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    history = fit(model, F.cross_entropy, [(x, y)], optimizer, progress=False)
    assert history.grad_norms[0] == pytest.approx(expected, rel=1e-5)


def test_divergence_stops_the_loop():
    x = torch.randn(32, 4, 1, generator=torch.Generator().manual_seed(0))
    y = 1e6 * torch.ones(32)
    model = ManyToOneRNN(1, 8, 1, squeeze=True, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=10.0)
    history = fit(model, F.mse_loss, [(x, y)], optimizer, epochs=50, progress=False)
    assert history.diverged
    assert len(history.epochs) < 50
    assert not math.isfinite(history.losses[-1]) or not math.isfinite(history.grad_norms[-1])
    assert all(math.isfinite(float(p.detach().sum())) for p in model.parameters())  # the bad step was not applied


def test_eval_fn_report_and_continuing_a_history(capsys):
    x, y = _task()
    _, history = _run(epochs=2, report=True, eval_fn=lambda m: {"acc": accuracy(m(x), y)})
    printed = capsys.readouterr()
    assert printed.out.splitlines()[0].startswith("epoch 1/2  train_loss ")
    assert "acc " in printed.out
    assert printed.err == ""
    assert [r["epoch"] for r in history.epochs] == [1, 2]
    assert 0.0 <= history.epochs[-1]["acc"] <= 1.0
    model = ManyToOneRNN(1, 8, 2, seed=0)
    fit(model, F.cross_entropy, [(x, y)], torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=1, progress=False, history=history)
    assert [r["epoch"] for r in history.epochs] == [1, 2, 3]
    assert History.from_dict(history.to_dict()) == history


def test_progress_bar_goes_to_stderr_only_when_asked(capsys):
    _run(epochs=1, progress=True)
    assert "training" in capsys.readouterr().err
    _run(epochs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_fit_validates():
    with pytest.raises(ValueError, match="epochs"):
        _run(epochs=0)
    with pytest.raises(ValueError, match="clip_grad_norm"):
        _run(clip=0.0)


def test_shuffled_batches_cover_every_example_once_per_epoch():
    x = torch.arange(10).float()[:, None]
    batches = ShuffledBatches(x, torch.arange(10), batch_size=4, seed=0)
    assert len(batches) == 3
    epochs = [torch.cat([b for _, b in batches]) for _ in range(2)]
    for seen in epochs:
        assert sorted(seen.tolist()) == list(range(10))
    assert not torch.equal(epochs[0], epochs[1])  # reshuffled
    again = ShuffledBatches(x, torch.arange(10), batch_size=4, seed=0)
    assert torch.equal(torch.cat([b for _, b in again]), epochs[0])
    with pytest.raises(ValueError, match="first axis"):
        ShuffledBatches(x, torch.arange(9), 4, seed=0)
