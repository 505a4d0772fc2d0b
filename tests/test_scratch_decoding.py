"""Greedy decoding in NumPy: each output is the argmax of the step that read the previous output."""

from __future__ import annotations

import numpy as np
import pytest

from course_code.scratch.decoding import greedy_decode, rnn_decoder_step


def _weights(V=6, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 1.5, (V, D)), rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(0, 0.3, H),
            rng.normal(0, 2, (V, H)), rng.normal(0, 0.5, V))


def test_rnn_decoder_step_follows_its_equations():
    E, W_xh, W_hh, b_h, W_hy, b_y = _weights()
    rng = np.random.default_rng(1)
    ids, h = np.array([0, 5, 2]), rng.normal(size=(3, 4))
    logits, h_new = rnn_decoder_step(ids, h, E, W_xh, W_hh, b_h, W_hy, b_y)
    for n in range(3):
        expected_h = np.tanh(W_xh @ E[ids[n]] + W_hh @ h[n] + b_h)
        assert np.allclose(h_new[n], expected_h) and np.allclose(logits[n], W_hy @ expected_h + b_y)


@pytest.mark.parametrize("seed", range(4))
def test_each_token_is_the_argmax_after_reading_the_previous_prediction(seed):
    weights = _weights(seed=seed)
    h0 = np.random.default_rng(10 + seed).normal(size=(4, 4))
    step = lambda ids, h: rnn_decoder_step(ids, h, *weights)  # noqa: E731
    free = greedy_decode(step, h0, start_id=1, end_id=-1, max_len=7)  # -1: no row ever ends
    for n in range(4):
        previous, h = np.array([1]), h0[n : n + 1]
        for t in range(7):
            logits, h = step(previous, h)
            assert free[n, t] == logits.argmax()
            previous = free[n, t : t + 1]
    end_id = int(free[0, 2])
    ended = greedy_decode(step, h0, start_id=1, end_id=end_id, max_len=7)
    for n in range(4):
        hits = np.flatnonzero(free[n] == end_id)
        stop = hits[0] + 1 if len(hits) else 7
        assert np.array_equal(ended[n, :stop], free[n, :stop]) and (ended[n, stop:] == 0).all()


def test_errors():
    weights = _weights()
    step = lambda ids, h: rnn_decoder_step(ids, h, *weights)  # noqa: E731
    with pytest.raises(ValueError, match="max_len"):
        greedy_decode(step, np.zeros((2, 4)), 1, 2, 0)
    with pytest.raises(ValueError, match="h0"):
        greedy_decode(step, np.zeros(4), 1, 2, 3)
    with pytest.raises(ValueError, match="W_xh"):
        rnn_decoder_step(np.array([1]), np.zeros((1, 4)), weights[0], weights[1].T, *weights[2:])
