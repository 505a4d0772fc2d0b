"""The three families of recurrent networks of Goodfellow et al., section 10.2.

1. an output at every step, hidden-to-hidden recurrence;
2. an output at every step, output-to-hidden recurrence (the only path from one
   step to the next runs through the output, or, under teacher forcing, the target);
3. hidden-to-hidden recurrence read once, after the whole sequence.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from course_code.plots.diagram import (
    BOX_HEIGHT,
    BOX_WIDTH,
    COLOURS,
    draw_arrow,
    draw_box,
)
from course_code.shapes import check_positive_int

__all__ = ["FAMILIES", "draw_rnn_families"]

FAMILIES = (
    "1. hidden-to-hidden, output every step",
    "2. output-to-hidden, output every step",
    "3. hidden-to-hidden, one output at the end",
)
_SPACING, _Y_X, _Y_H, _Y_O = 1.6, 0.0, 1.2, 2.4


def _feedback(ax, start, end) -> None:
    """A curved arrow from an output back into the next step's hidden state."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            linewidth=1.2,
            color="#b03a2e",
            connectionstyle="arc3,rad=-0.25",
        )
    )


def _draw_family(ax, family: int, num_steps: int, fontsize: float) -> None:
    columns = [_SPACING * i for i in range(num_steps)]
    for i, x in enumerate(columns):
        t = i + 1
        draw_box(ax, (x, _Y_X), f"$x_{{{t}}}$", COLOURS["input"], fontsize)
        draw_box(ax, (x, _Y_H), f"$h_{{{t}}}$", COLOURS["hidden"], fontsize)
        draw_arrow(ax, (x, _Y_X + BOX_HEIGHT / 2), (x, _Y_H - BOX_HEIGHT / 2))
        has_output = family in (1, 2) or i == num_steps - 1
        if has_output:
            label = f"$\\hat y_{{{t}}}$" if family == 2 else f"$\\ell_{{{t}}}$"
            draw_box(ax, (x, _Y_O), label, COLOURS["output"], fontsize)
            draw_arrow(ax, (x, _Y_H + BOX_HEIGHT / 2), (x, _Y_O - BOX_HEIGHT / 2))
        if i > 0 and family in (1, 3):
            draw_arrow(
                ax, (columns[i - 1] + BOX_WIDTH / 2, _Y_H), (x - BOX_WIDTH / 2, _Y_H)
            )
        if i > 0 and family == 2:
            _feedback(
                ax,
                (columns[i - 1] + BOX_WIDTH / 2, _Y_O),
                (x - BOX_WIDTH / 2, _Y_H + 0.08),
            )
    if family == 2:
        ax.text(
            columns[-1] / 2,
            _Y_O + 0.55,
            "red: $\\hat y_{t-1}$, or $y_{t-1}$ (teacher forcing)",
            ha="center",
            va="center",
            fontsize=fontsize - 1,
            color="#b03a2e",
        )
    ax.set_title(FAMILIES[family - 1], fontsize=fontsize)
    ax.set_xlim(-0.6, columns[-1] + 0.6)
    ax.set_ylim(-0.4, _Y_O + 0.85)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_rnn_families(num_steps: int = 3, fontsize: float = 14) -> Figure:
    """Draw the three families, one panel each, stacked vertically (legible on a phone).

    Args:
        num_steps: time steps drawn in every panel, 2 to 5.
        fontsize: size of the labels, in points.

    Returns:
        The figure, with three axes in the order of :data:`FAMILIES`.
    """
    num_steps = check_positive_int("num_steps", num_steps, minimum=2, maximum=5)
    width = 1.3 + 1.25 * num_steps
    fig, axes = plt.subplots(3, 1, figsize=(width, 8.4))
    for family, ax in enumerate(axes, start=1):
        _draw_family(ax, family, num_steps, fontsize)
    fig.tight_layout()
    return fig
