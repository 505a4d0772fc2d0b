"""Boxes and labels centred on a point: what every node of a diagram is drawn with.

Used by :mod:`course_code.plots.diagram_graph` (architecture diagrams) and
:mod:`course_code.plots.cell_drawing` (gated cells).
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

__all__ = ["centred_box", "centred_label"]


def centred_box(
    xy: tuple[float, float], size: tuple[float, float], boxstyle: str, **style
) -> FancyBboxPatch:
    """A ``FancyBboxPatch`` of ``size`` (width, height) centred on ``xy``.

    Args:
        xy: the centre, in data coordinates.
        size: ``(width, height)`` in data coordinates, before the ``pad`` of
            ``boxstyle`` (such as ``"round,pad=0.02"``) is added around it.
        boxstyle: matplotlib's box style.
        **style: any other keyword of ``FancyBboxPatch`` (``facecolor``, ``gid``, ...).

    Returns:
        The patch, to be added with ``ax.add_patch``.
    """
    (x, y), (width, height) = xy, size
    return FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height, boxstyle=boxstyle, **style
    )


def centred_label(ax: Axes, xy: tuple[float, float], text: str, **style) -> Text:
    """Write ``text`` centred on ``xy`` (both ways); ``style`` is any ``ax.text`` keyword."""
    return ax.text(*xy, text, ha="center", va="center", **style)
