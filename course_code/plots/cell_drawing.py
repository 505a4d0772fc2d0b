"""Drawing a gated cell: layers as boxes, operations as circles, the state path bold.

:func:`draw_cell` draws a :class:`~course_code.plots.cell_graph.CellDiagram`: layers
as boxes, element-wise operations as circles, the path a state takes from step to
step thick and coloured (the LSTM's cell state, the GRU's hidden state). Sized for a
phone: a figure 5 inches wide with labels of 14 points or more, so they stay legible
when the page shrinks it to 390 pixels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from course_code.plots.cell_graph import CellDiagram, Edge, Node
from course_code.plots.cell_layout import LAYER_SIZE, OP_RADIUS
from course_code.plots.centred import centred_box, centred_label

__all__ = ["FIGURE_WIDTH", "HIGHLIGHT", "MIN_FONTSIZE", "draw_cell"]

FIGURE_WIDTH = 5.0
"""Inches. At 390 px a 5-inch figure keeps a 14-point label above 10 points."""
MIN_FONTSIZE = 14
HIGHLIGHT = "#d95f02"
"""The colour of the state path carried from step to step."""

_LAYER_COLOURS = {"sigmoid": "#fff2b3", "tanh": "#cfe8cf"}
_OP_SYMBOLS = {"mul": "×", "add": "+", "tanh": "tanh", "one_minus": "1−"}
_WIDE_OP = (1.0, 0.55)  # the element-wise tanh and 1 - z, which are words


def draw_cell(
    diagram: CellDiagram, ax: Axes | None = None, fontsize: float = 15
) -> Axes:
    """Draw ``diagram``: layers as boxes, operations as circles, the state path bold.

    Args:
        diagram: from :func:`lstm_cell_diagram` or :func:`gru_cell_diagram`.
        ax: where to draw; a new figure ``FIGURE_WIDTH`` inches wide if ``None``.
        fontsize: of the labels, at least :data:`MIN_FONTSIZE`.

    Returns:
        The axes drawn on.

    Raises:
        ValueError: if ``fontsize`` is below :data:`MIN_FONTSIZE`.
    """
    if fontsize < MIN_FONTSIZE:
        raise ValueError(f"fontsize must be at least {MIN_FONTSIZE}, got {fontsize}")
    if ax is None:
        figure, ax = plt.subplots(figsize=(FIGURE_WIDTH, 0.66 * FIGURE_WIDTH))
        figure.subplots_adjust(left=0, right=1, bottom=0, top=1)
    x0, y0, x1, y1 = diagram.box
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle="round,pad=0.1",
            facecolor="#f3f3f3",
            edgecolor="#555555",
            linewidth=1.2,
            zorder=0,
        )
    )
    for edge in diagram.edges:
        _draw_edge(ax, edge, fontsize)
    on_path = set(diagram.highlighted_path())
    for node in diagram.nodes:
        _draw_node(ax, node, fontsize, node.name in on_path)
    ax.set_xlim(-1.4, 10.2)
    ax.set_ylim(-1.3, 6.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _draw_edge(ax: Axes, edge: Edge, fontsize: float) -> None:
    colour, width = (HIGHLIGHT, 4.0) if edge.highlighted else ("black", 1.4)
    xs, ys = zip(*edge.route)
    ax.plot(
        xs[:-1],
        ys[:-1],
        color=colour,
        linewidth=width,
        solid_capstyle="butt",
        zorder=1,
        gid=f"edge:{edge.source}->{edge.target}",
    )
    ax.add_patch(
        FancyArrowPatch(
            edge.route[-2],
            edge.route[-1],
            arrowstyle="-|>",
            mutation_scale=14,
            color=colour,
            linewidth=width,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
        )
    )
    if edge.label:
        centred_label(
            ax,
            edge.label_xy,
            edge.label,
            fontsize=fontsize,
            zorder=3,
            gid=f"label:{edge.source}->{edge.target}",
        )


def _draw_node(ax: Axes, node: Node, fontsize: float, on_path: bool) -> None:
    gid = f"node:{node.name}"
    if node.kind in ("input", "output"):
        centred_label(ax, node.xy, node.label, fontsize=fontsize + 1, gid=gid)
        return
    if node.kind in _LAYER_COLOURS:
        ax.add_patch(
            centred_box(
                node.xy,
                LAYER_SIZE,
                "round,pad=0.03",
                facecolor=_LAYER_COLOURS[node.kind],
                edgecolor="black",
                linewidth=1.2,
                zorder=2,
            )
        )
        centred_label(ax, node.xy, node.label, fontsize=fontsize, zorder=3, gid=gid)
        return
    symbol = _OP_SYMBOLS["tanh" if node.kind == "tanh_op" else node.kind]
    edge = {
        "edgecolor": HIGHLIGHT if on_path else "black",
        "linewidth": 2.0 if on_path else 1.2,
        "facecolor": "white",
        "zorder": 2,
    }
    if node.kind in ("tanh_op", "one_minus"):  # words: a rounded box, not a circle
        ax.add_patch(centred_box(node.xy, _WIDE_OP, "round,pad=0.05", **edge))
        centred_label(
            ax,
            node.xy,
            symbol,
            zorder=3,
            gid=gid,
            fontsize=max(MIN_FONTSIZE, fontsize - 1),
        )
        return
    ax.add_patch(Circle(node.xy, OP_RADIUS, **edge))
    centred_label(ax, node.xy, symbol, zorder=3, gid=gid, fontsize=fontsize + 2)
