"""A generated sentiment task in which word order decides the label.

Phrases are built from a small vocabulary by this grammar::

    phrase := [opener] clause | [opener] clause "but" clause
    clause := ["not"] [intensifier] adjective

and the label is the sentiment of the **last clause**: the adjective's
polarity, flipped by a "not" in the same clause. So

    "good"               -> positive      "not good"             -> negative
    "not bad"            -> positive      "bad but not bad"      -> positive
    "not good but bad"   -> negative      "good but not bad"     -> positive

The last two contain the same words, ``{good, but, not, bad}``, with opposite
labels. A bag-of-words classifier sees only how often each word occurs, so it
must give both the same answer and is wrong on one of them. For any data set,
:func:`bag_of_words_ceiling` computes the best accuracy that *any* function of
the word counts can reach; an order-aware model such as an RNN is not bound by it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from course_code.shapes import check_generator, check_positive_int, check_probability

__all__ = [
    "INTENSIFIERS",
    "MAX_LENGTH",
    "NEGATIVE_WORDS",
    "OPENERS",
    "PAD",
    "P_INTENSIFIER",
    "P_NOT",
    "POSITIVE_WORDS",
    "SENTIMENT_WORDS",
    "bag_of_words",
    "bag_of_words_ceiling",
    "encode_phrases",
    "label_phrase",
    "phrase_distribution",
    "sentiment_phrases",
]

POSITIVE_WORDS = ("good", "great", "fine", "nice")
NEGATIVE_WORDS = ("bad", "awful", "poor", "dull")
INTENSIFIERS = ("very", "really", "quite")
OPENERS = ((), ("it", "was"), ("the", "film", "was"), ("the", "plot", "is"), ("the", "acting", "was"))
PAD = "<pad>"

_CONNECTIVES = ("not", "but")
SENTIMENT_WORDS: tuple[str, ...] = tuple(
    [PAD]
    + sorted(
        set(POSITIVE_WORDS) | set(NEGATIVE_WORDS) | set(INTENSIFIERS) | set(_CONNECTIVES)
        | {word for opener in OPENERS for word in opener}
    )
)
"""The vocabulary: ``PAD`` has id 0, then the words in alphabetical order."""

_WORD_IDS = {word: i for i, word in enumerate(SENTIMENT_WORDS)}
MAX_LENGTH = 3 + 3 + 1 + 3
"""The longest phrase: a three-word opener, two three-word clauses and "but"."""


def label_phrase(words: Sequence[str]) -> int:
    """The label of a phrase by the task's rule: 1 positive, 0 negative.

    Only the clause after the last "but" (or the whole phrase, if there is no
    "but") counts: its adjective's polarity, flipped if the clause holds "not".

    Args:
        words: the phrase as a sequence of words from :data:`SENTIMENT_WORDS`.

    Raises:
        ValueError: if the last clause does not end in exactly one sentiment
            adjective, or holds more than one "not".
    """
    words = list(words)
    clause = words[len(words) - words[::-1].index("but"):] if "but" in words else words
    adjectives = [w for w in clause if w in POSITIVE_WORDS or w in NEGATIVE_WORDS]
    if len(adjectives) != 1 or clause[-1] != adjectives[0]:
        raise ValueError(f"the last clause must end in one sentiment adjective, got {' '.join(words)!r}")
    negations = clause.count("not")
    if negations > 1:
        raise ValueError(f"a clause may hold at most one 'not', got {' '.join(words)!r}")
    positive = adjectives[0] in POSITIVE_WORDS
    return int(positive != (negations == 1))


P_NOT = 0.5
"""The probability that a clause holds "not"."""
P_INTENSIFIER = 0.3
"""The probability that a clause holds an intensifier."""


def _clause(rng: np.random.Generator) -> list[str]:
    words = []
    if rng.random() < P_NOT:
        words.append("not")
    if rng.random() < P_INTENSIFIER:
        words.append(INTENSIFIERS[rng.integers(len(INTENSIFIERS))])
    adjectives = POSITIVE_WORDS if rng.random() < 0.5 else NEGATIVE_WORDS
    words.append(adjectives[rng.integers(len(adjectives))])
    return words


def _clause_distribution() -> list[tuple[list[str], float]]:
    """Every clause the grammar can produce, with its probability under :func:`_clause`."""
    negations = [([], 1 - P_NOT), (["not"], P_NOT)]
    intensifiers = [([], 1 - P_INTENSIFIER)] + [([w], P_INTENSIFIER / len(INTENSIFIERS)) for w in INTENSIFIERS]
    adjectives = [([w], 0.5 / len(POSITIVE_WORDS)) for w in POSITIVE_WORDS]
    adjectives += [([w], 0.5 / len(NEGATIVE_WORDS)) for w in NEGATIVE_WORDS]
    return [
        (neg + intensity + adjective, p_neg * p_int * p_adj)
        for neg, p_neg in negations
        for intensity, p_int in intensifiers
        for adjective, p_adj in adjectives
    ]


def phrase_distribution(contrast_fraction: float = 0.5) -> tuple[list[list[str]], np.ndarray]:
    """Every phrase :func:`sentiment_phrases` can draw, with its exact probability.

    Returns:
        ``(phrases, probabilities)``: all distinct phrases and a ``float64``
        array ``(K,)`` of their probabilities, summing to 1.
    """
    if not 0.0 <= contrast_fraction <= 1.0:
        raise ValueError(f"contrast_fraction must lie in [0, 1], got {contrast_fraction!r}")
    clauses = _clause_distribution()
    phrases, probabilities = [], []
    for opener in OPENERS:
        p_opener = 1 / len(OPENERS)
        for first, p_first in clauses:
            phrases.append(list(opener) + first)
            probabilities.append(p_opener * p_first * (1 - contrast_fraction))
            for second, p_second in clauses:
                phrases.append(list(opener) + first + ["but"] + second)
                probabilities.append(p_opener * p_first * contrast_fraction * p_second)
    return phrases, np.array(probabilities)


def sentiment_phrases(
    num_phrases: int, rng: np.random.Generator, contrast_fraction: float = 0.5
) -> tuple[list[list[str]], np.ndarray]:
    """Draw random phrases of the grammar above and label them.

    Each phrase gets a random opener (possibly empty); with probability
    ``contrast_fraction`` it has two clauses joined by "but", otherwise one.
    In a clause, "not" appears with probability :data:`P_NOT` and an
    intensifier with probability :data:`P_INTENSIFIER`; the adjective is
    positive or negative with probability 1/2. :func:`phrase_distribution`
    lists every possible phrase with its probability.

    Args:
        num_phrases: ``N``, a positive integer.
        rng: the source of randomness; equal generators give equal phrases.
        contrast_fraction: the probability of a two-clause phrase, in ``[0, 1]``.

    Returns:
        ``(phrases, labels)``: ``N`` lists of words, between 1 and
        :data:`MAX_LENGTH` long, and their labels, ``int64`` of shape ``(N,)``.

    Raises:
        ValueError: if ``num_phrases`` is not a positive integer or
            ``contrast_fraction`` lies outside ``[0, 1]``.
    """
    num_phrases = check_positive_int("num_phrases", num_phrases)
    check_probability("contrast_fraction", contrast_fraction)
    check_generator("rng", rng)
    phrases = []
    for _ in range(num_phrases):
        words = list(OPENERS[rng.integers(len(OPENERS))]) + _clause(rng)
        if rng.random() < contrast_fraction:
            words += ["but"] + _clause(rng)
        phrases.append(words)
    labels = np.array([label_phrase(words) for words in phrases], dtype=np.int64)
    return phrases, labels


def _check_words(phrases: Sequence[Sequence[str]]) -> None:
    if len(phrases) == 0:
        raise ValueError("phrases must hold at least one phrase, got none")
    for n, words in enumerate(phrases):
        if len(words) == 0:
            raise ValueError(f"phrases[{n}] is empty")
        unknown = [w for w in words if w not in _WORD_IDS or w == PAD]
        if unknown:
            raise ValueError(f"phrases[{n}] holds words outside the vocabulary: {unknown}")


def encode_phrases(phrases: Sequence[Sequence[str]], length: int = MAX_LENGTH) -> np.ndarray:
    """Word ids of each phrase, padded **on the left** with ``PAD`` (id 0) to ``T``.

    Left padding puts every phrase's last word at the last step, so a
    many-to-one model can read its answer from ``h_T`` for every row.

    Args:
        phrases: ``N`` lists of words, each at most ``length`` long.
        length: ``T``, the number of steps of the result.

    Returns:
        ``int64`` ids of shape ``(N, T)``.

    Raises:
        ValueError: on an empty phrase list or phrase, an unknown word, or a
            phrase longer than ``length``.
    """
    _check_words(phrases)
    ids = np.zeros((len(phrases), length), dtype=np.int64)
    for n, words in enumerate(phrases):
        if len(words) > length:
            raise ValueError(f"phrases[{n}] has {len(words)} words, more than length={length}")
        ids[n, length - len(words):] = [_WORD_IDS[w] for w in words]
    return ids


def bag_of_words(phrases: Sequence[Sequence[str]]) -> np.ndarray:
    """How often each vocabulary word occurs in each phrase.

    Returns:
        ``float64`` counts of shape ``(N, V)`` with ``V = len(SENTIMENT_WORDS)``;
        column 0 (``PAD``) is always zero.

    Raises:
        ValueError: on an empty phrase list or phrase, or an unknown word.
    """
    _check_words(phrases)
    counts = np.zeros((len(phrases), len(SENTIMENT_WORDS)))
    for n, words in enumerate(phrases):
        for word in words:
            counts[n, _WORD_IDS[word]] += 1
    return counts


def bag_of_words_ceiling(phrases: Sequence[Sequence[str]], labels, weights=None) -> float:
    """The highest accuracy on ``(phrases, labels)`` of any classifier that sees only word counts.

    Such a classifier gives one answer to all phrases with the same multiset
    of words. For each multiset the best answer is its majority label, so the
    ceiling is the weight of the majority labels, summed over multisets,
    divided by the total weight. It holds for logistic regression on counts,
    for a lookup table of multisets, and for anything in between.

    Args:
        phrases: ``N`` lists of words. labels: ``(N,)`` integer labels.
        weights: ``(N,)`` non-negative weights, ``None`` for 1 each. With the
            output of :func:`phrase_distribution` (phrases, their labels and
            probabilities), the result is the ceiling over the whole task,
            not over one sample of it.

    Raises:
        ValueError: if the lengths differ or the phrases are invalid.
    """
    _check_words(phrases)
    labels = np.asarray(labels)
    if labels.shape != (len(phrases),):
        raise ValueError(f"labels must have shape (N={len(phrases)},), got shape {labels.shape}")
    weights = np.ones(len(phrases)) if weights is None else np.asarray(weights, dtype=np.float64)
    if weights.shape != (len(phrases),) or (weights < 0).any():
        raise ValueError(f"weights must be non-negative with shape (N={len(phrases)},), got shape {weights.shape}")
    by_bag: dict[tuple, Counter] = {}
    for words, label, weight in zip(phrases, labels.tolist(), weights.tolist()):
        by_bag.setdefault(tuple(sorted(words)), Counter())[label] += weight
    best = sum(max(counter.values()) for counter in by_bag.values())
    return float(best / weights.sum())
