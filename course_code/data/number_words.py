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

import numpy as np

from course_code.shapes import check_generator, check_positive_int, check_real

__all__ = [
    "MAX_DIGITS",
    "digit_count",
    "number_pairs",
    "number_to_words",
    "numbers_with_digits",
    "sample_numbers",
    "split_by_digit_count",
    "split_numbers",
]

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
    n = check_positive_int("n", n, minimum=0, maximum=10**MAX_DIGITS - 1)
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


def _check_digits(max_digits, name: str = "max_digits") -> int:
    return check_positive_int(name, max_digits, maximum=MAX_DIGITS)


def numbers_with_digits(digits: int) -> int:
    """How many whole numbers have exactly ``digits`` digits: 10 for 1 (0 to 9), else
    ``9 * 10**(digits - 1)``."""
    digits = _check_digits(digits, "digits")
    return 10 if digits == 1 else 9 * 10 ** (digits - 1)


def digit_count(numbers) -> np.ndarray:
    """The number of digits of each number ``(M,)``, ``int64`` (0 has one digit)."""
    return np.array([len(str(int(n))) for n in np.asarray(numbers).reshape(-1)], dtype=np.int64)


def sample_numbers(count: int, rng: np.random.Generator, max_digits: int = MAX_DIGITS,
                   exclude=frozenset(), min_digits: int = 1) -> np.ndarray:
    """``count`` distinct numbers whose digit counts are uniform on ``min_digits .. max_digits``.

    Drawing the number of digits first, then the number, gives short and long
    numbers equal weight (drawing uniformly below ``10**9`` would give almost only
    9-digit numbers). There are only ten 1-digit and ninety 2-digit numbers, so
    those are exhausted quickly, after which the longer counts share the draws;
    draws that repeat a number already taken, or one in ``exclude``, are thrown away.

    Args:
        count: how many numbers, at most the number of candidates available.
        rng: the source of randomness.
        max_digits: the longest numbers, in digits, ``1 .. 9``.
        exclude: numbers that must not be drawn (for example a training set's).
        min_digits: the shortest numbers, in digits, ``1 .. max_digits``.

    Returns:
        ``int64`` numbers ``(count,)``, in the order drawn.

    Raises:
        TypeError: if ``rng`` is not a ``numpy.random.Generator``.
        ValueError: if ``count`` is negative or larger than what is available.
    """
    check_generator("rng", rng)
    max_digits = _check_digits(max_digits)
    min_digits = _check_digits(min_digits, "min_digits")
    if min_digits > max_digits:
        raise ValueError(f"min_digits={min_digits} must not exceed max_digits={max_digits}")
    low_end = 0 if min_digits == 1 else 10 ** (min_digits - 1)
    exclude = set(int(x) for x in exclude)
    in_range = sum(1 for x in exclude if low_end <= x < 10**max_digits)
    available = 10**max_digits - low_end - in_range
    count = check_positive_int("count", count, minimum=0, maximum=available)
    taken: list[int] = []
    seen = set(exclude)
    attempts = 0
    while len(taken) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise ValueError(f"could not draw {count} distinct numbers with "
                             f"{min_digits} to {max_digits} digits")
        digits = int(rng.integers(min_digits, max_digits + 1))
        low = 0 if digits == 1 else 10 ** (digits - 1)
        n = int(rng.integers(low, 10**digits))
        if n not in seen:
            seen.add(n)
            taken.append(n)
    return np.array(taken, dtype=np.int64)


def split_numbers(train_size: int, test_size: int, rng: np.random.Generator,
                  max_digits: int = MAX_DIGITS) -> tuple[np.ndarray, np.ndarray]:
    """A training set and a held-out set of numbers that share no number.

    The training set is drawn first, so it takes all the short numbers it can and
    the held-out set may have none of 1 or 2 digits;
    :func:`split_by_digit_count` keeps some back.

    Returns:
        ``(train (train_size,), test (test_size,))``, ``int64``.
    """
    train = sample_numbers(train_size, rng, max_digits)
    test = sample_numbers(test_size, rng, max_digits, exclude=train)
    return train, test


def split_by_digit_count(train_size: int, held_out_per_count, rng: np.random.Generator,
                         max_digits: int = MAX_DIGITS, min_digits: int = 1,
                         max_held_out_share: float = 0.3) -> tuple[np.ndarray, ...]:
    """Held-out sets with the same number of examples of every digit count, then a training set.

    Each held-out set (validation, test, ...) gets ``held_out_per_count[i]`` numbers of
    every digit count from ``min_digits`` to ``max_digits``, except where a digit count
    has too few numbers: together the held-out sets take at most ``max_held_out_share``
    of them, shared in proportion to the requests (of the ten 1-digit numbers, 3 with
    the default share). The training set is then drawn from what is left, as
    :func:`sample_numbers` draws. No number is in two sets.

    Args:
        train_size: the number of training numbers.
        held_out_per_count: one count per held-out set, e.g. ``(55, 110)`` for a
            validation and a test set.
        rng: the source of randomness.
        max_digits, min_digits: the range of digit counts, in ``1 .. 9``.
        max_held_out_share: in ``(0, 1)``.

    Returns:
        ``(train, held_out_1, held_out_2, ...)``, ``int64`` arrays; each held-out set is
        sorted by digit count, in the order drawn within one count.

    Raises:
        ValueError: on a count below 0, a share outside ``(0, 1)``, or digit counts out
            of range.
    """
    max_digits = _check_digits(max_digits)
    min_digits = _check_digits(min_digits, "min_digits")
    requests = [check_positive_int(f"held_out_per_count[{i}]", r, minimum=0)
                for i, r in enumerate(held_out_per_count)]
    if not requests:
        raise ValueError("held_out_per_count must hold non-negative integers, one per set, "
                         f"got {held_out_per_count!r}")
    check_real("max_held_out_share", max_held_out_share, low=0.0, high=1.0,
               low_open=True, high_open=True)
    held_out: list[list[int]] = [[] for _ in requests]
    taken: set[int] = set()
    for digits in range(min_digits, max_digits + 1):
        cap = int(max_held_out_share * numbers_with_digits(digits))
        wanted = sum(requests)
        shares = requests if wanted <= cap else [cap * r // wanted for r in requests]
        for i, share in enumerate(shares):
            drawn = sample_numbers(share, rng, digits, exclude=taken, min_digits=digits)
            held_out[i] += drawn.tolist()
            taken.update(drawn.tolist())
    train = sample_numbers(train_size, rng, max_digits, exclude=taken, min_digits=min_digits)
    return (train,) + tuple(np.array(h, dtype=np.int64) for h in held_out)


def number_pairs(numbers) -> list[tuple[list[str], str]]:
    """The (source words, target digits) pair of every number.

    Example:
        >>> number_pairs([40, 7])
        [(['forty'], '40'), (['seven'], '7')]
    """
    return [(number_to_words(int(n)), str(int(n))) for n in np.asarray(numbers).reshape(-1)]
