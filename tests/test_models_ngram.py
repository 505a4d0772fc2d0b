"""Tests of course_code.models.ngram: counting baselines for a character model."""

import math

import numpy as np
import pytest

from course_code.models import bigram_probabilities, ngram_cross_entropy, unigram_probabilities, uniform_probabilities
from course_code.training import perplexity


def test_uniform_perplexity_is_the_vocabulary_size():
    ids = np.random.default_rng(0).integers(0, 37, size=500)
    for V in (37, 50, 94):
        assert perplexity(ngram_cross_entropy(ids, uniform_probabilities(V))) == pytest.approx(V, rel=1e-12)


def test_unigram_add_one_by_hand():
    ids = np.array([0, 0, 0, 1])  # counts 3, 1, 0 with V = 3
    np.testing.assert_allclose(unigram_probabilities(ids, 3), [4 / 7, 2 / 7, 1 / 7])
    np.testing.assert_allclose(unigram_probabilities(ids, 3, smoothing=0.0), [3 / 4, 1 / 4, 0])


def test_bigram_add_one_by_hand():
    ids = np.array([0, 1, 0, 1, 1])  # pairs 01, 10, 01, 11
    P = bigram_probabilities(ids, 2)
    np.testing.assert_allclose(P, [[1 / 4, 3 / 4], [2 / 4, 2 / 4]])
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    # Scoring predicts ids[1:] from ids[:-1]: -(log 3/4 + log 1/2 + log 3/4 + log 1/2) / 4.
    expected = -(2 * math.log(3 / 4) + 2 * math.log(1 / 2)) / 4
    assert ngram_cross_entropy(ids, P) == pytest.approx(expected)


def test_bigram_beats_unigram_on_a_repeated_text():
    ids = np.tile(np.arange(10), 50)  # "0123456789" fifty times: each character fixes the next
    unigram = perplexity(ngram_cross_entropy(ids, unigram_probabilities(ids, 10)))
    bigram = perplexity(ngram_cross_entropy(ids, bigram_probabilities(ids, 10)))
    assert unigram == pytest.approx(10.0, rel=1e-9)  # all ten characters are equally frequent
    # Each row: 50 (or 49) counts of the right successor + 1, out of about 60: perplexity near 1.2.
    assert bigram < 1.25
    assert perplexity(ngram_cross_entropy(ids, bigram_probabilities(ids, 10, smoothing=0.0))) == pytest.approx(1.0)


def test_zero_probability_gives_infinite_cross_entropy():
    assert ngram_cross_entropy(np.array([0, 1]), np.array([1.0, 0.0])) == math.inf


def test_validation():
    with pytest.raises(ValueError, match=r"\(V,\) or \(V, V\)"):
        ngram_cross_entropy(np.array([0, 1]), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\[0, V=2\)"):
        ngram_cross_entropy(np.array([0, 2]), np.ones(2) / 2)
    with pytest.raises(ValueError, match="at least 2"):
        bigram_probabilities(np.array([0]), 2)
    with pytest.raises(ValueError, match="smoothing"):
        unigram_probabilities(np.array([0]), 2, smoothing=-1.0)
