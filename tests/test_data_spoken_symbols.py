"""Spoken symbols: the layout of every utterance, seeding, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_code.data.pairs import BOS, EOS, PAD
from course_code.data.spoken_symbols import (
    FIRST_SYMBOL,
    spoken_symbols,
    symbol_prototypes,
)

SETTING = {
    "num_steps": 60,
    "min_symbols": 2,
    "max_symbols": 4,
    "min_hold": 3,
    "max_hold": 8,
    "min_pause": 1,
    "max_pause": 3,
}


def _draw(seed=0, noise=0.0, N=50, K=5, D=4):
    prototypes = symbol_prototypes(K, D, np.random.default_rng(99))
    return prototypes, spoken_symbols(
        N, prototypes, np.random.default_rng(seed), noise=noise, **SETTING
    )


def test_shapes_and_transcripts():
    _, u = _draw()
    N, T, D = u.frames.shape
    assert (N, T, D) == (50, 60, 4) and u.frames.dtype == np.float32
    assert u.decoder_input.shape == u.decoder_target.shape == (50, 5)
    assert u.spans.shape == (50, 4, 2)
    lengths = (u.decoder_target != PAD).sum(axis=1) - 1  # symbols per transcript
    assert lengths.min() >= 2 and lengths.max() <= 4
    for n, count in enumerate(lengths):
        target, given = u.decoder_target[n], u.decoder_input[n]
        assert (
            given[0] == BOS
            and target[count] == EOS
            and (target[count + 1 :] == PAD).all()
        )
        np.testing.assert_array_equal(given[1 : count + 1], target[:count])
        assert (
            (target[:count] >= FIRST_SYMBOL) & (target[:count] < FIRST_SYMBOL + 5)
        ).all()


def test_without_noise_each_span_holds_its_prototype_and_silence_is_zero():
    prototypes, u = _draw(noise=0.0)
    for n in range(len(u.frames)):
        said = np.zeros(u.frames.shape[1], dtype=bool)
        count = int((u.decoder_target[n] != PAD).sum()) - 1
        previous_end = None
        for k in range(count):
            start, end = u.spans[n, k]
            assert 3 <= end - start <= 8
            if previous_end is not None:
                assert 1 <= start - previous_end <= 3  # the pause
            symbol = u.decoder_target[n, k] - FIRST_SYMBOL
            np.testing.assert_allclose(
                u.frames[n, start:end],
                np.broadcast_to(prototypes[symbol], (end - start, 4)),
                rtol=1e-6,
            )
            said[start:end] = True
            previous_end = end
        assert (u.spans[n, count:] == -1).all()
        assert (u.frames[n, ~said] == 0).all()


def test_noise_has_the_standard_deviation_asked_for():
    clean = _draw(noise=0.0)[1].frames
    noisy = _draw(noise=0.5)[1].frames  # the same draws of symbols and lengths
    assert abs(float((noisy - clean).std()) - 0.5) < 0.02


def test_seeded():
    a, b, c = _draw(seed=3)[1], _draw(seed=3)[1], _draw(seed=4)[1]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.frames, c.frames)


@pytest.mark.parametrize(
    "change, error, message",
    [
        ({"rng": 0}, TypeError, r"np.random.default_rng\(0\)"),
        (
            {"num_utterances": 0},
            ValueError,
            "num_utterances must be a positive integer",
        ),
        (
            {"num_utterances": True},
            TypeError,
            "num_utterances must be a positive integer",
        ),
        ({"max_hold": 2}, ValueError, "max_hold must be at least min_hold=3"),
        ({"min_pause": -1}, ValueError, "min_pause must be a non-negative integer"),
        ({"num_steps": 30}, ValueError, "longest utterance"),
        ({"noise": -0.1}, ValueError, "noise must be a real number"),
        (
            {"prototypes": np.zeros(4)},
            ValueError,
            r"prototypes must have shape \(K, D\)",
        ),
        ({"prototypes": np.zeros((5, 4), dtype=int)}, ValueError, "floating-point"),
        ({"prototypes": [[0.0]]}, TypeError, "prototypes must be a numpy array"),
    ],
)
def test_bad_input_is_named(change, error, message):
    arguments = {
        "num_utterances": 3,
        "prototypes": np.zeros((5, 4)),
        "rng": np.random.default_rng(0),
        **SETTING,
        **change,
    }
    with pytest.raises(error, match=message):
        spoken_symbols(**arguments)


def test_prototypes_are_validated():
    assert symbol_prototypes(3, 2, np.random.default_rng(0)).shape == (3, 2)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        symbol_prototypes(3, 2, 0)
    with pytest.raises(ValueError, match="feature_size must be a positive integer"):
        symbol_prototypes(3, 0, np.random.default_rng(0))
