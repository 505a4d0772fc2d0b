import math

import numpy as np
import pytest
import torch

from course_code.scratch import cross_entropy, log_softmax, mean_squared_error, softmax


def test_softmax_is_a_distribution_and_shift_invariant():
    logits = np.random.default_rng(0).standard_normal((2, 3, 5))
    p = softmax(logits)
    assert (p > 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(logits + 100.0), p, rtol=1e-12)


def test_softmax_of_huge_logits_has_no_overflow():
    p = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]], atol=1e-300)


def test_softmax_by_hand():
    z = [math.exp(1.0), math.exp(2.0), math.exp(3.0)]
    np.testing.assert_allclose(softmax(np.array([1.0, 2.0, 3.0])), [v / sum(z) for v in z], rtol=1e-12)
    np.testing.assert_allclose(log_softmax(np.array([0.0, 0.0])), [math.log(0.5)] * 2, rtol=1e-12)


def test_cross_entropy_equals_torch_for_every_reduction():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((3, 4, 6))
    targets = rng.integers(0, 6, size=(3, 4))
    flat_logits = torch.from_numpy(logits.reshape(-1, 6))
    flat_targets = torch.from_numpy(targets.reshape(-1))
    for reduction in ("mean", "sum"):
        expected = torch.nn.functional.cross_entropy(flat_logits, flat_targets, reduction=reduction).item()
        assert cross_entropy(logits, targets, reduction) == pytest.approx(expected, rel=1e-12)
    per_step = cross_entropy(logits, targets, "none")
    assert per_step.shape == (3, 4) and (per_step > 0).all()


def test_cross_entropy_picks_the_target_class_at_each_step():
    logits = np.log(np.array([[[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]]))  # already normalised
    targets = np.array([[0, 2]])
    np.testing.assert_allclose(cross_entropy(logits, targets, "none"), [[-math.log(0.7), -math.log(0.8)]])


@pytest.mark.parametrize(
    "logits, targets, message",
    [
        (np.zeros((2, 3)), np.zeros((2, 3), int), r"logits must have shape \(N, T, V\)"),
        (np.zeros((2, 3, 4)), np.zeros((2, 2), int), r"targets must have shape \(N=2, T=3\)"),
        (np.zeros((2, 3, 4)), np.zeros((2, 3)), "targets must be integer class indices, got dtype float64"),
        (np.zeros((2, 3, 4)), np.full((2, 3), 4), r"targets must lie in \[0, V\) = \[0, 4\), got values from 4 to 4"),
        (np.zeros((2, 3, 4)), np.full((2, 3), -1), r"got values from -1 to -1"),
    ],
)
def test_cross_entropy_rejects_bad_input(logits, targets, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(logits, targets)


def test_cross_entropy_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be one of"):
        cross_entropy(np.zeros((1, 1, 2)), np.zeros((1, 1), int), reduction="average")


def test_mean_squared_error_equals_torch_and_rejects_mismatch():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    expected = torch.nn.functional.mse_loss(torch.from_numpy(a), torch.from_numpy(b)).item()
    assert mean_squared_error(a, b) == pytest.approx(expected, rel=1e-12)
    assert mean_squared_error(a, b, "sum") == pytest.approx(expected * 20, rel=1e-12)
    with pytest.raises(ValueError, match=r"same shape, got \(4, 5\) and \(5, 4\)"):
        mean_squared_error(a, b.T)
