"""Delayed outputs for a left-to-right tagger, and the tagging ceiling at each delay."""

import itertools

import numpy as np
import pytest

from course_code.data.delayed_outputs import delay_outputs
from course_code.data.tagging import (
    CUES,
    PAD_ID,
    VOCABULARY,
    causal_accuracy_ceiling,
    make_tagging_batch,
)

WAIT = len(VOCABULARY)


def test_targets_move_d_steps_later_and_wait_tokens_follow_each_sentence():
    tokens = np.array([[5, 6, 7], [8, 9, 0]])
    tags = np.array([[1, 2, 3], [0, 3, -100]])
    new_tokens, new_tags = delay_outputs(
        tokens, tags, np.array([3, 2]), delay=2, wait_id=WAIT
    )
    np.testing.assert_array_equal(
        new_tokens, [[5, 6, 7, WAIT, WAIT], [8, 9, WAIT, WAIT, 0]]
    )
    np.testing.assert_array_equal(
        new_tags, [[-100, -100, 1, 2, 3], [-100, -100, 0, 3, -100]]
    )


def test_zero_delay_changes_nothing_on_a_real_batch():
    tokens, tags, lengths = make_tagging_batch(20, np.random.default_rng(0))
    new_tokens, new_tags = delay_outputs(tokens, tags, lengths, delay=0, wait_id=WAIT)
    np.testing.assert_array_equal(new_tokens, tokens)
    np.testing.assert_array_equal(new_tags, tags)


def test_bad_arguments():
    tokens, tags = np.ones((2, 3), dtype=np.int64), np.zeros((2, 3), dtype=np.int64)
    with pytest.raises(ValueError, match="delay must be a non-negative integer"):
        delay_outputs(tokens, tags, np.array([3, 3]), delay=-1, wait_id=WAIT)
    with pytest.raises(ValueError, match="wait_id must differ from padding_id"):
        delay_outputs(tokens, tags, np.array([3, 3]), delay=1, wait_id=PAD_ID)
    with pytest.raises(ValueError, match="targets"):
        delay_outputs(tokens, tags[:, :2], np.array([3, 3]), delay=1, wait_id=WAIT)
    with pytest.raises(ValueError, match="lengths"):
        delay_outputs(tokens, tags, np.array([4, 3]), delay=1, wait_id=WAIT)


def _oracle_delayed_score(tokens, tags, delay, rng):
    """Accuracy of the best tagger that may read ``delay`` words past each word.

    It tags non-names O, a name whose cue lies within the next ``delay`` words
    with the cue's type, and any other name with a uniformly random type.
    """
    cue_tag = {VOCABULARY.index(w): tag for tag, words in CUES.items() for w in words}
    real = tokens != PAD_ID
    guess = np.zeros_like(tags)
    for n, t in zip(*np.nonzero(tags > 0)):
        ahead = [int(i) for i in tokens[n, t + 1 : t + 1 + delay]]
        cue = next((cue_tag[i] for i in ahead if i in cue_tag), None)
        guess[n, t] = cue if cue is not None else rng.integers(1, 4)
    return ((guess == tags) & real).sum() / real.sum()


@pytest.mark.parametrize("delay", [0, 1, 2])
def test_delayed_ceiling_matches_the_best_delayed_guess_by_simulation(delay):
    rng = np.random.default_rng(3)
    tokens, tags, lengths = make_tagging_batch(300, rng)
    ceiling = causal_accuracy_ceiling(tags, lengths, delay=delay)
    scores = [_oracle_delayed_score(tokens, tags, delay, rng) for _ in range(20)]
    assert np.mean(scores) == pytest.approx(ceiling, abs=3e-3)


def test_delayed_ceiling_rises_to_one_at_the_longest_span():
    _, tags, lengths = make_tagging_batch(300, np.random.default_rng(4))
    ceilings = [causal_accuracy_ceiling(tags, lengths, delay=d) for d in range(5)]
    assert all(a < b for a, b in itertools.pairwise(ceilings[:4]))
    assert ceilings[3] == ceilings[4] == 1.0  # a cue is at most 3 words after its name
    with pytest.raises(ValueError, match="delay must be a non-negative integer"):
        causal_accuracy_ceiling(tags, lengths, delay=-1)
