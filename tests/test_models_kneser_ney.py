"""Tests of course_code.models.kneser_ney against a direct, dictionary-based implementation."""

import collections
import math

import numpy as np
import pytest

from course_code.models.kneser_ney import (
    kneser_ney,
    kneser_ney_cross_entropy,
    kneser_ney_distribution,
    kneser_ney_log_probabilities,
)


def reference_kneser_ney(train, vocab_size, order):
    """Interpolated Kneser-Ney written from the textbook recursion, one n-gram at a time."""
    train = [int(c) for c in train]
    raw = [collections.Counter() for _ in range(order + 1)]
    for n in range(1, order + 1):
        for i in range(len(train) - n + 1):
            raw[n][tuple(train[i : i + n])] += 1
    counts = [None] * (order + 1)
    counts[order] = raw[order]
    for n in range(1, order):  # continuation: distinct characters in front
        counts[n] = collections.Counter(gram[1:] for gram in raw[n + 1])
    totals = [collections.Counter() for _ in range(order + 1)]
    types = [collections.Counter() for _ in range(order + 1)]
    discounts = [None]
    for n in range(1, order + 1):
        for gram, c in counts[n].items():
            totals[n][gram[:-1]] += c
            types[n][gram[:-1]] += 1
        n1 = sum(1 for c in counts[n].values() if c == 1)
        n2 = sum(1 for c in counts[n].values() if c == 2)
        discounts.append(n1 / (n1 + 2 * n2) if n1 + 2 * n2 else 0.5)

    def probability(context, w):
        p = 1.0 / vocab_size
        for n in range(1, order + 1):
            if n - 1 > len(context):
                break
            h = tuple(context[len(context) - (n - 1) :]) if n > 1 else ()
            total = totals[n].get(h, 0)
            if total == 0:
                continue
            D = discounts[n]
            p = max(counts[n].get(h + (w,), 0) - D, 0) / total + D * types[n][h] / total * p
        return p

    return probability, discounts[1:]


@pytest.fixture(scope="module")
def texts():
    rng = np.random.default_rng(0)
    # a text with structure: a few repeated words over a 7-letter alphabet, plus noise
    words = [rng.integers(0, 6, size=rng.integers(2, 5)) for _ in range(8)]
    train = np.concatenate([np.append(words[i], 6) for i in rng.integers(0, 8, size=300)])
    flips = rng.random(train.shape) < 0.05
    train = np.where(flips, rng.integers(0, 7, size=train.shape), train)
    held_out = np.concatenate([np.append(words[i], 6) for i in rng.integers(0, 8, size=40)])
    return train.astype(np.int64), held_out.astype(np.int64)


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_log_probabilities_match_the_reference(texts, order):
    train, held_out = texts
    V = 8  # one character (7) never occurs: it must still get a positive probability
    model = kneser_ney(train, V, order)
    reference, discounts = reference_kneser_ney(train, V, order)
    np.testing.assert_allclose(model.discounts, discounts)
    expected = [
        math.log(reference(list(held_out[max(0, t - order + 1) : t]), int(held_out[t])))
        for t in range(1, len(held_out))
    ]
    np.testing.assert_allclose(kneser_ney_log_probabilities(model, held_out), expected, rtol=1e-12)
    assert kneser_ney_cross_entropy(model, held_out) == pytest.approx(-np.mean(expected))


@pytest.mark.parametrize("order", [1, 2, 4])
def test_distribution_sums_to_one_and_agrees_with_the_scores(texts, order):
    train, held_out = texts
    model = kneser_ney(train, 8, order)
    for context in (held_out[:0], held_out[:1], held_out[3:10], np.array([7, 7, 7])):
        p = kneser_ney_distribution(model, context)
        assert p.shape == (8,) and np.all(p > 0)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        text = np.append(context, 2)
        if text.shape[0] >= 2:
            assert math.log(p[2]) == pytest.approx(kneser_ney_log_probabilities(model, text)[-1])


def test_higher_orders_fit_structured_text_better(texts):
    train, held_out = texts
    entropies = [kneser_ney_cross_entropy(kneser_ney(train, 8, n), held_out) for n in (1, 2, 3)]
    assert entropies[0] > entropies[1] > entropies[2]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"order": 0}, "order must be a positive integer"),
        ({"order": True}, "order must be a positive integer"),
        ({"vocab_size": 0}, "vocab_size must be a positive integer"),
        ({"order": 12, "vocab_size": 94}, "63 bits"),
        ({"ids": np.array([0.0, 1.0])}, "1-D integer array"),
        ({"ids": np.array([0, 9])}, r"\[0, V=8\)"),
        ({"ids": np.array([0]), "order": 2}, "at least 2 ids"),
    ],
)
def test_kneser_ney_rejects_bad_input(kwargs, match):
    arguments = {"ids": np.array([0, 1, 2, 1]), "vocab_size": 8, "order": 2} | kwargs
    with pytest.raises(ValueError, match=match):
        kneser_ney(**arguments)
