"""The cell diagrams compute their cells' equations, and draw what they describe."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_code.plots.cell_drawing import (
    FIGURE_WIDTH,
    HIGHLIGHT,
    MIN_FONTSIZE,
    draw_cell,
)
from course_code.plots.gru_cell import gru_cell_diagram
from course_code.plots.lstm_cell import lstm_cell_diagram
from course_code.scratch.gru import gru_step_forward_cho, init_gru_params
from course_code.scratch.lstm import init_lstm_params, lstm_step_forward

N, D, H = 3, 4, 5


def _block(matrix, k):
    return matrix[k * H : (k + 1) * H]


def test_lstm_diagram_computes_the_lstm_step():
    rng = np.random.default_rng(0)
    p = init_lstm_params(D, H, rng)
    x, h_prev, c_prev = (rng.standard_normal((N, s)) for s in (D, H, H))
    layers = {
        name: (
            lambda h, x_, k=k: (
                x_ @ _block(p.W_x, k).T + h @ _block(p.W_h, k).T + _block(p.b, k)
            )
        )
        for k, name in enumerate("ifgo")
    }
    values = lstm_cell_diagram().evaluate(
        {"x": x, "h_prev": h_prev, "c_prev": c_prev}, layers
    )
    h, c, _ = lstm_step_forward(x, h_prev, c_prev, p.W_x, p.W_h, p.b)
    np.testing.assert_allclose(values["h"], h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(values["c"], c, rtol=1e-12, atol=1e-12)


def test_lstm_diagram_with_f_and_g_swapped_computes_something_else():
    rng = np.random.default_rng(1)
    p = init_lstm_params(D, H, rng)
    x, h_prev, c_prev = (rng.standard_normal((N, s)) for s in (D, H, H))
    order = {"i": 0, "f": 2, "g": 1, "o": 3}  # the layers read the wrong blocks
    layers = {
        name: (
            lambda h, x_, k=k: (
                x_ @ _block(p.W_x, k).T + h @ _block(p.W_h, k).T + _block(p.b, k)
            )
        )
        for name, k in order.items()
    }
    values = lstm_cell_diagram().evaluate(
        {"x": x, "h_prev": h_prev, "c_prev": c_prev}, layers
    )
    _, c, _ = lstm_step_forward(x, h_prev, c_prev, p.W_x, p.W_h, p.b)
    assert np.abs(values["c"] - c).max() > 1e-2


def test_gru_diagram_computes_cho_et_al_step():
    rng = np.random.default_rng(2)
    p = init_gru_params(D, H, rng)
    x, h_prev = rng.standard_normal((N, D)), rng.standard_normal((N, H))

    def gate(k):
        return lambda h, x_: (
            x_ @ _block(p.W_x, k).T
            + _block(p.b_x, k)
            + h @ _block(p.W_h, k).T
            + _block(p.b_h, k)
        )

    layers = {
        "r": gate(0),
        "z": gate(1),
        # the candidate reads x_t and r_t * h_{t-1}, in the order of its edges
        "n": lambda x_, rh: (
            x_ @ _block(p.W_x, 2).T
            + _block(p.b_x, 2)
            + rh @ _block(p.W_h, 2).T
            + _block(p.b_h, 2)
        ),
    }
    diagram = gru_cell_diagram()
    assert diagram.inputs_of("n") == ["x", "reset"]
    values = diagram.evaluate({"x": x, "h_prev": h_prev}, layers)
    expected = gru_step_forward_cho(x, h_prev, p.W_x, p.W_h, p.b_x, p.b_h)
    np.testing.assert_allclose(values["h"], expected, rtol=1e-12, atol=1e-12)


def test_lstm_structure_four_layers_on_the_bus_and_a_weightless_cell_path():
    diagram = lstm_cell_diagram()
    kinds = {n.name: n.kind for n in diagram.nodes}
    assert {name: kinds[name] for name in "ifgo"} == {
        "i": "sigmoid",
        "f": "sigmoid",
        "g": "tanh",
        "o": "sigmoid",
    }
    for layer in "ifgo":  # every layer reads [h_{t-1}, x_t]
        assert diagram.inputs_of(layer) == ["h_prev", "x"]
    path = diagram.highlighted_path()
    assert path == ["c_prev", "forget", "add", "c"]
    assert [kinds[name] for name in path[1:-1]] == ["mul", "add"]  # no layer on it
    assert sorted(diagram.inputs_of("forget")) == ["c_prev", "f"]
    assert sorted(diagram.inputs_of("write")) == ["g", "i"]
    assert sorted(diagram.inputs_of("show")) == ["o", "squash"]


def test_gru_structure_three_layers_and_one_state():
    diagram = gru_cell_diagram()
    kinds = {n.name: n.kind for n in diagram.nodes}
    layers = sorted(name for name, kind in kinds.items() if kind in ("sigmoid", "tanh"))
    assert layers == ["n", "r", "z"]
    assert [n.name for n in diagram.nodes if n.kind == "input"] == ["h_prev", "x"]
    assert [n.name for n in diagram.nodes if n.kind == "output"] == ["h"]
    assert diagram.highlighted_path() == ["h_prev", "keep", "add", "h"]
    assert sorted(diagram.inputs_of("keep")) == ["h_prev", "z"]
    assert sorted(diagram.inputs_of("reset")) == ["h_prev", "r"]


@pytest.mark.parametrize("make", [lstm_cell_diagram, gru_cell_diagram])
def test_drawing_labels_every_node_and_colours_only_the_state_path(make):
    diagram = make()
    ax = draw_cell(diagram)
    texts = {t.get_gid(): t for t in ax.texts}
    for node in diagram.nodes:
        assert f"node:{node.name}" in texts
        if node.label:
            assert texts[f"node:{node.name}"].get_text() == node.label
    for edge in diagram.edges:
        if edge.label:
            label = texts[f"label:{edge.source}->{edge.target}"]
            assert label.get_text() == edge.label
    coloured = [line.get_gid() for line in ax.lines if line.get_color() == HIGHLIGHT]
    expected = [f"edge:{e.source}->{e.target}" for e in diagram.edges if e.highlighted]
    assert coloured == expected
    assert min(t.get_fontsize() for t in ax.texts) >= MIN_FONTSIZE
    assert ax.figure.get_figwidth() == FIGURE_WIDTH
    plt.close("all")


def test_small_fonts_are_refused_and_missing_inputs_are_named():
    with pytest.raises(ValueError, match="fontsize must be at least 14"):
        draw_cell(lstm_cell_diagram(), fontsize=9)
    with pytest.raises(ValueError, match="no value given for the input 'c_prev'"):
        lstm_cell_diagram().evaluate({"x": np.zeros(1), "h_prev": np.zeros(1)}, {})
    with pytest.raises(KeyError, match="no node 'q'"):
        gru_cell_diagram().node("q")
