"""Counting baselines for a character model: uniform, unigram and bigram.

A language model is only impressive next to simple ones. All three below
predict ``c_{t+1}``:

* **uniform**: every one of the ``V`` characters has probability ``1/V``;
* **unigram**: ``P(c) = (count(c) + alpha) / (n + alpha V)``, ignoring the context;
* **bigram**: ``P(b | a) = (count(a b) + alpha) / (count(a .) + alpha V)``,
  looking at the previous character only.

The ``alpha`` added to every count (add-one or Laplace smoothing when
``alpha = 1``) keeps every probability positive, so a character or pair never
seen in training still gets a finite loss.
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import check_ids, check_positive_int, check_real

__all__ = ["bigram_probabilities", "ngram_cross_entropy", "unigram_probabilities", "uniform_probabilities"]


def _check_ids(ids, vocab_size: int, min_length: int = 1) -> np.ndarray:
    vocab_size = check_positive_int("vocab_size", vocab_size)
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array (L,), got shape {ids.shape} and dtype {ids.dtype}")
    if ids.shape[0] < min_length:
        raise ValueError(f"ids must hold at least {min_length} ids, got {ids.shape[0]}")
    return check_ids("ids", ids, vocab_size)


def _check_smoothing(smoothing: float) -> float:
    return check_real("smoothing", smoothing, low=0.0)


def uniform_probabilities(vocab_size: int) -> np.ndarray:
    """``1/V`` for each of the ``V`` characters, shape ``(V,)``."""
    vocab_size = check_positive_int("vocab_size", vocab_size)
    return np.full(vocab_size, 1.0 / vocab_size)


def unigram_probabilities(ids, vocab_size: int, smoothing: float = 1.0) -> np.ndarray:
    """Smoothed character frequencies of a training text.

    Args:
        ids: the encoded training text, ``(L,)``. vocab_size: ``V``.
        smoothing: ``alpha >= 0``, added to every count.

    Returns:
        ``(V,)`` probabilities summing to 1.
    """
    ids = _check_ids(ids, vocab_size)
    alpha = _check_smoothing(smoothing)
    counts = np.bincount(ids, minlength=vocab_size).astype(np.float64)
    return (counts + alpha) / (counts.sum() + alpha * vocab_size)


def bigram_probabilities(ids, vocab_size: int, smoothing: float = 1.0) -> np.ndarray:
    """Smoothed next-character frequencies given the previous character.

    Args:
        ids: the encoded training text, ``(L,)`` with ``L >= 2``. vocab_size: ``V``.
        smoothing: ``alpha >= 0``, added to every pair count. With ``alpha = 0``
            a character never followed by anything gets a uniform row.

    Returns:
        ``(V, V)``: row ``a`` is the distribution of the character after ``a``.
    """
    ids = _check_ids(ids, vocab_size, min_length=2)
    alpha = _check_smoothing(smoothing)
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
    counts += alpha
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), 1.0 / vocab_size)


def ngram_cross_entropy(ids, probabilities) -> float:
    """Mean cross-entropy, in nats, of predicting ``ids[1:]`` with a counting model.

    Args:
        ids: the encoded text to score, ``(L,)`` with ``L >= 2``.
        probabilities: ``(V,)`` for a context-free model (uniform or
            unigram), or ``(V, V)`` for a bigram model, row = previous character.

    Returns:
        ``-(1 / (L - 1)) sum_t log P(ids[t] | ids[t - 1])`` for ``t = 1, ..., L - 1``;
        ``inf`` if a scored character has probability 0.

    Raises:
        ValueError: if ``probabilities`` is neither ``(V,)`` nor ``(V, V)``, or
            ``ids`` holds an id outside ``[0, V)``.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim not in (1, 2) or (probabilities.ndim == 2 and probabilities.shape[0] != probabilities.shape[1]):
        raise ValueError(f"probabilities must have shape (V,) or (V, V), got {probabilities.shape}")
    ids = _check_ids(ids, probabilities.shape[-1], min_length=2)
    if probabilities.ndim == 1:
        chosen = probabilities[ids[1:]]
    else:
        chosen = probabilities[ids[:-1], ids[1:]]
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(chosen)))
