"""Tests of course_code.models: the character model, its scoring on a text, and sampling."""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.models import CharRNN, sample, sample_next, text_cross_entropy


def test_char_rnn_shapes_and_state():
    model = CharRNN(vocab_size=11, hidden_size=8, embedding_dim=4, seed=0)
    ids = torch.randint(0, 11, (3, 5), generator=torch.Generator().manual_seed(0))
    logits = model(ids)
    assert logits.shape == (3, 5, 11)
    # Reading the sequence in two halves, carrying the state, equals reading it at once.
    first, h = model(ids[:, :2], return_state=True)
    second = model(ids[:, 2:], h)
    torch.testing.assert_close(torch.cat([first, second], dim=1), logits)
    with pytest.raises(TypeError, match=r"ids must have an integer dtype, got torch.float32"):
        model(ids.float())
    with pytest.raises(ValueError, match=r"ids must have shape \(N, T\)"):
        model(ids[0])


def test_seed_fixes_the_weights_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = CharRNN(7, 6, seed=4)
    after = torch.rand(1)
    b = CharRNN(7, 6, seed=4)
    c = CharRNN(7, 6, seed=5)
    assert torch.equal(before, after)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    assert not torch.equal(a.readout.weight, c.readout.weight)


def test_text_cross_entropy_equals_the_loss_on_its_rows():
    model = CharRNN(6, 5, embedding_dim=3, seed=1)
    ids = np.random.default_rng(0).integers(0, 6, size=23)  # 22 targets -> 2 rows of 11
    S = 11
    inputs = torch.tensor(ids[: 2 * S]).reshape(2, S)
    targets = torch.tensor(ids[1 : 2 * S + 1]).reshape(2, S)
    with torch.no_grad():
        expected = F.cross_entropy(model(inputs).reshape(-1, 6), targets.reshape(-1)).item()
    assert text_cross_entropy(model, ids, num_streams=2) == pytest.approx(expected, rel=1e-6)
    # An untrained model is close to uniform: its cross-entropy is near log V.
    assert abs(text_cross_entropy(model, ids, num_streams=2) - math.log(6)) < 0.5


def test_sample_next_small_temperature_is_argmax():
    logits = torch.randn(50, 9, generator=torch.Generator().manual_seed(0))
    generator = torch.Generator().manual_seed(1)
    for _ in range(5):
        torch.testing.assert_close(sample_next(logits, 1e-4, generator), logits.argmax(dim=1))


def test_sample_next_at_temperature_one_follows_softmax():
    logits = torch.tensor([[2.0, 1.0, 0.0, -1.0]]).repeat(20000, 1)
    draws = sample_next(logits, 1.0, torch.Generator().manual_seed(0))
    frequencies = torch.bincount(draws, minlength=4).double() / 20000
    expected = torch.softmax(logits[0].double(), dim=0)
    torch.testing.assert_close(frequencies, expected, atol=0.01, rtol=0)
    # A high temperature flattens the distribution towards uniform.
    hot = sample_next(logits, 100.0, torch.Generator().manual_seed(0))
    torch.testing.assert_close(torch.bincount(hot, minlength=4).double() / 20000,
                               torch.full((4,), 0.25, dtype=torch.double), atol=0.015, rtol=0)


def test_sample_with_small_temperature_is_greedy_decoding():
    model = CharRNN(8, 16, embedding_dim=4, seed=2)
    prompt = np.array([1, 2, 3])
    # Greedy decoding written independently: always feed back the argmax.
    greedy = []
    with torch.no_grad():
        ids = torch.tensor(prompt)
        for _ in range(12):
            next_id = int(model(ids[None, :])[0, -1].argmax())
            greedy.append(next_id)
            ids = torch.cat([ids, torch.tensor([next_id])])
    out = sample(model, prompt, 12, temperature=1e-4, generator=torch.Generator().manual_seed(0))
    np.testing.assert_array_equal(out, greedy)


def test_sample_is_reproducible_with_a_generator():
    model = CharRNN(8, 16, embedding_dim=4, seed=2)
    a = sample(model, [0], 30, 1.0, torch.Generator().manual_seed(3))
    b = sample(model, [0], 30, 1.0, torch.Generator().manual_seed(3))
    c = sample(model, [0], 30, 1.0, torch.Generator().manual_seed(4))
    assert a.shape == (30,) and a.dtype == np.int64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert model.training  # sampling leaves the mode as it was


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan")])
def test_temperature_must_be_positive(temperature):
    model = CharRNN(4, 3, seed=0)
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        sample(model, [0], 3, temperature=temperature)
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        sample_next(torch.zeros(1, 4), temperature)


def test_sample_validates_prompt_and_length():
    model = CharRNN(4, 3, seed=0)
    with pytest.raises(ValueError, match="non-empty"):
        sample(model, [], 3)
    with pytest.raises(ValueError, match="length"):
        sample(model, [0], -1)


@pytest.mark.parametrize("cell, layer_name", [("lstm", "ScratchLSTM"), ("gru", "ScratchGRU")])
def test_char_rnn_with_gated_cells_carries_its_state(cell, layer_name):
    model = CharRNN(vocab_size=11, hidden_size=8, embedding_dim=4, seed=0, cell=cell)
    assert type(model.rnn).__name__ == layer_name
    ids = torch.randint(0, 11, (3, 5), generator=torch.Generator().manual_seed(0))
    logits = model(ids)
    assert logits.shape == (3, 5, 11)
    first, state = model(ids[:, :2], return_state=True)
    second = model(ids[:, 2:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), logits)
    generated = sample(model, ids[0], 4, 1.0, torch.Generator().manual_seed(1))
    assert generated.shape == (4,)


def test_char_rnn_rejects_an_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        CharRNN(5, 4, cell="lstmm")
