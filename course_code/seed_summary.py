"""Summarise one setting's results over seeds: "k of n succeed, median (min to max)".

Success is a threshold fixed before the runs are looked at; a run whose value
is NaN (it diverged) or ``None`` (it never got there) counts as a failure and
as the worst value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["SeedSummary", "median_range", "summarise_seeds"]


@dataclass(frozen=True)
class SeedSummary:
    """How often a setting succeeded over ``runs`` seeds, and the spread of its values.

    Attributes:
        successes: runs whose value is below the threshold.
        runs: all runs.
        median, low, high: median, smallest and largest value (``inf`` stands for a
            run that diverged or never reached the quantity measured).
    """

    successes: int
    runs: int
    median: float
    low: float
    high: float

    def describe(self, digits: int = 4) -> str:
        """``"k of n succeed, median m (low to high)"`` with ``digits`` decimals."""
        numbers = [_format(v, digits) for v in (self.median, self.low, self.high)]
        median, low, high = numbers
        counts = f"{self.successes} of {self.runs} succeed"
        return f"{counts}, median {median} ({low} to {high})"

    def __str__(self) -> str:
        return self.describe()


def _format(value: float, digits: int) -> str:
    return "never" if math.isinf(value) else f"{value:.{digits}f}"


def summarise_seeds(values: Iterable[float | None], below: float) -> SeedSummary:
    """Count the values under ``below`` and give their median and range.

    Args:
        values: one number per seed; ``None`` or NaN for a failed run.
        below: the success threshold (strictly below it succeeds).

    Returns:
        The :class:`SeedSummary`.

    Raises:
        ValueError: if there are no values.
    """
    cleaned = sorted(
        math.inf if v is None or math.isnan(v) else float(v) for v in values
    )
    if not cleaned:
        raise ValueError("values must hold at least one run")
    n = len(cleaned)
    middle = n // 2
    median = cleaned[middle] if n % 2 else (cleaned[middle - 1] + cleaned[middle]) / 2
    return SeedSummary(
        successes=sum(v < below for v in cleaned),
        runs=n,
        median=median,
        low=cleaned[0],
        high=cleaned[-1],
    )


def median_range(values: Iterable[float], digits: int = 3) -> str:
    """``"median (min to max)"`` of some numbers, each rounded to ``digits`` decimals.

    How the book reports a quantity measured over several seeds, when there is no
    success threshold to count against (then use :func:`summarise_seeds`).

    Example:
        >>> median_range([0.5, 0.25, 1.0])
        '0.500 (0.250 to 1.000)'
    """
    values = np.asarray(list(values), dtype=float)
    if values.size == 0:
        raise ValueError("values must hold at least one number")
    return (
        f"{np.median(values):.{digits}f} ({values.min():.{digits}f} to "
        f"{values.max():.{digits}f})"
    )
