import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_code.plots import draw_unrolled_rnn, plot_activations, plot_hidden_states


def test_unrolled_graph_draws_one_column_per_step():
    ax = draw_unrolled_rnn(num_steps=3)
    texts = {t.get_text() for t in ax.texts}
    assert {"$x_{1}$", "$x_{3}$", "$h_0$", "$h_{3}$", "$\\ell_{3}$"} <= texts
    assert "$x_{4}$" not in texts
    plt.close("all")


def test_unrolled_graph_without_outputs_and_bad_steps():
    ax = draw_unrolled_rnn(num_steps=2, show_outputs=False)
    assert not any(t.get_text().startswith("$\\ell_") for t in ax.texts)
    plt.close("all")
    with pytest.raises(ValueError, match=r"num_steps must be an integer in \[1, 8\], got 0"):
        draw_unrolled_rnn(num_steps=0)


def test_hidden_state_plot_has_one_line_per_unit():
    ax = plot_hidden_states(np.zeros((5, 3)))
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4, 5])
    plt.close("all")
    with pytest.raises(ValueError, match=r"h must have shape \(T, H\)"):
        plot_hidden_states(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"one entry per unit \(H=3\), got 2"):
        plot_hidden_states(np.zeros((5, 3)), labels=["a", "b"])


def test_hidden_state_plot_labels():
    ax = plot_hidden_states(np.zeros((4, 2)), labels=["slow", "fast"])
    assert [line.get_label() for line in ax.lines] == ["slow", "fast"]
    plt.close("all")


def test_activation_plot():
    ax = plot_activations({"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)})
    assert [line.get_label() for line in ax.lines][:2] == ["tanh", "relu"]
    plt.close("all")
