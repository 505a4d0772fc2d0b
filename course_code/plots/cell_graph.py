"""A recurrent cell as a graph: named nodes joined by routed edges, to evaluate.

Each cell is a :class:`CellDiagram`: named nodes (the inputs and outputs of
one step, the layers with weights, the element-wise operations) joined by
directed edges, each with the route it is drawn along. The same graph can be
*evaluated* (:meth:`CellDiagram.evaluate`), so the tests check that the picture
computes the cell's equations, not only that it draws. The LSTM's graph is built
in :mod:`course_code.plots.lstm_cell`, the GRU's in :mod:`course_code.plots.gru_cell`,
and :mod:`course_code.plots.cell_drawing` draws either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["CellDiagram", "Edge", "Node"]


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
