"""The NumPy decoder step refuses ids that would silently index the wrong embedding row."""

from __future__ import annotations

import numpy as np
import pytest

from course_code.scratch.decoding import rnn_decoder_step


def _weights(V=5, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    return dict(embedding=rng.normal(size=(V, D)), W_xh=rng.normal(size=(H, D)),
                W_hh=rng.normal(size=(H, H)), b_h=np.zeros(H), W_hy=rng.normal(size=(V, H)),
                b_y=np.zeros(V))


@pytest.mark.parametrize("ids", [[-1, 2], [0, 5]])
def test_ids_out_of_range_are_refused(ids):
    with pytest.raises(ValueError, match=r"previous_ids must be ids in \[0, V=5\)"):
        rnn_decoder_step(np.array(ids), np.zeros((2, 4)), **_weights())


def test_float_ids_are_refused_and_valid_ids_work():
    with pytest.raises(TypeError, match="integer ids"):
        rnn_decoder_step(np.array([0.0, 1.0]), np.zeros((2, 4)), **_weights())
    logits, h = rnn_decoder_step(np.array([0, 4]), np.zeros((2, 4)), **_weights())
    assert logits.shape == (2, 5) and h.shape == (2, 4)
