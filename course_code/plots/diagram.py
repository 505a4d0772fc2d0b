"""Boxes and arrows: the two shapes every network diagram in the book is drawn with."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from course_code.plots.centred import centred_box, centred_label

__all__ = ["BOX_HEIGHT", "BOX_WIDTH", "COLOURS", "draw_arrow", "draw_box"]

BOX_WIDTH, BOX_HEIGHT = 0.64, 0.44
COLOURS = {
    "input": "#dbe9f6",  # x_t: blue
    "hidden": "#fde2c8",  # h_t: orange
    "decoder": "#f4cccc",  # a decoder's h_t: red
    "output": "#d9f0d3",  # outputs: green
}


def draw_box(ax: Axes, xy: tuple[float, float], text: str, colour: str, fontsize: float = 11) -> None:
    """A rounded box of size ``BOX_WIDTH x BOX_HEIGHT`` centred on ``xy``, labelled ``text``."""
    ax.add_patch(
        centred_box(xy, (BOX_WIDTH, BOX_HEIGHT), "round,pad=0.02", facecolor=colour,
                    edgecolor="black", linewidth=1.1)
    )
    centred_label(ax, xy, text, fontsize=fontsize)


def draw_arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    offset: tuple[float, float] = (0.0, 0.0),
) -> None:
    """An arrow from ``start`` to ``end``, with an optional ``label`` at its middle plus ``offset``."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, linewidth=1.1, color="black"))
    if label:
        middle = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*middle, label, ha="center", va="center", fontsize=10, color="#333333")
