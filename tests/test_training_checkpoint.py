"""Tests of course_code.training checkpoints and metrics."""

import math

import pytest
import torch
from torch.nn import functional as F

from course_code.models import CharRNN
from course_code.training import (
    RandomBatches,
    accuracy,
    fit,
    load_checkpoint,
    perplexity,
    save_checkpoint,
    sequence_cross_entropy,
)


def _batches(seed=0):
    def make(rng):
        ids = rng.integers(0, 5, size=(4, 6))
        return ids, (ids + 1) % 5  # the next character is always the successor
    return RandomBatches(make, batches_per_epoch=5, seed=seed)


def test_checkpoint_round_trip_restores_predictions_and_training(tmp_path):
    model = CharRNN(5, 8, embedding_dim=3, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    history = fit(model, sequence_cross_entropy, _batches(), optimizer, epochs=2, progress=False)
    path = tmp_path / "run.pt"
    save_checkpoint(path, model, optimizer, history, config={"hidden_size": 8, "chars": "abcde"})

    config = load_checkpoint(path).config
    restored = CharRNN(5, config["hidden_size"], embedding_dim=3, seed=99)
    restored_optimizer = torch.optim.Adam(restored.parameters(), lr=0.01)
    checkpoint = load_checkpoint(path, restored, restored_optimizer)
    assert checkpoint.config == {"hidden_size": 8, "chars": "abcde"}
    assert checkpoint.history == history

    ids = torch.tensor([[0, 1, 2, 3, 4, 0]])
    assert torch.equal(model(ids), restored(ids))
    # Continuing both runs gives identical results: the optimizer state was restored too.
    fit(model, sequence_cross_entropy, _batches(seed=1), optimizer, progress=False)
    fit(restored, sequence_cross_entropy, _batches(seed=1), restored_optimizer, progress=False)
    assert torch.equal(model(ids), restored(ids))


def test_checkpoint_errors(tmp_path):
    model = CharRNN(5, 8, seed=0)
    path = tmp_path / "model_only.pt"
    save_checkpoint(path, model)
    with pytest.raises(ValueError, match="no optimizer state"):
        load_checkpoint(path, model, torch.optim.SGD(model.parameters(), lr=0.1))
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(tmp_path / "other.pt")
    with pytest.raises(ValueError, match="config"):
        save_checkpoint(path, model, config=[1, 2])


def test_random_batches_are_seeded():
    a = [y for _, y in _batches(seed=3)]
    b = [y for _, y in _batches(seed=3)]
    assert all(torch.equal(p, q) for p, q in zip(a, b))
    assert len(a) == 5 and a[0].dtype == torch.int64


def test_sequence_cross_entropy_matches_the_definition():
    logits = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0))
    targets = torch.tensor([[0, 1, 2], [3, 0, 1]])
    log_p = torch.log_softmax(logits, dim=-1)
    expected = -sum(log_p[n, t, targets[n, t]] for n in range(2) for t in range(3)) / 6
    torch.testing.assert_close(sequence_cross_entropy(logits, targets), expected)
    with pytest.raises(ValueError, match=r"\(N, T, V\)"):
        sequence_cross_entropy(logits[0], targets[0])


def test_uniform_logits_have_perplexity_V():
    logits = torch.zeros(3, 7, 13)
    targets = torch.randint(0, 13, (3, 7), generator=torch.Generator().manual_seed(0))
    assert perplexity(sequence_cross_entropy(logits, targets).item()) == pytest.approx(13.0, rel=1e-6)
    assert perplexity(0.0) == 1.0
    with pytest.raises(ValueError, match="non-negative"):
        perplexity(-0.1)
    with pytest.raises(ValueError, match="finite"):
        perplexity(math.inf)


def test_accuracy():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"targets must have shape \(N=3,\)"):
        accuracy(logits, torch.tensor([0, 1]))
    assert F.cross_entropy(logits, torch.tensor([0, 1, 0])).item() > 0
