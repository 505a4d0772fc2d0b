"""NumPy sampling: temperature softmax, inverse-CDF draws, and generation from a character model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_code.models import CharRNN
from course_code.models.pretrained import CHAR_MODEL_PATH, char_rnn_to_numpy, load_char_rnn
from course_code.scratch.sampling import inverse_cdf_sample, sample_char_rnn, softmax_with_temperature


@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 2.0, 7.0])
def test_softmax_with_temperature_matches_torch(temperature):
    logits = np.random.default_rng(0).normal(0, 3, (4, 9))
    expected = torch.softmax(torch.from_numpy(logits) / temperature, dim=-1).numpy()
    np.testing.assert_allclose(softmax_with_temperature(logits, temperature), expected, rtol=1e-12, atol=1e-15)


def test_temperature_limits_are_argmax_and_uniform():
    logits = np.random.default_rng(1).normal(0, 1, (3, 6))
    cold = softmax_with_temperature(logits, 1e-4)
    np.testing.assert_allclose(cold, np.eye(6)[logits.argmax(axis=1)], atol=1e-12)
    hot = softmax_with_temperature(logits, 1e6)
    np.testing.assert_allclose(hot, np.full((3, 6), 1 / 6), atol=1e-6)


def test_softmax_with_temperature_is_stable_for_huge_scaled_logits():
    probabilities = softmax_with_temperature(np.array([[1000.0, 999.0, -1000.0]]), 0.01)
    assert np.isfinite(probabilities).all()
    np.testing.assert_allclose(probabilities.sum(), 1.0)


@pytest.mark.parametrize("temperature", [0, -1.0, np.array([1.0, 2.0]), "hot"])
def test_bad_temperature_is_rejected(temperature):
    with pytest.raises(ValueError, match="temperature"):
        softmax_with_temperature(np.zeros((1, 3)), temperature)


def test_inverse_cdf_sample_by_hand():
    p = np.array([[0.2, 0.0, 0.5, 0.3]] * 6)
    u = np.array([0.0, 0.1999, 0.2, 0.6999, 0.7, 0.9999])
    # intervals: class 0 owns [0, 0.2), class 1 nothing, class 2 [0.2, 0.7), class 3 [0.7, 1)
    np.testing.assert_array_equal(inverse_cdf_sample(p, u), [0, 0, 2, 2, 3, 3])
    assert inverse_cdf_sample(p, u).dtype == np.int64


def test_inverse_cdf_sample_frequencies_match_probabilities():
    rng = np.random.default_rng(2)
    p = np.array([0.05, 0.0, 0.45, 0.1, 0.4])
    draws = inverse_cdf_sample(np.tile(p, (200_000, 1)), rng.random(200_000))
    frequencies = np.bincount(draws, minlength=5) / draws.size
    # 4 standard errors of a frequency over 200,000 draws is at most 0.0045
    np.testing.assert_allclose(frequencies, p, atol=0.0045)
    assert frequencies[1] == 0


def test_inverse_cdf_sample_survives_rounding_below_one():
    p = np.full((1, 10), 0.1)
    assert np.cumsum(p)[-1] < 1  # ten times 0.1 adds up to 0.9999999999999999
    assert inverse_cdf_sample(p, np.cumsum(p)[-1:]) == 9  # not 10, which is no class


@pytest.mark.parametrize(
    "p, u, match",
    [
        (np.array([[0.5, 0.5]]), np.array([1.0]), r"\[0, 1\)"),
        (np.array([[0.5, 0.5]]), np.array([-0.1]), r"\[0, 1\)"),
        (np.array([[0.7, 0.7]]), np.array([0.1]), "sum"),
        (np.array([[1.5, -0.5]]), np.array([0.1]), "non-negative"),
        (np.array([[0.5, 0.5]]), np.array([0.1, 0.2]), r"uniforms must have shape \(N=1,\)"),
        (np.array([0.5, 0.5]), np.array([0.1]), r"probabilities must have shape \(N, V\)"),
    ],
)
def test_inverse_cdf_sample_rejects_bad_input(p, u, match):
    with pytest.raises(ValueError, match=match):
        inverse_cdf_sample(p, u)


def _small_model(seed=3, V=7, H=5, D=4):
    model = CharRNN(V, H, D, seed=seed).double().eval()
    return model, char_rnn_to_numpy(model)


def test_char_rnn_to_numpy_reproduces_the_torch_logits():
    model, w = _small_model()
    ids = np.random.default_rng(4).integers(0, 7, (2, 6))
    h = np.zeros((2, 5))
    logits = []
    for t in range(6):
        h = np.tanh(w["embedding"][ids[:, t]] @ w["W_xh"].T + h @ w["W_hh"].T + w["b_h"])
        logits.append(h @ w["W_hy"].T + w["b_y"])
    with torch.no_grad():
        expected = model(torch.from_numpy(ids)).numpy()
    np.testing.assert_allclose(np.stack(logits, axis=1), expected, rtol=1e-10, atol=1e-12)


def test_sample_char_rnn_draws_from_the_models_own_distribution():
    # Re-read the generated text with the torch model (teacher forcing): every generated id must be
    # the inverse-CDF draw from that model's tempered distribution at that step, with its uniform.
    model, w = _small_model()
    rng = np.random.default_rng(5)
    first, uniforms, temperature = np.array([1, 6, 0]), rng.random((3, 12)), 0.8
    ids = sample_char_rnn(**w, h0=np.zeros((3, 5)), first_ids=first, temperature=temperature, uniforms=uniforms)
    assert ids.shape == (3, 12) and ids.dtype == np.int64
    read = np.concatenate([first[:, None], ids[:, :-1]], axis=1)  # what the model read at each step
    with torch.no_grad():
        logits = model(torch.from_numpy(read)).numpy()  # (3, 12, V)
    for s in range(12):
        probabilities = torch.softmax(torch.from_numpy(logits[:, s]) / temperature, dim=-1).numpy()
        cumulative = np.cumsum(probabilities, axis=1)
        expected = (cumulative <= uniforms[:, s, None]).sum(axis=1)
        np.testing.assert_array_equal(ids[:, s], expected)


def test_sample_char_rnn_at_low_temperature_is_greedy():
    model, w = _small_model(seed=6)
    ids = sample_char_rnn(**w, h0=np.zeros((1, 5)), first_ids=np.array([2]), temperature=1e-6,
                          uniforms=np.random.default_rng(7).random((1, 10)))
    current, h, greedy = torch.tensor([[2]]), None, []
    with torch.no_grad():
        for _ in range(10):
            logits, h = model(current, h, return_state=True)
            current = logits[:, -1].argmax(dim=-1, keepdim=True)
            greedy.append(int(current))
    np.testing.assert_array_equal(ids[0], greedy)


def test_sample_char_rnn_rejects_bad_input():
    _, w = _small_model()
    good = dict(h0=np.zeros((2, 5)), first_ids=np.array([0, 1]), temperature=1.0, uniforms=np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=r"first_ids must be ids in \[0, V=7\)"):
        sample_char_rnn(**w, **{**good, "first_ids": np.array([0, 7])})
    with pytest.raises(ValueError, match="first_ids must hold integer ids"):
        sample_char_rnn(**w, **{**good, "first_ids": np.array([0.0, 1.0])})
    with pytest.raises(ValueError, match="uniforms must have shape"):
        sample_char_rnn(**w, **{**good, "uniforms": np.full((3, 3), 0.5)})
    with pytest.raises(ValueError, match="W_hy must have shape"):
        sample_char_rnn(**{**w, "W_hy": w["W_hy"].T}, **good)


def test_the_shipped_model_loads_with_its_vocabulary():
    assert CHAR_MODEL_PATH.is_file()
    model, vocab = load_char_rnn()
    w = char_rnn_to_numpy(model)
    assert w["embedding"].shape[0] == len(vocab) == w["W_hy"].shape[0]
    assert not model.training


def test_load_char_rnn_names_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="train_char_model.py"):
        load_char_rnn(tmp_path / "absent.pt")
