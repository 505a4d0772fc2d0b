"""Numbers in words: spelling checked by an independent parser, sampling, splits."""

from __future__ import annotations

import numpy as np
import pytest

from course_code.data.number_words import number_pairs, number_to_words, sample_numbers, split_numbers

_VALUES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_VALUES.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})


def _parse(words: list[str]) -> int:
    """Read English number words back into an integer (written for the test, not from the module)."""
    total, group = 0, 0
    for word in words:
        if word == "hundred":
            group *= 100
        elif word in ("thousand", "million"):
            total += group * (1000 if word == "thousand" else 10**6)
            group = 0
        else:
            group += _VALUES[word]
    return total + group


@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (40, "forty"), (42, "forty two"), (100, "one hundred"),
    (312005, "three hundred twelve thousand five"), (10**6, "one million"),
    (999999999, "nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety nine"),
])
def test_known_spellings(n, words):
    assert number_to_words(n) == words.split()


def test_spelling_parses_back_and_stays_short():
    rng = np.random.default_rng(0)
    for n in sample_numbers(2000, rng):
        words = number_to_words(int(n))
        assert _parse(words) == n
        assert 1 <= len(words) <= 14


@pytest.mark.parametrize("bad", [-1, 10**9, 2.5, True, "12"])
def test_out_of_range_raises(bad):
    with pytest.raises(ValueError, match="n must be an integer"):
        number_to_words(bad)


def test_samples_are_distinct_seeded_and_spread_over_digit_counts():
    a = sample_numbers(3000, np.random.default_rng(1))
    b = sample_numbers(3000, np.random.default_rng(1))
    assert np.array_equal(a, b) and len(set(a.tolist())) == 3000
    digits = np.array([len(str(n)) for n in a])
    counts = np.bincount(digits, minlength=10)[1:]
    assert counts[0] == 10 and counts[1] == 90  # the short numbers run out
    assert all(abs(c - 2900 / 7) < 80 for c in counts[2:])  # the other draws share the rest evenly


def test_split_shares_no_number_and_respects_max_digits():
    train, test = split_numbers(500, 200, np.random.default_rng(2), max_digits=3)
    assert not set(train.tolist()) & set(test.tolist())
    assert max(train.max(), test.max()) < 1000


def test_too_many_numbers_raise():
    with pytest.raises(ValueError, match="count must be an integer in"):
        sample_numbers(11, np.random.default_rng(0), max_digits=1)
    with pytest.raises(ValueError, match="max_digits"):
        sample_numbers(1, np.random.default_rng(0), max_digits=10)


def test_pairs():
    assert number_pairs(np.array([40, 7])) == [(["forty"], "40"), (["seven"], "7")]


def test_digit_counts_and_pool_sizes():
    from course_code.data.number_words import digit_count, numbers_with_digits

    assert [numbers_with_digits(d) for d in (1, 2, 3, 9)] == [10, 90, 900, 900_000_000]
    assert digit_count([0, 9, 10, 999, 1000]).tolist() == [1, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="digits"):
        numbers_with_digits(0)


def test_min_digits_bounds_the_draws():
    drawn = sample_numbers(300, np.random.default_rng(0), max_digits=5, min_digits=4)
    assert drawn.min() >= 1000 and drawn.max() < 10**5
    with pytest.raises(ValueError, match="count must be an integer in \\[0, 9000\\]"):
        sample_numbers(9001, np.random.default_rng(0), max_digits=4, min_digits=4)
    with pytest.raises(ValueError, match="must not exceed"):
        sample_numbers(1, np.random.default_rng(0), max_digits=3, min_digits=4)


def test_held_out_sets_are_stratified_and_keep_short_numbers_back():
    from course_code.data.number_words import digit_count, split_by_digit_count

    train, validation, test = split_by_digit_count(1000, (20, 40), np.random.default_rng(5),
                                                   max_digits=4)
    # 30% of the ten 1-digit numbers (3) and of the ninety 2-digit ones (27), shared 1:2
    assert np.bincount(digit_count(validation), minlength=5)[1:].tolist() == [1, 9, 20, 20]
    assert np.bincount(digit_count(test), minlength=5)[1:].tolist() == [2, 18, 40, 40]
    everything = np.concatenate([train, validation, test])
    assert len(set(everything.tolist())) == len(everything) and len(train) == 1000
    assert np.bincount(digit_count(train), minlength=5)[1:3].tolist() == [7, 63]
    with pytest.raises(ValueError, match="held_out_per_count"):
        split_by_digit_count(10, (-1,), np.random.default_rng(0))
    with pytest.raises(ValueError, match="max_held_out_share"):
        split_by_digit_count(10, (1,), np.random.default_rng(0), max_held_out_share=1.0)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        sample_numbers(3, 0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        split_numbers(3, 2, np.random.RandomState(0))
