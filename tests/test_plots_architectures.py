"""The architecture diagrams show the structure of the models they stand for."""

import math

import matplotlib.pyplot as plt
import pytest

from course_code.nn.deep_rnn import DeepRNN
from course_code.nn.pyramid import layer_steps
from course_code.plots.architectures import (
    DEPTH_KINDS,
    bidirectional_diagram,
    depth_diagram,
    draw_bidirectional_layer,
    draw_depth_kinds,
    draw_pyramid,
    pyramid_diagram,
)
from course_code.plots.diagram_graph import Diagram, draw_diagram


def _nonlinearities(diagram, start, end):
    """Edges on the shortest path that end in a non-output node (affine + tanh each)."""
    path = diagram.shortest_path(start, end)
    return sum(diagram.nodes[name].kind != "output" for name in path[1:])


@pytest.mark.parametrize("kind", ["input", "transition", "output"])
def test_depth_diagram_paths_cross_as_many_nonlinearities_as_deep_rnn(kind):
    diagram = depth_diagram(kind, depth=2)
    counts = DeepRNN(1, 4, 1, **{f"{kind}_depth": 2}).path_nonlinearities()
    assert _nonlinearities(diagram, "x", "h") == counts["x_t -> h_t"]
    assert _nonlinearities(diagram, "h_prev", "h") == counts["h_(t-1) -> h_t"]
    assert _nonlinearities(diagram, "h", "l") == counts["h_t -> l_t"]


def test_stacked_diagram_has_one_recurrence_per_layer():
    diagram = depth_diagram("stacked", depth=3)
    assert [diagram.shortest_path(f"h{k}_prev", f"h{k}") for k in (1, 2, 3)] == [
        [f"h{k}_prev", f"h{k}"] for k in (1, 2, 3)
    ]
    assert diagram.shortest_path("x", "l") == ["x", "h1", "h2", "h3", "l"]
    assert "h1_prev" not in diagram.ancestors(
        "h2_prev"
    )  # the layers' pasts are separate


def test_bidirectional_diagram_reads_the_whole_sequence_at_every_output():
    T = 5
    diagram = bidirectional_diagram(T)
    assert len(diagram.nodes) == 4 * T and len(diagram.edges) == 4 * T + 2 * (T - 1)
    inputs = {f"x{t}" for t in range(1, T + 1)}
    for t in range(1, T + 1):
        assert inputs <= diagram.ancestors(f"y{t}")
        assert diagram.ancestors(f"f{t}") & inputs == {f"x{s}" for s in range(1, t + 1)}
        assert diagram.ancestors(f"b{t}") & inputs == {f"x{s}" for s in range(t, T + 1)}
    labels = {node.label for node in diagram.nodes.values()}
    assert (
        r"$\overrightarrow{h}_{1}$" in labels and r"$\overleftarrow{h}_{5}$" in labels
    )


@pytest.mark.parametrize("T, L", [(8, 3), (7, 3), (5, 2), (8, 1)])
def test_pyramid_diagram_runs_the_steps_that_layer_steps_counts(T, L):
    diagram = pyramid_diagram(T, L)
    per_layer = [
        sum(name.startswith(f"l{layer}_") for name in diagram.nodes)
        for layer in range(1, L + 1)
    ]
    assert per_layer == layer_steps(T, L, pyramid=True)
    top = [f"l{L}_{k}" for k in range(1, per_layer[-1] + 1)]
    block = 2 ** (L - 1)  # each top step summarises this many inputs, read from below
    for k, name in enumerate(top):
        below = {n for n in diagram.ancestors(name) if n.startswith("x")}
        within_layers = {n for n in diagram.ancestors(name) if n.startswith("l")}
        assert {
            f"x{i}" for i in range(k * block + 1, min((k + 1) * block, T) + 1)
        } <= below
        assert len(within_layers) > 0 or L == 1
    assert sum(e.both_ways for e in diagram.edges) == sum(n - 1 for n in per_layer)


def test_draw_diagram_draws_every_node_and_edge_with_its_label():
    diagram = bidirectional_diagram(3)
    ax = draw_diagram(diagram)
    gids = {patch.get_gid() for patch in ax.patches}
    assert set(diagram.nodes) <= gids
    assert {f"{e.start}->{e.end}" for e in diagram.edges} <= gids
    assert len(ax.patches) == len(diagram.nodes) + len(diagram.edges)
    texts = [t.get_text() for t in ax.texts]
    assert {"forward", "backward", "$x_{3}$", "$y_{1}$"} <= set(texts)
    plt.close("all")


def test_figures_fit_a_phone_column():
    fig = draw_depth_kinds()
    assert [ax.get_title() for ax in fig.axes] == [
        "deep input-to-hidden",
        "deep hidden-to-hidden",
        "deep hidden-to-output",
        "stacked layers",
    ]
    for figure in (fig, draw_bidirectional_layer().figure, draw_pyramid().figure):
        assert (
            figure.get_size_inches()[0] <= 3.9
        )  # 390 px at 100 dpi: shown at full size
        assert all(t.get_fontsize() >= 10 for ax in figure.axes for t in ax.texts)
    plt.close("all")


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        depth_diagram("sideways")
    assert set(DEPTH_KINDS) == {"input", "transition", "output", "stacked"}
    diagram = Diagram()
    diagram.add_node("a", (0, 0), "a")
    with pytest.raises(ValueError, match="already has a node 'a'"):
        diagram.add_node("a", (1, 0), "a")
    with pytest.raises(ValueError, match="no node 'b'"):
        diagram.add_edge("a", "b")
    with pytest.raises(ValueError, match="kind must be one of"):
        diagram.add_node("c", (1, 0), "c", kind="purple")
    with pytest.raises(ValueError, match="no path from 'a' to 'a2'"):
        diagram.add_node("a2", (2, 0), "")
        diagram.shortest_path("a", "a2")
    with pytest.raises(ValueError, match="has no nodes"):
        draw_diagram(Diagram())
    with pytest.raises(ValueError, match="num_steps must be at most 8"):
        pyramid_diagram(9)
    assert math.isclose(depth_diagram("input").nodes["x"].size[0], 0.82)
