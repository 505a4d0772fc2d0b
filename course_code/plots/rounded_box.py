"""A rounded box centred on a point: the patch boxes, layers and gates are made of."""

from __future__ import annotations

from matplotlib.patches import FancyBboxPatch

__all__ = ["centred_box"]


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
