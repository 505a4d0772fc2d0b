"""Architecture diagrams as data: a small directed graph of boxes, and its drawing.

A :class:`Diagram` is a small directed graph whose nodes have a position, a
label and a kind (which sets the colour), and whose edges may carry a label.
Building the graph apart from drawing it lets the tests check the structure a
figure shows (how many steps a layer runs, which inputs an output can read,
how many nonlinearities a path crosses) against the models themselves, and
:func:`draw_diagram` turns any diagram into boxes and arrows in the style of
:mod:`course_code.plots.diagram`. The builders of particular architectures
live in :mod:`course_code.plots.architectures`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from course_code.plots.centred import centred_box, centred_label
from course_code.plots.diagram import BOX_HEIGHT, BOX_WIDTH, COLOURS

__all__ = ["KIND_COLOURS", "Diagram", "Edge", "Node", "draw_diagram"]

KIND_COLOURS = {
    **COLOURS,
    "layer": "#eeeeee",  # an extra layer inside a step: grey
    "backward": "#e1d5f0",  # the backward direction of a bidirectional layer: violet
}


@dataclass(frozen=True)
class Node:
    """A box: its centre ``xy``, its ``label`` (TeX allowed), its ``kind`` and size."""

    name: str
    xy: tuple[float, float]
    label: str
    kind: str = "hidden"
    size: tuple[float, float] = (BOX_WIDTH, BOX_HEIGHT)


@dataclass(frozen=True)
class Edge:
    """An arrow from node ``start`` to node ``end``; ``both_ways`` draws two heads."""

    start: str
    end: str
    label: str = ""
    both_ways: bool = False


@dataclass
class Diagram:
    """Nodes, edges between them, and free text (``notes``: position, text, align)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    notes: list[tuple[tuple[float, float], str, str]] = field(default_factory=list)

    def add_node(
        self,
        name: str,
        xy: tuple[float, float],
        label: str,
        kind: str = "hidden",
        size: tuple[float, float] = (BOX_WIDTH, BOX_HEIGHT),
    ) -> None:
        """Add a box; ``kind`` is a key of :data:`KIND_COLOURS`."""
        if name in self.nodes:
            raise ValueError(f"the diagram already has a node {name!r}")
        if kind not in KIND_COLOURS:
            raise ValueError(
                f"kind must be one of {sorted(KIND_COLOURS)}, got {kind!r}"
            )
        self.nodes[name] = Node(
            name,
            (float(xy[0]), float(xy[1])),
            label,
            kind,
            (float(size[0]), float(size[1])),
        )

    def add_edge(
        self, start: str, end: str, label: str = "", both_ways: bool = False
    ) -> None:
        """Add an arrow between two nodes already in the diagram."""
        for name in (start, end):
            if name not in self.nodes:
                raise ValueError(f"no node {name!r} in the diagram")
        self.edges.append(Edge(start, end, label, both_ways))

    def add_note(
        self, xy: tuple[float, float], text: str, align: str = "center"
    ) -> None:
        """Add free text at ``xy``; ``align`` is matplotlib's ``ha``."""
        self.notes.append(((float(xy[0]), float(xy[1])), text, align))

    def successors(self, name: str) -> list[str]:
        """The nodes one arrow away from ``name`` (two-headed arrows go both ways)."""
        out = [e.end for e in self.edges if e.start == name]
        return out + [e.start for e in self.edges if e.both_ways and e.end == name]

    def ancestors(self, name: str) -> set[str]:
        """Every node from which a path of arrows leads to ``name`` (not ``name``)."""
        found, frontier = set(), [name]
        while frontier:
            current = frontier.pop()
            for node in self.nodes:
                if node not in found and current in self.successors(node):
                    found.add(node)
                    frontier.append(node)
        found.discard(name)
        return found

    def shortest_path(self, start: str, end: str) -> list[str]:
        """A shortest path of arrows from ``start`` to ``end``, both ends included.

        Raises:
            ValueError: if no path leads from ``start`` to ``end``.
        """
        previous, frontier = {start: None}, [start]
        while frontier and end not in previous:
            following = []
            for node in frontier:
                for successor in self.successors(node):
                    if successor not in previous:
                        previous[successor] = node
                        following.append(successor)
            frontier = following
        if end not in previous:
            raise ValueError(f"no path from {start!r} to {end!r}")
        path = [end]
        while previous[path[-1]] is not None:
            path.append(previous[path[-1]])
        return path[::-1]


def _border_point(node: Node, towards: tuple[float, float], gap: float = 0.03):
    """Where the line from ``node``'s centre towards a point leaves its box."""
    (x, y), (width, height) = node.xy, node.size
    dx, dy = towards[0] - x, towards[1] - y
    scales = [
        (width / 2 + gap) / abs(dx) if dx else math.inf,
        (height / 2 + gap) / abs(dy) if dy else math.inf,
    ]
    scale = min(scales)
    return x + scale * dx, y + scale * dy


def draw_diagram(
    diagram: Diagram,
    ax: Axes | None = None,
    fontsize: float = 11,
    inches_per_unit: float = 0.5,
) -> Axes:
    """Draw every node as a box, every edge as an arrow, and the notes.

    Each box gets ``gid`` = its node's name and each arrow ``gid`` = ``"start->end"``,
    so a test can find what was drawn.

    Args:
        diagram: what to draw.
        ax: where to draw; ``None`` makes a figure of ``inches_per_unit`` inches per
            unit of the diagram's coordinates.
        fontsize: of the box labels (notes and edge labels are one point smaller, and
            at least 10 points).
        inches_per_unit: the scale of a new figure.

    Returns:
        The axes drawn on.
    """
    if not diagram.nodes:
        raise ValueError("the diagram has no nodes to draw")
    note_size = max(10.0, fontsize - 1)
    lefts = [n.xy[0] - n.size[0] / 2 for n in diagram.nodes.values()]
    rights = [n.xy[0] + n.size[0] / 2 for n in diagram.nodes.values()]
    bottoms = [n.xy[1] - n.size[1] / 2 for n in diagram.nodes.values()]
    tops = [n.xy[1] + n.size[1] / 2 for n in diagram.nodes.values()]
    for (x, y), text, align in diagram.notes:  # a rough width: 0.6 em per character
        width = len(text) * 0.6 * note_size / 72 / inches_per_unit
        lefts.append(x - {"right": width, "center": width / 2}.get(align, 0.0))
        rights.append(x + {"left": width, "center": width / 2}.get(align, 0.0))
        bottoms.append(y - 0.2)
        tops.append(y + 0.2)
    xlim = (min(lefts) - 0.1, max(rights) + 0.1)
    ylim = (min(bottoms) - 0.1, max(tops) + 0.1)
    if ax is None:
        size = (
            (xlim[1] - xlim[0]) * inches_per_unit,
            (ylim[1] - ylim[0]) * inches_per_unit,
        )
        fig, ax = plt.subplots(figsize=size)
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    for node in diagram.nodes.values():
        ax.add_patch(
            centred_box(
                node.xy,
                node.size,
                "round,pad=0.02",
                facecolor=KIND_COLOURS[node.kind],
                edgecolor="black",
                linewidth=1.1,
                gid=node.name,
            )
        )
        if node.label:
            centred_label(ax, node.xy, node.label, fontsize=fontsize)
    for edge in diagram.edges:
        start, end = diagram.nodes[edge.start], diagram.nodes[edge.end]
        tail, head = _border_point(start, end.xy), _border_point(end, start.xy)
        ax.add_patch(
            FancyArrowPatch(
                tail,
                head,
                arrowstyle="<|-|>" if edge.both_ways else "-|>",
                mutation_scale=8 if edge.both_ways else 11,
                linewidth=1.1,
                color="black",
                shrinkA=0,
                shrinkB=0,
                gid=f"{edge.start}->{edge.end}",
            )
        )
        if edge.label:
            middle = ((tail[0] + head[0]) / 2 + 0.12, (tail[1] + head[1]) / 2)
            ax.text(
                *middle,
                edge.label,
                ha="left",
                va="center",
                fontsize=note_size,
                color="#333333",
            )
    for (x, y), text, align in diagram.notes:
        ax.text(x, y, text, ha=align, va="center", fontsize=note_size, color="#333333")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
