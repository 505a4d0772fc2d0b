"""Synthetic utterances: a few symbols, each held for many noisy frames, as in speech.

A recogniser of speech reads about 100 frames of acoustic features per second and
writes a few characters. This task has the same shape at a size a laptop trains in
minutes. A *transcript* is a short sequence of symbols from an alphabet of ``K``;
each symbol ``k`` has a *prototype*, a feature vector ``p_k`` of ``D`` numbers. The
utterance says the symbols one after another: symbol ``k`` lasts a random number of
frames, each frame ``p_k + noise``, and a short pause of silence (frames of noise
alone) separates it from the next, so that a symbol said twice in a row is still two
symbols. The utterance starts at a random offset in a window of ``T`` frames, and
silence fills the rest of the window::

    frame x_t = p_{k(t)} + sigma * e_t    while symbol k(t) is being said
    frame x_t =            sigma * e_t    in silence,          e_t ~ N(0, I_D)

A model must find where each symbol is said and in what order: a whole input of
``T`` frames for an output of a handful of tokens. The transcripts are written in the
token ids of :mod:`course_code.data.pairs`: symbol ``k`` is id ``3 + k``, after
``<pad>``, ``<bos>`` and ``<eos>``, so the output vocabulary has ``V = K + 3`` ids.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_code.data.pairs import BOS, EOS, PAD
from course_code.shapes import (
    check_generator,
    check_numpy_array,
    check_positive_int,
    check_real,
    check_shape,
)

__all__ = ["FIRST_SYMBOL", "Utterances", "spoken_symbols", "symbol_prototypes"]

FIRST_SYMBOL = 3
"""The id of symbol 0; ids 0, 1, 2 are ``<pad>``, ``<bos>`` and ``<eos>``."""


class Utterances(NamedTuple):
    """A batch of utterances and their transcripts; ``U`` is the longest transcript.

    * ``frames``: ``(N, T, D)`` ``float32``, each utterance in a window of ``T`` frames;
    * ``decoder_input``: ``(N, U + 1)`` ``int64``, ``<bos> y_1 ... y_U``, then ``PAD``;
    * ``decoder_target``: ``(N, U + 1)`` ``int64``, ``y_1 ... y_U <eos>``, then ``PAD``;
    * ``spans``: ``(N, U, 2)`` ``int64``, the first frame and one past the last frame
      of every symbol, ``-1`` after the end of a transcript.
    """

    frames: np.ndarray
    decoder_input: np.ndarray
    decoder_target: np.ndarray
    spans: np.ndarray


def symbol_prototypes(
    num_symbols: int, feature_size: int, rng: np.random.Generator
) -> np.ndarray:
    """One prototype frame per symbol, drawn from ``N(0, I_D)``.

    Args:
        num_symbols: ``K``, the size of the alphabet.
        feature_size: ``D``, the features per frame.
        rng: the source of randomness.

    Returns:
        ``(K, D)`` ``float64``.

    Raises:
        ValueError: if a size is not a positive integer; TypeError if ``rng`` is not a
            ``numpy.random.Generator``.
    """
    num_symbols = check_positive_int("num_symbols", num_symbols)
    feature_size = check_positive_int("feature_size", feature_size)
    return check_generator("rng", rng).standard_normal((num_symbols, feature_size))


def _check_range(name: str, low, high, minimum: int) -> tuple[int, int]:
    low = check_positive_int(f"min_{name}", low, minimum)
    high = check_positive_int(f"max_{name}", high, minimum)
    if high < low:
        raise ValueError(f"max_{name} must be at least min_{name}={low}, got {high}")
    return low, high


def spoken_symbols(
    num_utterances: int,
    prototypes: np.ndarray,
    rng: np.random.Generator,
    num_steps: int = 256,
    min_symbols: int = 4,
    max_symbols: int = 6,
    min_hold: int = 10,
    max_hold: int = 30,
    min_pause: int = 2,
    max_pause: int = 6,
    noise: float = 1.0,
) -> Utterances:
    """Random transcripts and the utterances that say them.

    Each transcript has ``min_symbols`` to ``max_symbols`` symbols, drawn uniformly
    and independently (repeats allowed); each symbol lasts ``min_hold`` to
    ``max_hold`` frames, with ``min_pause`` to ``max_pause`` frames of silence
    before the next one; every count is drawn uniformly, ends included. The
    utterance starts at a uniformly drawn offset among those that fit in the window.

    Args:
        num_utterances: ``N``.
        prototypes: ``(K, D)``, as from :func:`symbol_prototypes`.
        rng: the source of randomness.
        num_steps: ``T``, the frames of the window.
        min_symbols, max_symbols: the length of a transcript, at least 1.
        min_hold, max_hold: the frames of one symbol, at least 1.
        min_pause, max_pause: the frames of silence between two symbols, at least 0.
        noise: ``sigma``, the standard deviation of the noise, at least 0.

    Returns:
        :class:`Utterances`.

    Raises:
        ValueError: if a count is not an integer in range, a maximum is below its
            minimum, the longest utterance does not fit in ``T`` frames, or
            ``prototypes`` is not a finite ``(K, D)`` floating-point array.
        TypeError: if ``rng`` is not a ``numpy.random.Generator`` or ``prototypes``
            is not a NumPy array.
    """
    num_utterances = check_positive_int("num_utterances", num_utterances)
    check_numpy_array("prototypes", prototypes)
    sizes = check_shape("prototypes", prototypes, ("K", "D"))
    if (
        not np.issubdtype(prototypes.dtype, np.floating)
        or not np.isfinite(prototypes).all()
    ):
        raise ValueError(
            "prototypes must be finite floating-point numbers (K, D), "
            f"got dtype {prototypes.dtype}"
        )
    rng = check_generator("rng", rng)
    T = check_positive_int("num_steps", num_steps)
    min_symbols, max_symbols = _check_range("symbols", min_symbols, max_symbols, 1)
    min_hold, max_hold = _check_range("hold", min_hold, max_hold, 1)
    min_pause, max_pause = _check_range("pause", min_pause, max_pause, 0)
    sigma = check_real("noise", noise, low=0.0)
    longest = max_symbols * max_hold + (max_symbols - 1) * max_pause
    if longest > T:
        raise ValueError(
            f"num_steps must hold the longest utterance, max_symbols * max_hold + "
            f"(max_symbols - 1) * max_pause = {longest} frames, got num_steps={T}"
        )
    K, D = sizes["K"], sizes["D"]
    U = max_symbols
    frames = np.zeros((num_utterances, T, D))
    decoder_input = np.full((num_utterances, U + 1), PAD, dtype=np.int64)
    decoder_target = np.full((num_utterances, U + 1), PAD, dtype=np.int64)
    spans = np.full((num_utterances, U, 2), -1, dtype=np.int64)
    for n in range(num_utterances):
        count = int(rng.integers(min_symbols, max_symbols + 1))
        symbols = rng.integers(0, K, size=count)
        holds = rng.integers(min_hold, max_hold + 1, size=count)
        pauses = rng.integers(min_pause, max_pause + 1, size=count - 1)
        length = int(holds.sum() + pauses.sum())
        start = int(rng.integers(0, T - length + 1))
        for u, (symbol, hold) in enumerate(zip(symbols, holds)):
            frames[n, start : start + hold] = prototypes[symbol]
            spans[n, u] = (start, start + hold)
            start += int(hold) + (int(pauses[u]) if u < count - 1 else 0)
        ids = FIRST_SYMBOL + symbols
        decoder_input[n, : count + 1] = np.concatenate([[BOS], ids])
        decoder_target[n, : count + 1] = np.concatenate([ids, [EOS]])
    frames += sigma * rng.standard_normal(frames.shape)
    width = int((decoder_target != PAD).sum(axis=1).max())  # U + 1 of the longest drawn
    return Utterances(
        frames.astype(np.float32),
        decoder_input[:, :width],
        decoder_target[:, :width],
        spans[:, : width - 1],
    )
