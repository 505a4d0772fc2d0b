"""Tests of course_code.data.classification: the order-sensitive sentiment task."""

import numpy as np
import pytest

from course_code.data.classification import (
    PAD,
    SENTIMENT_WORDS,
    bag_of_words,
    bag_of_words_ceiling,
    encode_phrases,
    label_phrase,
    phrase_distribution,
    sentiment_phrases,
)


@pytest.mark.parametrize(
    "phrase, label",
    [
        ("good", 1),
        ("not good", 0),
        ("bad", 0),
        ("not bad", 1),
        ("the film was very dull", 0),
        ("it was not really awful", 1),
        ("good but not bad", 1),
        ("not good but bad", 0),
        ("bad but not bad", 1),
        ("not bad but not great", 0),
        ("the plot is great but poor", 0),
    ],
)
def test_labels_of_hand_written_phrases(phrase, label):
    assert label_phrase(phrase.split()) == label


def test_label_phrase_rejects_malformed_phrases():
    with pytest.raises(ValueError, match="adjective"):
        label_phrase("good but".split())
    with pytest.raises(ValueError, match="at most one 'not'"):
        label_phrase("not not good".split())


def test_sentiment_phrases_are_seeded_labelled_and_balanced():
    phrases, labels = sentiment_phrases(400, np.random.default_rng(0))
    again, labels_again = sentiment_phrases(400, np.random.default_rng(0))
    assert phrases == again
    np.testing.assert_array_equal(labels, labels_again)
    assert labels.shape == (400,) and labels.dtype == np.int64
    assert all(label_phrase(p) == y for p, y in zip(phrases, labels))
    assert 0.4 < labels.mean() < 0.6
    assert 0.35 < np.mean(["but" in p for p in phrases]) < 0.65


def test_same_words_opposite_labels():
    a, b = "good but not bad".split(), "not good but bad".split()
    assert sorted(a) == sorted(b)
    assert label_phrase(a) != label_phrase(b)
    np.testing.assert_array_equal(bag_of_words([a]), bag_of_words([b]))
    assert bag_of_words_ceiling([a, b], [label_phrase(a), label_phrase(b)]) == 0.5


def test_ceiling_by_hand():
    phrases = [["good"], ["good"], ["good"], ["not", "good"], ["bad", "but", "good"], ["good", "but", "bad"]]
    labels = [1, 1, 0, 0, 1, 0]
    # {good}: majority 1 gets 2 of 3; {not good}: 1 of 1; {bad, but, good}: 1 of 2.
    assert bag_of_words_ceiling(phrases, labels) == pytest.approx(4 / 6)
    # Weighting the third phrase by 4 turns the majority of {good} to label 0: (4 + 1 + 1) / 9.
    assert bag_of_words_ceiling(phrases, labels, weights=[1, 1, 4, 1, 1, 1]) == pytest.approx(6 / 9)


@pytest.mark.parametrize("fraction, ceiling", [(0.0, 1.0), (1.0, 0.625), (0.5, 0.8125)])
def test_population_ceiling_matches_the_derivation(fraction, ceiling):
    # Two clauses with one "not": the four orders of (not a, b) share one bag, half of them positive: 1/2.
    # No or two "not"s (probability 1/2): "a but b" and "b but a" share a bag; they disagree
    # when a and b have different polarity (probability 1/2), so 1/2 * 1/2 + 1/2 * 1 = 3/4.
    # So two-clause phrases are capped at 1/2 * 1/2 + 1/2 * 3/4 = 5/8; one-clause phrases at 1.
    phrases, probabilities = phrase_distribution(fraction)
    assert probabilities.sum() == pytest.approx(1.0)
    labels = [label_phrase(p) for p in phrases]
    assert bag_of_words_ceiling(phrases, labels, probabilities) == pytest.approx(ceiling, abs=1e-12)


def test_empirical_frequencies_follow_the_distribution():
    phrases, probabilities = phrase_distribution(0.5)
    sample, _ = sentiment_phrases(4000, np.random.default_rng(1))
    p_not_good = sum(p for words, p in zip(phrases, probabilities) if words == ["not", "good"])
    observed = np.mean([words == ["not", "good"] for words in sample])
    assert observed == pytest.approx(p_not_good, abs=0.01)


def test_encode_phrases_pads_on_the_left():
    ids = encode_phrases([["good"], ["not", "bad"]], length=4)
    assert ids.shape == (2, 4)
    pad, good, not_, bad = (SENTIMENT_WORDS.index(w) for w in (PAD, "good", "not", "bad"))
    assert pad == 0
    np.testing.assert_array_equal(ids, [[0, 0, 0, good], [0, 0, not_, bad]])
    with pytest.raises(ValueError, match="more than length=1"):
        encode_phrases([["not", "bad"]], length=1)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        encode_phrases([["excellent"]])


def test_bag_of_words_counts():
    counts = bag_of_words([["not", "good", "but", "not", "bad"]])
    assert counts.shape == (1, len(SENTIMENT_WORDS))
    assert counts[0, SENTIMENT_WORDS.index("not")] == 2
    assert counts.sum() == 5


def test_generator_validates():
    with pytest.raises(ValueError, match="num_phrases"):
        sentiment_phrases(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="contrast_fraction"):
        sentiment_phrases(5, np.random.default_rng(0), contrast_fraction=1.5)
    with pytest.raises(ValueError, match="labels must have shape"):
        bag_of_words_ceiling([["good"]], [1, 0])
