"""The synthetic tagging task: its grammar, its padding, and the ceiling of causal taggers."""

import numpy as np
import pytest

from course_code.data.tagging import (
    CUES, NAMES, PAD_ID, VOCABULARY, causal_accuracy_ceiling, decode_tokens, make_tagging_batch, tagging_sentence,
)


def test_every_name_gets_the_type_of_the_cue_after_its_span():
    rng = np.random.default_rng(0)
    cue_tag = {word: tag for tag, words in CUES.items() for word in words}
    for _ in range(200):
        words, tags = tagging_sentence(int(rng.integers(1, 25)), rng)
        text = [VOCABULARY[i] for i in words]
        for t, word in enumerate(text):
            if word in NAMES:
                after = next(w for w in text[t:] if w not in NAMES)  # the span ends with its cue
                assert tags[t] == cue_tag[after]
            else:
                assert tags[t] == 0


def test_batch_padding_lengths_and_reproducibility():
    tokens, tags, lengths = make_tagging_batch(50, np.random.default_rng(1), min_length=3, max_length=9)
    again = make_tagging_batch(50, np.random.default_rng(1), min_length=3, max_length=9)
    assert all(np.array_equal(a, b) for a, b in zip((tokens, tags, lengths), again))
    assert tokens.shape == tags.shape == (50, lengths.max())
    for n, length in enumerate(lengths):
        assert np.all(tokens[n, length:] == PAD_ID) and np.all(tokens[n, :length] != PAD_ID)
        assert np.all(tags[n, length:] == -100) and np.all(tags[n, :length] >= 0)
        assert len(decode_tokens(tokens[n])) == length


def test_causal_ceiling_matches_the_best_causal_guess_by_simulation():
    """A tagger that says O for non-names and guesses a type uniformly for names scores the ceiling on average."""
    rng = np.random.default_rng(2)
    tokens, tags, lengths = make_tagging_batch(400, rng)
    ceiling = causal_accuracy_ceiling(tags, lengths)
    name_ids = {VOCABULARY.index(n) for n in NAMES}
    real = tokens != PAD_ID
    is_name = np.isin(tokens, list(name_ids))
    scores = []
    for _ in range(30):
        guess = np.where(is_name, rng.integers(1, 4, tokens.shape), 0)
        scores.append(((guess == tags) & real).sum() / real.sum())
    assert np.mean(scores) == pytest.approx(ceiling, abs=3e-3)
    assert 0.7 < ceiling < 0.85


def test_errors():
    with pytest.raises(ValueError, match="min_length must be at most max_length"):
        make_tagging_batch(3, np.random.default_rng(0), min_length=5, max_length=4)
    with pytest.raises(ValueError, match="length must be a positive integer"):
        tagging_sentence(0, np.random.default_rng(0))
