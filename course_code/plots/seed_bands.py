"""Curves over several seeds: the median as a line, the range from min to max as a band."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

__all__ = ["plot_median_and_range"]


def plot_median_and_range(
    ax: Axes, x: np.ndarray, runs: np.ndarray, label: str, **line_options
) -> Line2D:
    """Plot the median over runs as a line and the min-to-max range as a shaded band.

    Args:
        ax: where to draw.
        x: the horizontal positions, ``(P,)``.
        runs: one row per run (seed), ``(R, P)``.
        label: the legend entry of the median line.
        **line_options: passed to ``ax.plot`` (e.g. ``linestyle``, ``color``).

    Returns:
        The median line.

    Raises:
        ValueError: if ``runs`` is not ``(R, P)`` with ``P = len(x)``.
    """
    x, runs = np.asarray(x), np.asarray(runs)
    if runs.ndim != 2 or runs.shape[1] != len(x):
        raise ValueError(
            f"runs must have shape (R, P) with P = len(x) = {len(x)}, got {runs.shape}"
        )
    (line,) = ax.plot(x, np.median(runs, axis=0), label=label, **line_options)
    ax.fill_between(
        x, runs.min(axis=0), runs.max(axis=0), color=line.get_color(), alpha=0.2
    )
    return line
