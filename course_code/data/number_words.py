"""A toy translation task: whole numbers written in English words, to their digits.

Each example pairs a source sentence of word tokens with a target string of digits::

    ["three", "hundred", "twelve", "thousand", "five"]   ->   "312005"
    ["seven"]                                            ->   "7"

Source and target lengths differ and neither determines the other exactly, so the
task needs a model that reads a whole sequence and then writes another of its own
length. The amount of information grows with the length: a number of ``k`` digits
holds ``k`` digits that are free to vary, and its spelling grows with ``k``, from
one word to fourteen ("seven hundred seventy seven million seven hundred ...").
That is what lets the task measure the fixed-length bottleneck of an
encoder-decoder model.

Everything is generated from a seed: nothing is downloaded.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["MAX_DIGITS", "number_pairs", "number_to_words", "sample_numbers", "split_numbers"]

MAX_DIGITS = 9  # numbers below one billion

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**6, "million"), (10**3, "thousand"))


def _below_thousand(n: int) -> list[str]:
    """The words of ``1 <= n <= 999``, without "and" (American usage)."""
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_UNITS[hundreds], "hundred"]
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_TENS[tens])
        if units:
            words.append(_UNITS[units])
    elif rest:
        words.append(_UNITS[rest])
    return words


def number_to_words(n: int) -> list[str]:
    """Spell a whole number ``0 <= n < 10**9`` in English word tokens.

    Hyphenated tens are split into two tokens ("twenty one"), and no "and" is
    used, so every token comes from a vocabulary of 31 words.

    Raises:
        ValueError: if ``n`` is not an integer in ``[0, 10**9)``.

    Example:
        >>> number_to_words(312005)
        ['three', 'hundred', 'twelve', 'thousand', 'five']
    """
    if isinstance(n, bool) or not isinstance(n, Integral) or not 0 <= n < 10**MAX_DIGITS:
        raise ValueError(f"n must be an integer in [0, 10**{MAX_DIGITS}), got {n!r}")
    n = int(n)
    if n == 0:
        return ["zero"]
    words = []
    for scale, name in _SCALES:
        group, n = divmod(n, scale)
        if group:
            words += _below_thousand(group) + [name]
    if n:
        words += _below_thousand(n)
    return words


def _check_digits(max_digits) -> int:
    if isinstance(max_digits, bool) or not isinstance(max_digits, Integral) or not 1 <= max_digits <= MAX_DIGITS:
        raise ValueError(f"max_digits must be an integer in [1, {MAX_DIGITS}], got {max_digits!r}")
    return int(max_digits)


def sample_numbers(count: int, rng: np.random.Generator, max_digits: int = MAX_DIGITS,
                   exclude=frozenset()) -> np.ndarray:
    """``count`` distinct numbers whose digit counts are uniform on ``1 .. max_digits``.

    Drawing the number of digits first, then the number, gives short and long
    numbers equal weight (drawing uniformly below ``10**9`` would give almost only
    9-digit numbers). There are only ten 1-digit and ninety 2-digit numbers, so
    those are exhausted quickly; draws that repeat a number already taken, or one in
    ``exclude``, are thrown away.

    Args:
        count: how many numbers, at most the number of candidates available.
        rng: the source of randomness.
        max_digits: the longest numbers, in digits, ``1 .. 9``.
        exclude: numbers that must not be drawn (for example a training set's).

    Returns:
        ``int64`` numbers ``(count,)``, in the order drawn.

    Raises:
        ValueError: if ``count`` is negative or larger than what is available.
    """
    max_digits = _check_digits(max_digits)
    exclude = set(int(x) for x in exclude)
    available = 10**max_digits - sum(1 for x in exclude if 0 <= x < 10**max_digits)
    if isinstance(count, bool) or not isinstance(count, Integral) or not 0 <= count <= available:
        raise ValueError(f"count must be an integer in [0, {available}], got {count!r}")
    taken: list[int] = []
    seen = set(exclude)
    attempts = 0
    while len(taken) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise ValueError(f"could not draw {count} distinct numbers with at most {max_digits} digits")
        digits = int(rng.integers(1, max_digits + 1))
        low = 0 if digits == 1 else 10 ** (digits - 1)
        n = int(rng.integers(low, 10**digits))
        if n not in seen:
            seen.add(n)
            taken.append(n)
    return np.array(taken, dtype=np.int64)


def split_numbers(train_size: int, test_size: int, rng: np.random.Generator,
                  max_digits: int = MAX_DIGITS) -> tuple[np.ndarray, np.ndarray]:
    """A training set and a held-out set of numbers that share no number.

    Returns:
        ``(train (train_size,), test (test_size,))``, ``int64``.
    """
    train = sample_numbers(train_size, rng, max_digits)
    test = sample_numbers(test_size, rng, max_digits, exclude=train)
    return train, test


def number_pairs(numbers) -> list[tuple[list[str], str]]:
    """The (source words, target digits) pair of every number.

    Example:
        >>> number_pairs([40, 7])
        [(['forty'], '40'), (['seven'], '7')]
    """
    return [(number_to_words(int(n)), str(int(n))) for n in np.asarray(numbers).reshape(-1)]
