"""Interpolated Kneser-Ney character n-grams: the strongest simple language-model baseline.

An order-``n`` model predicts ``c_{t+1}`` from the previous ``n - 1`` characters.
Kneser-Ney smoothing (Kneser and Ney 1995; the interpolated form of Chen and
Goodman 1999) takes a fixed discount ``D`` off every count seen and hands the
mass freed to the next lower order, recursively down to the uniform
distribution. For a context ``h`` (``n - 1`` characters) and its shortening
``h'`` (the last ``n - 2``)::

    P_n(w | h) = max(c_n(h w) - D_n, 0) / c_n(h .)
                 + D_n * N_n(h .) / c_n(h .) * P_{n-1}(w | h')
    P_0(w)     = 1 / V

where ``c_n(h .)`` is the total of the counts that follow ``h`` and
``N_n(h .)`` how many distinct characters follow it. At the highest order
``c_N`` is the raw count of the n-gram in the training text; at every lower
order it is the *continuation count*, the number of distinct characters seen
in front of it, which is what makes Kneser-Ney better than plain backing-off
(a character that is frequent only after one context gets little mass in new
contexts). A context never seen in training passes the lower order through
unchanged. The discount of each order is the estimate of Ney, Essen and Kneser
(1994), ``D = n_1 / (n_1 + 2 n_2)`` from the numbers ``n_1``, ``n_2`` of counts
equal to 1 and 2, so nothing is tuned on the text being scored.

N-grams are stored as integers in base ``V`` (``V^N`` must fit in 63 bits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_code.shapes import check_ids, check_positive_int

__all__ = [
    "KneserNeyModel",
    "kneser_ney",
    "kneser_ney_cross_entropy",
    "kneser_ney_distribution",
    "kneser_ney_log_probabilities",
]


@dataclass(frozen=True)
class _Level:
    """The counts of one order ``n``: n-grams with their counts, and their contexts."""

    keys: np.ndarray  # (K,) sorted codes of the n-grams seen
    counts: np.ndarray  # (K,) their raw (n = N) or continuation (n < N) counts
    context_keys: np.ndarray  # (C,) sorted codes of the (n - 1)-character contexts
    context_totals: np.ndarray  # (C,) c_n(h .)
    context_types: np.ndarray  # (C,) N_n(h .)
    discount: float


@dataclass(frozen=True)
class KneserNeyModel:
    """A fitted interpolated Kneser-Ney model; build it with :func:`kneser_ney`."""

    vocab_size: int
    order: int
    levels: tuple  # one _Level per order 1..N

    @property
    def discounts(self) -> tuple[float, ...]:
        """``D_1, ..., D_N``."""
        return tuple(level.discount for level in self.levels)


def _check_ids(name: str, ids, vocab_size: int, min_length: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 1-D integer array (L,), got shape {ids.shape} and dtype {ids.dtype}"
        )
    if ids.shape[0] < min_length:
        raise ValueError(f"{name} must hold at least {min_length} ids, got {ids.shape[0]}")
    check_ids(name, ids, vocab_size)
    return ids.astype(np.int64)


def _codes(ids: np.ndarray, n: int, vocab_size: int) -> np.ndarray:
    """Base-``V`` codes of every n-gram of ``ids``: ``(L - n + 1,)``."""
    powers = vocab_size ** np.arange(n - 1, -1, -1, dtype=np.int64)
    return sliding_window_view(ids, n) @ powers


def _discount(counts: np.ndarray) -> float:
    n1, n2 = int((counts == 1).sum()), int((counts == 2).sum())
    return n1 / (n1 + 2 * n2) if n1 + 2 * n2 > 0 else 0.5


def kneser_ney(ids, vocab_size: int, order: int) -> KneserNeyModel:
    """Count the n-grams of a training text for an interpolated Kneser-Ney model.

    Args:
        ids: the encoded training text, integers ``(L,)`` in ``[0, V)``, ``L >= order``.
        vocab_size: ``V``.
        order: ``N >= 1``: the model reads the previous ``N - 1`` characters.

    Returns:
        A :class:`KneserNeyModel`.

    Raises:
        ValueError: if ``order`` or ``vocab_size`` is not a positive integer, if
            ``V^N`` does not fit in 63 bits, or ``ids`` is not a long enough
            1-D integer array of ids below ``V``.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    order = check_positive_int("order", order)
    if order * math.log2(max(vocab_size, 2)) >= 63:
        raise ValueError(f"V^N = {vocab_size}^{order} does not fit in 63 bits; lower the order")
    ids = _check_ids("ids", ids, vocab_size, min_length=order)
    levels = []
    for n in range(1, order + 1):
        if n == order:
            keys, counts = np.unique(_codes(ids, n, vocab_size), return_counts=True)
        else:  # continuation counts: distinct characters seen in front of each n-gram
            longer = np.unique(_codes(ids, n + 1, vocab_size))
            keys, counts = np.unique(longer % vocab_size**n, return_counts=True)
        contexts = keys // vocab_size
        context_keys, first, context_types = np.unique(
            contexts, return_index=True, return_counts=True
        )
        context_totals = np.add.reduceat(counts, first)
        levels.append(_Level(keys, counts, context_keys, context_totals, context_types,
                             _discount(counts)))
    return KneserNeyModel(int(vocab_size), int(order), tuple(levels))


def _lookup(sorted_keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``values`` at ``queries`` where the query is among ``sorted_keys``, else 0."""
    if sorted_keys.size == 0:
        return np.zeros(queries.shape, dtype=values.dtype)
    where = np.minimum(np.searchsorted(sorted_keys, queries), sorted_keys.size - 1)
    return np.where(sorted_keys[where] == queries, values[where], 0)


def _interpolate(model: KneserNeyModel, contexts: list, codes: list, probability: np.ndarray):
    """Apply the Kneser-Ney recursion level by level; ``None`` marks a level unavailable."""
    for level, context, code in zip(model.levels, contexts, codes):
        if code is None:
            continue
        totals = _lookup(level.context_keys, level.context_totals, context).astype(np.float64)
        types = _lookup(level.context_keys, level.context_types, context).astype(np.float64)
        count = _lookup(level.keys, level.counts, code).astype(np.float64)
        seen = totals > 0
        safe = np.where(seen, totals, 1.0)
        smoothed = (np.maximum(count - level.discount, 0.0) / safe
                    + level.discount * types / safe * probability)
        probability = np.where(seen, smoothed, probability)
    return probability


def kneser_ney_log_probabilities(model: KneserNeyModel, ids) -> np.ndarray:
    """``log P(ids[t] | the up to N - 1 characters before it)`` for ``t = 1, ..., L - 1``.

    Near the start, where fewer than ``N - 1`` characters precede ``ids[t]``,
    the model uses the orders that the available context allows.

    Args:
        model: a :class:`KneserNeyModel`.
        ids: the encoded text to score, ``(L,)`` with ``L >= 2``.

    Returns:
        ``(L - 1,)`` natural logarithms, all finite.
    """
    V = model.vocab_size
    ids = _check_ids("ids", ids, V, min_length=2)
    targets = np.arange(1, ids.shape[0])  # positions t whose character is predicted
    contexts, codes = [], []
    for n in range(1, model.order + 1):
        codes_n = np.zeros(targets.shape, dtype=np.int64)
        available = targets >= n - 1
        if n == 1:
            codes_n = ids[targets]
        elif available.any():
            codes_n[available] = _codes(ids, n, V)[targets[available] - (n - 1)]
        contexts.append(np.where(available, codes_n // V, -1))
        codes.append(np.where(available, codes_n, -1) if available.any() else None)
    probability = _interpolate(model, contexts, codes, np.full(targets.shape, 1.0 / V))
    return np.log(probability)


def kneser_ney_cross_entropy(model: KneserNeyModel, ids) -> float:
    """Mean cross-entropy, in nats, of predicting ``ids[1:]``: ``-mean(log P)``.

    Args:
        model: a :class:`KneserNeyModel`.
        ids: the encoded text to score, ``(L,)`` with ``L >= 2``.
    """
    return float(-kneser_ney_log_probabilities(model, ids).mean())


def kneser_ney_distribution(model: KneserNeyModel, context) -> np.ndarray:
    """The model's distribution of the next character after ``context``: ``(V,)``.

    Args:
        model: a :class:`KneserNeyModel`.
        context: encoded characters ``(k,)``; only the last ``N - 1`` are read.

    Returns:
        ``(V,)`` probabilities, positive, summing to 1.
    """
    V = model.vocab_size
    context = _check_ids("context", context, V, min_length=0)
    keep = min(model.order - 1, context.shape[0])
    context = context[context.shape[0] - keep:]
    candidates = np.arange(V, dtype=np.int64)
    contexts, codes = [], []
    for n in range(1, model.order + 1):
        if n - 1 > context.shape[0]:
            contexts.append(None)
            codes.append(None)
            continue
        prefix = context[context.shape[0] - (n - 1):] if n > 1 else context[:0]
        prefix_code = int(prefix @ V ** np.arange(n - 2, -1, -1, dtype=np.int64)) if n > 1 else 0
        contexts.append(np.full(V, prefix_code, dtype=np.int64))
        codes.append(prefix_code * V + candidates)
    return _interpolate(model, contexts, codes, np.full(V, 1.0 / V))
