"""The LSTM cell and the GRU cell as diagrams: a graph first, then its drawing.

Each cell is a :class:`CellDiagram`: named nodes (the inputs and outputs of
one step, the layers with weights, the element-wise operations) joined by
directed edges, each with the route it is drawn along. The same graph can be
*evaluated* (:meth:`CellDiagram.evaluate`), so the tests check that the picture
computes the cell's equations, not only that it draws. :func:`draw_cell` draws
it: layers as boxes, element-wise operations as circles, the path a state takes
from step to step thick and coloured (the LSTM's cell state, the GRU's hidden
state). Sized for a phone: a figure 5 inches wide with labels of 14 points or
more, so they stay legible when the page shrinks it to 390 pixels.

Layers read the concatenation ``[h_{t-1}, x_t]`` along one line at the bottom
(the "bus"), as in Olah's well-known pictures; ``W_f [h_{t-1}, x_t] + b_f`` there
is ``W_if x_t + W_hf h_{t-1} + b_f`` in the course's notation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

__all__ = [
    "FIGURE_WIDTH",
    "HIGHLIGHT",
    "MIN_FONTSIZE",
    "CellDiagram",
    "Edge",
    "Node",
    "draw_cell",
    "gru_cell_diagram",
    "lstm_cell_diagram",
]

FIGURE_WIDTH = 5.0
"""Inches. At 390 px a 5-inch figure keeps a 14-point label above 10 points."""
MIN_FONTSIZE = 14
HIGHLIGHT = "#d95f02"
"""The colour of the state path carried from step to step."""

_LAYER_COLOURS = {"sigmoid": "#fff2b3", "tanh": "#cfe8cf"}
_OP_SYMBOLS = {"mul": "×", "add": "+", "tanh": "tanh", "one_minus": "1−"}
_OP_RADIUS = 0.32
_LAYER_SIZE = (1.2, 0.7)
_WIDE_OP = (1.0, 0.55)  # the element-wise tanh and 1 - z, which are words


@dataclass(frozen=True)
class Node:
    """One node of a cell diagram.

    Attributes:
        name: its key, such as ``"f"`` or ``"c_prev"``.
        kind: ``"input"`` and ``"output"`` (the step's states and input),
            ``"sigmoid"`` and ``"tanh"`` (layers with weights, reading
            their inputs through a matrix), or an element-wise operation:
            ``"mul"``, ``"add"``, ``"tanh"`` (``tanh_op`` nodes), ``"one_minus"``.
        label: what the diagram writes in or beside it (TeX).
        xy: its centre.
    """

    name: str
    kind: str
    label: str
    xy: tuple[float, float]


@dataclass(frozen=True)
class Edge:
    """A value flowing from ``source`` to ``target`` along ``route`` (the bends).

    ``label`` (TeX) is written at ``label_xy``; ``highlighted`` marks the state path.
    """

    source: str
    target: str
    route: tuple[tuple[float, float], ...]
    label: str = ""
    label_xy: tuple[float, float] = (0.0, 0.0)
    highlighted: bool = False


@dataclass(frozen=True)
class CellDiagram:
    """A recurrent cell as a graph of nodes and edges, with a drawing layout."""

    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    box: tuple[float, float, float, float]
    """The cell's outline: ``(x0, y0, x1, y1)``."""

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node {name!r} in the {self.title} diagram")

    def inputs_of(self, name: str) -> list[str]:
        """The sources of the edges into ``name``, in the order the edges are listed."""
        return [edge.source for edge in self.edges if edge.target == name]

    def highlighted_path(self) -> list[str]:
        """The nodes along the highlighted edges, from the input state to the output."""
        following = {e.source: e.target for e in self.edges if e.highlighted}
        targets = set(following.values())
        (start,) = [name for name in following if name not in targets]
        path = [start]
        while path[-1] in following:
            path.append(following[path[-1]])
        return path

    def evaluate(
        self,
        inputs: Mapping[str, np.ndarray],
        layers: Mapping[str, Callable[..., np.ndarray]],
    ) -> dict[str, np.ndarray]:
        """Compute every node's value by following the edges.

        Args:
            inputs: a value for every ``"input"`` node.
            layers: for every layer node, its pre-activation as a function of its
                inputs in the order of :meth:`inputs_of` (the weights live
                there); the node applies its sigmoid or tanh.

        Returns:
            Every node's value, by name.
        """
        values = {name: np.asarray(value) for name, value in inputs.items()}
        pending = [node for node in self.nodes if node.name not in values]
        while pending:
            progress = False
            for node in list(pending):
                sources = self.inputs_of(node.name)
                if not all(source in values for source in sources):
                    continue
                args = [values[source] for source in sources]
                values[node.name] = _apply(node, args, layers)
                pending.remove(node)
                progress = True
            if not progress:
                names = [node.name for node in pending]
                raise ValueError(f"cannot evaluate {names}: missing inputs or a cycle")
        return values


def _apply(node: Node, args: list[np.ndarray], layers) -> np.ndarray:
    if node.kind == "input":
        raise ValueError(f"no value given for the input {node.name!r}")
    if node.kind == "output":
        (value,) = args
        return value
    if node.kind in ("sigmoid", "tanh"):
        pre_activation = layers[node.name](*args)
        if node.kind == "tanh":
            return np.tanh(pre_activation)
        return 1.0 / (1.0 + np.exp(-pre_activation))
    if node.kind == "mul":
        return args[0] * args[1]
    if node.kind == "add":
        return args[0] + args[1]
    if node.kind == "tanh_op":
        return np.tanh(args[0])
    if node.kind == "one_minus":
        return 1.0 - args[0]
    raise ValueError(f"unknown node kind {node.kind!r}")


# Layout: the state line runs at y = 5.2, the layers at y = 2.3, the bus at y = 1.
_TOP, _LAYER_Y, _BUS = 5.2, 2.3, 1.0
_LAYER_TOP = _LAYER_Y + _LAYER_SIZE[1] / 2
_R = _OP_RADIUS


def _up(x: float, top: float) -> tuple[tuple[float, float], ...]:
    """From the top of a layer at ``x`` straight up to ``top``."""
    return ((x, _LAYER_TOP), (x, top))


def _from_bus(start_x: float, x: float) -> tuple[tuple[float, float], ...]:
    """From the bus at ``start_x`` along it to ``x``, then up into the layer there."""
    return ((start_x, _BUS), (x, _BUS), (x, _LAYER_Y - _LAYER_SIZE[1] / 2))


def lstm_cell_diagram() -> CellDiagram:
    """The LSTM cell: four layers, three gates on the cell path, ``h_t`` read from it.

    The highlighted path is ``c_{t-1} -> × f_t -> + i_t ⊙ g_t -> c_t``: one
    element-wise product and one sum per step, no weight matrix.
    """
    f_x, i_x, g_x, o_x = 1.4, 3.0, 4.5, 6.3
    add_x, out_x = (i_x + g_x) / 2, 7.8
    ig_y, tanh_y = 3.8, 4.1
    h_in = (-0.2, _BUS)
    x_in = (0.8, -0.5)
    nodes = (
        Node("c_prev", "input", "$c_{t-1}$", (-0.75, _TOP)),
        Node("h_prev", "input", "$h_{t-1}$", (-0.75, _BUS)),
        Node("x", "input", "$x_t$", (x_in[0], -0.85)),
        Node("f", "sigmoid", "$\\sigma$", (f_x, _LAYER_Y)),
        Node("i", "sigmoid", "$\\sigma$", (i_x, _LAYER_Y)),
        Node("g", "tanh", "tanh", (g_x, _LAYER_Y)),
        Node("o", "sigmoid", "$\\sigma$", (o_x, _LAYER_Y)),
        Node("forget", "mul", "", (f_x, _TOP)),
        Node("write", "mul", "", (add_x, ig_y)),
        Node("add", "add", "", (add_x, _TOP)),
        Node("squash", "tanh_op", "", (out_x, tanh_y)),
        Node("show", "mul", "", (out_x, _LAYER_Y)),
        Node("c", "output", "$c_t$", (9.55, _TOP)),
        Node("h", "output", "$h_t$", (9.55, _BUS)),
    )
    edges = [
        Edge("c_prev", "forget", ((-0.25, _TOP), (f_x - _R, _TOP)), highlighted=True),
        Edge("forget", "add", ((f_x + _R, _TOP), (add_x - _R, _TOP)), highlighted=True),
        Edge("add", "c", ((add_x + _R, _TOP), (9.1, _TOP)), highlighted=True),
    ]
    for name, x in (("f", f_x), ("i", i_x), ("g", g_x), ("o", o_x)):
        edges.append(Edge("h_prev", name, _from_bus(h_in[0], x)))
        edges.append(Edge("x", name, (x_in, *_from_bus(x_in[0], x))))
    edges += [
        Edge("f", "forget", _up(f_x, _TOP - _R), "$f_t$", (f_x + 0.4, 3.3)),
        Edge(
            "i",
            "write",
            ((i_x, _LAYER_TOP), (i_x, ig_y), (add_x - _R, ig_y)),
            "$i_t$",
            (i_x - 0.4, 3.3),
        ),
        Edge(
            "g",
            "write",
            ((g_x, _LAYER_TOP), (g_x, ig_y), (add_x + _R, ig_y)),
            "$g_t$",
            (g_x + 0.45, 3.3),
        ),
        Edge("write", "add", ((add_x, ig_y + _R), (add_x, _TOP - _R))),
        Edge("add", "squash", ((out_x, _TOP), (out_x, tanh_y + _R))),
        Edge(
            "o",
            "show",
            ((o_x + _LAYER_SIZE[0] / 2, _LAYER_Y), (out_x - _R, _LAYER_Y)),
            "$o_t$",
            (o_x, 3.2),
        ),
        Edge("squash", "show", ((out_x, tanh_y - _R), (out_x, _LAYER_Y + _R))),
        Edge("show", "h", ((out_x, _LAYER_Y - _R), (out_x, _BUS), (9.1, _BUS))),
    ]
    return CellDiagram("LSTM", nodes, tuple(edges), box=(0.25, 0.35, 8.75, 5.85))


def gru_cell_diagram() -> CellDiagram:
    """The GRU cell as Cho et al. wrote it: ``h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h~_t``.

    One state, carried along the highlighted line; the reset gate scales
    ``h_{t-1}`` before the candidate's matrix (PyTorch scales the product
    instead, which changes this drawing only inside the candidate's box).
    """
    r_x, z_x, n_x = 1.4, 3.0, 6.6
    keep_x, mix_x, add_x = z_x, 4.5, 5.7
    drop_x, reset_y, mix_y = 0.0, 3.4, 4.25
    x_in = (4.9, -0.5)
    nodes = (
        Node("h_prev", "input", "$h_{t-1}$", (-0.75, _TOP)),
        Node("x", "input", "$x_t$", (x_in[0], -0.85)),
        Node("r", "sigmoid", "$\\sigma$", (r_x, _LAYER_Y)),
        Node("z", "sigmoid", "$\\sigma$", (z_x, _LAYER_Y)),
        Node("n", "tanh", "tanh", (n_x, _LAYER_Y)),
        Node("reset", "mul", "", (r_x, reset_y)),
        Node("keep", "mul", "", (keep_x, _TOP)),
        Node("one_minus", "one_minus", "", (mix_x, mix_y)),
        Node("mix", "mul", "", (add_x, mix_y)),
        Node("add", "add", "", (add_x, _TOP)),
        Node("h", "output", "$h_t$", (9.55, _TOP)),
    )
    edges = [
        Edge("h_prev", "keep", ((-0.25, _TOP), (keep_x - _R, _TOP)), highlighted=True),
        Edge(
            "keep", "add", ((keep_x + _R, _TOP), (add_x - _R, _TOP)), highlighted=True
        ),
        Edge("add", "h", ((add_x + _R, _TOP), (9.1, _TOP)), highlighted=True),
    ]
    for name, x in (("r", r_x), ("z", z_x)):
        edges.append(
            Edge(
                "h_prev",
                name,
                ((drop_x, _TOP), (drop_x, _BUS), *_from_bus(drop_x, x)[1:]),
            )
        )
        edges.append(Edge("x", name, (x_in, *_from_bus(x_in[0], x))))
    edges += [
        Edge("x", "n", (x_in, *_from_bus(x_in[0], n_x))),
        Edge(
            "h_prev", "reset", ((drop_x, _TOP), (drop_x, reset_y), (r_x - _R, reset_y))
        ),
        Edge("r", "reset", _up(r_x, reset_y - _R), "$r_t$", (r_x - 0.45, 2.95)),
        Edge(
            "reset",
            "n",
            ((r_x + _R, reset_y), (n_x, reset_y), (n_x, _LAYER_TOP)),
        ),
        Edge("z", "keep", _up(z_x, _TOP - _R), "$z_t$", (z_x - 0.4, 3.75)),
        Edge("z", "one_minus", ((z_x, mix_y), (mix_x - _R, mix_y))),
        Edge("one_minus", "mix", ((mix_x + _R, mix_y), (add_x - _R, mix_y))),
        Edge(
            "n",
            "mix",
            (
                (n_x + _LAYER_SIZE[0] / 2, _LAYER_Y),
                (7.6, _LAYER_Y),
                (7.6, mix_y),
                (add_x + _R, mix_y),
            ),
            "$\\tilde h_t$",
            (8.15, 3.3),
        ),
        Edge("mix", "add", ((add_x, mix_y + _R), (add_x, _TOP - _R))),
    ]
    return CellDiagram("GRU", nodes, tuple(edges), box=(0.25, 0.35, 8.75, 5.85))


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
        ax.text(
            *edge.label_xy,
            edge.label,
            ha="center",
            va="center",
            fontsize=fontsize,
            zorder=3,
            gid=f"label:{edge.source}->{edge.target}",
        )


def _draw_node(ax: Axes, node: Node, fontsize: float, on_path: bool) -> None:
    x, y = node.xy
    gid = f"node:{node.name}"
    if node.kind in ("input", "output"):
        ax.text(
            x, y, node.label, ha="center", va="center", fontsize=fontsize + 1, gid=gid
        )
        return
    if node.kind in _LAYER_COLOURS:
        width, height = _LAYER_SIZE
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0.03",
                facecolor=_LAYER_COLOURS[node.kind],
                edgecolor="black",
                linewidth=1.2,
                zorder=2,
            )
        )
        ax.text(
            x,
            y,
            node.label,
            ha="center",
            va="center",
            fontsize=fontsize,
            zorder=3,
            gid=gid,
        )
        return
    symbol = _OP_SYMBOLS["tanh" if node.kind == "tanh_op" else node.kind]
    edge = {
        "edgecolor": HIGHLIGHT if on_path else "black",
        "linewidth": 2.0 if on_path else 1.2,
        "facecolor": "white",
        "zorder": 2,
    }
    if node.kind in ("tanh_op", "one_minus"):  # words: a rounded box, not a circle
        width, height = _WIDE_OP
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0.05",
                **edge,
            )
        )
        ax.text(
            x,
            y,
            symbol,
            ha="center",
            va="center",
            zorder=3,
            gid=gid,
            fontsize=max(MIN_FONTSIZE, fontsize - 1),
        )
        return
    ax.add_patch(Circle((x, y), _R, **edge))
    ax.text(
        x, y, symbol, ha="center", va="center", zorder=3, gid=gid, fontsize=fontsize + 2
    )
