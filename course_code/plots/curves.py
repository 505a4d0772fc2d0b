"""Line plots of training runs: losses, error curves and baselines, legible on a phone.

Every figure is :data:`FIGURE_WIDTH` inches wide with :data:`FONT_SIZE`-point
text, so that at the 390-pixel width of a phone screen the text is still about
10 points; panels are stacked vertically rather than side by side.

* :func:`curve_figure`: a figure of ``rows`` stacked axes.
* :func:`plot_curves`: one line per named curve, with dashed horizontal
  reference lines for baselines.
* :func:`plot_seed_runs`: several runs (seeds) of each setting, as a median line
  and a min-to-max band (:func:`~course_code.plots.seed_bands.plot_median_and_range`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_code.plots.seed_bands import plot_median_and_range
from course_code.shapes import check_positive_int, check_positive_real

__all__ = ["FIGURE_WIDTH", "FONT_SIZE", "curve_figure", "plot_curves", "plot_seed_runs"]

FIGURE_WIDTH = 5.0
"""Inches; at 100 dpi the image is 500 pixels wide, shown at 390 on a phone."""

FONT_SIZE = 13
"""Points in the figure; about 10 points when shown 390 pixels wide."""

_REFERENCE_STYLES = ("--", ":", "-.", (0, (1, 3)))


def curve_figure(rows: int = 1, row_height: float = 3.2, sharex: bool = False):
    """A figure of ``rows`` axes stacked vertically, :data:`FIGURE_WIDTH` inches wide.

    Args:
        rows: the number of panels, a positive integer.
        row_height: inches per panel.
        sharex: whether the panels share their horizontal axis.

    Returns:
        ``(figure, axes)`` with ``axes`` a list of ``rows`` axes.

    Raises:
        ValueError: if ``rows`` is not a positive integer or ``row_height`` not positive.
    """
    rows = check_positive_int("rows", rows)
    check_positive_real("row_height", row_height)
    figure, axes = plt.subplots(rows, 1, figsize=(FIGURE_WIDTH, row_height * rows),
                                sharex=sharex, squeeze=False, layout="constrained")
    return figure, list(axes[:, 0])


def _style(ax: Axes, xlabel: str, ylabel: str, title: str | None, log_y: bool, ylim) -> None:
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    ax.set_ylabel(ylabel, fontsize=FONT_SIZE)
    if title:
        ax.set_title(title, fontsize=FONT_SIZE)
    if log_y:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.tick_params(labelsize=FONT_SIZE - 1)


def _references(ax: Axes, reference_lines: Mapping[str, float] | None) -> None:
    for i, (label, value) in enumerate((reference_lines or {}).items()):
        ax.axhline(value, color="0.35", linewidth=1.2,
                   linestyle=_REFERENCE_STYLES[i % len(_REFERENCE_STYLES)], label=label)


def plot_curves(
    ax: Axes,
    curves: Mapping[str, object],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    log_y: bool = False,
    reference_lines: Mapping[str, float] | None = None,
    ylim: tuple[float, float] | None = None,
    legend: bool = True,
    legend_columns: int = 1,
    legend_location: str = "best",
    styles: Mapping[str, dict] | None = None,
    **line_options,
) -> Axes:
    """Draw one line per curve, plus dashed horizontal lines for baselines.

    Args:
        ax: where to draw (from :func:`curve_figure`).
        curves: label -> ``y`` of shape ``(P,)`` (plotted against ``1..P``) or
            an ``(x, y)`` pair of ``(P,)`` arrays.
        xlabel, ylabel, title: the axis labels and an optional title.
        log_y: a logarithmic vertical axis.
        reference_lines: label -> height of a horizontal reference line.
        ylim: the vertical range.
        legend: draw a legend; legend_columns: its number of columns;
            legend_location: where (matplotlib's ``loc``).
        styles: label -> options for that curve's ``ax.plot`` only (e.g. a colour),
            on top of ``line_options``.
        **line_options: passed to every ``ax.plot`` (e.g. ``linewidth``, ``marker``).

    Returns:
        The axes drawn on.

    Raises:
        ValueError: if a curve is neither a 1-D array nor a pair of equally long ones.
    """
    for label, curve in curves.items():
        if isinstance(curve, tuple) and len(curve) == 2:
            x, y = np.asarray(curve[0]), np.asarray(curve[1])
        else:
            y = np.asarray(curve)
            x = np.arange(1, y.shape[0] + 1) if y.ndim == 1 else None
        if y.ndim != 1 or x is None or x.shape != y.shape:
            raise ValueError(
                f"curve {label!r} must be y of shape (P,) or a pair (x, y) of shape (P,) each"
            )
        ax.plot(x, y, label=label, **{**line_options, **(styles or {}).get(label, {})})
    _references(ax, reference_lines)
    _style(ax, xlabel, ylabel, title, log_y, ylim)
    if legend:
        ax.legend(fontsize=FONT_SIZE - 2, ncols=legend_columns, loc=legend_location)
    return ax


def plot_seed_runs(
    ax: Axes,
    x,
    runs: Mapping[str, object],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    log_y: bool = False,
    reference_lines: Mapping[str, float] | None = None,
    ylim: tuple[float, float] | None = None,
    legend: bool = True,
    legend_columns: int = 1,
) -> Axes:
    """Draw each setting's runs as a median line with a min-to-max band.

    Args:
        ax: where to draw.
        x: the horizontal positions, ``(P,)``.
        runs: label -> ``(R, P)`` array, one row per run (seed).
        xlabel: as in :func:`plot_curves`, and so are ``ylabel``, ``title``,
            ``log_y``, ``reference_lines``, ``ylim``, ``legend`` and ``legend_columns``.

    Returns:
        The axes drawn on.
    """
    for label, values in runs.items():
        plot_median_and_range(ax, np.asarray(x), np.asarray(values), label)
    _references(ax, reference_lines)
    _style(ax, xlabel, ylabel, title, log_y, ylim)
    if legend:
        ax.legend(fontsize=FONT_SIZE - 2, ncols=legend_columns)
    return ax

