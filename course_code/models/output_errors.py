"""How a decoded output differs from its target: edit distance, first mistake, recovery.

Exact match says only *whether* an output is wrong. To see how wrong, and whether one
mistake spoils everything after it (the worry behind exposure bias), compare outputs
and targets as token sequences, up to their ``<eos>``:

* the **edit distance** (Levenshtein): the fewest insertions, deletions and
  substitutions that turn one into the other;
* the **first mistake**: the first position where they differ;
* **recovery**: after its first mistake the output is back on the target within
  ``k`` tokens, i.e. the two share a common suffix that starts at most ``k`` target
  tokens after the first mistake. A substituted, dropped, inserted or swapped digit
  followed by the right continuation all recover within 2.
"""

from __future__ import annotations

import numpy as np

from course_code.data.pairs import EOS, PAD

__all__ = ["edit_distance", "first_mistake", "recovers_within", "tokens_of"]


def tokens_of(ids) -> list[int]:
    """The tokens of one row of ids up to (not including) its first ``<eos>``; ``PAD`` skipped."""
    out = []
    for i in np.asarray(ids).reshape(-1).tolist():
        if i == EOS:
            break
        if i != PAD:
            out.append(int(i))
    return out


def edit_distance(a, b) -> int:
    """The Levenshtein distance between two token sequences (lists, strings, ...)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def first_mistake(output, target) -> int | None:
    """The first position where ``output`` and ``target`` differ (a missing token counts),
    or ``None`` if they are equal."""
    for t, (x, y) in enumerate(zip(output, target)):
        if x != y:
            return t
    return None if len(output) == len(target) else min(len(output), len(target))


def _common_suffix(a, b) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[len(a) - 1 - n] == b[len(b) - 1 - n]:
        n += 1
    return n


def recovers_within(output, target, k: int = 2) -> bool:
    """Whether a wrong ``output`` matches ``target`` again from ``k`` tokens after its
    first mistake to the end (``True`` for a correct output)."""
    first = first_mistake(output, target)
    if first is None:
        return True
    return len(target) - _common_suffix(output, target) <= first + k

