"""Training curves over several seeds: the median of each configuration and the range around it.

One seed's curve is an anecdote. :func:`plot_seed_curves` draws, for every
configuration, the median over seeds at each evaluation as a line with markers
and the band from the smallest to the largest seed, so a reader sees both the
typical run and the spread, and can tell whether the budget reached the point
where the curves flatten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = ["plot_seed_curves"]


def plot_seed_curves(curves: Mapping[str, Sequence[Sequence[float]]], ax: Axes | None = None,
                     x: Sequence[float] | None = None, xlabel: str = "epoch",
                     ylabel: str = "validation accuracy") -> Axes:
    """Median and min-to-max band over seeds for each configuration.

    Args:
        curves: ``{label: runs}``, where ``runs`` holds one curve per seed, all of
            the same length ``E`` (the values after each of ``E`` evaluations).
        ax: where to draw; ``None`` makes a figure 3.9 inches wide (390 px at 100 dpi).
        x: the ``E`` positions of the evaluations; ``1, ..., E`` if ``None``.
        xlabel, ylabel: the axis labels.

    Returns:
        The axes drawn on; line ``k`` is configuration ``k``'s median.

    Raises:
        ValueError: if a configuration has no runs or runs of different lengths.
    """
    if not curves:
        raise ValueError("curves must hold at least one configuration")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.9, 3.2))
    for label, runs in curves.items():
        lengths = {len(run) for run in runs}
        if not runs or len(lengths) != 1 or 0 in lengths:
            raise ValueError(f"the runs of {label!r} must be non-empty curves of one length, "
                             f"got lengths {sorted(lengths)}")
        values = np.asarray(runs, dtype=float)  # (seeds, E)
        positions = np.arange(1, values.shape[1] + 1) if x is None else np.asarray(x, float)
        if positions.shape != (values.shape[1],):
            raise ValueError(f"x must have one entry per evaluation ({values.shape[1]}), "
                             f"got {positions.shape[0]}")
        (line,) = ax.plot(positions, np.median(values, axis=0), marker="o", markersize=3.5,
                          label=label)
        ax.fill_between(positions, values.min(axis=0), values.max(axis=0),
                        color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    return ax
