"""Edit distance, first mistake and recovery, against cases worked by hand."""

from __future__ import annotations

import itertools

import pytest

from course_code.data.pairs import EOS, PAD
from course_code.models.output_errors import (
    edit_distance,
    first_mistake,
    recovers_within,
    tokens_of,
)


@pytest.mark.parametrize("a, b, distance", [
    ("", "", 0), ("abc", "abc", 0), ("abc", "", 3), ("", "ab", 2),
    ("85798411", "85798141", 2),  # a swap is two edits
    ("52236022", "52230622", 2), ("68067974", "6867974", 1),  # a dropped zero
    ("kitten", "sitting", 3),
])
def test_edit_distance_by_hand(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_edit_distance_against_brute_force_on_short_strings():
    """Distance <= 1 exactly when one edit, found by trying all, turns a into b."""
    alphabet = "01"
    for n in range(4):
        for a in map("".join, itertools.product(alphabet, repeat=n)):
            one_edit = {a} | {a[:i] + c + a[i:] for i in range(n + 1) for c in alphabet}
            one_edit |= {a[:i] + a[i + 1:] for i in range(n)}
            one_edit |= {a[:i] + c + a[i + 1:] for i in range(n) for c in alphabet}
            for m in range(5):
                for b in map("".join, itertools.product(alphabet, repeat=m)):
                    assert (edit_distance(a, b) <= 1) == (b in one_edit)


@pytest.mark.parametrize("output, target, first, recovered", [
    ("123", "123", None, True),
    ("193", "123", 1, True),        # substitution
    ("13", "123", 1, True),         # dropped digit
    ("1223", "123", 2, True),       # inserted digit
    ("132", "123", 1, True),        # swap
    ("12", "123", 2, True),         # missing last digit
    ("190000", "123456", 1, False),  # everything after the mistake is wrong
    ("1934", "1234", 1, True),
    ("1999", "1234", 1, False),
])
def test_first_mistake_and_recovery(output, target, first, recovered):
    assert first_mistake(output, target) == first
    assert recovers_within(output, target, k=2) == recovered


def test_tokens_stop_at_eos_and_skip_padding():
    assert tokens_of([5, 6, EOS, 7, PAD]) == [5, 6]
    assert tokens_of([PAD, 4, 4]) == [4, 4]
