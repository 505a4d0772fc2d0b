import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb

from course_code.plots.backward_flow import BACKWARD_COLOUR, draw_backward_flow
from course_code.plots.families import FAMILIES, draw_rnn_families


def test_families_draw_one_panel_each_with_their_outputs():
    fig = draw_rnn_families(num_steps=3)
    first, second, _ = fig.axes
    assert [ax.get_title() for ax in fig.axes] == list(FAMILIES)
    texts = [{t.get_text() for t in ax.texts} for ax in fig.axes]
    assert {"$\\ell_{1}$", "$\\ell_{3}$"} <= texts[0]
    assert {"$\\hat y_{1}$", "$\\hat y_{3}$"} <= texts[1]
    assert (
        "$\\ell_{3}$" in texts[2] and "$\\ell_{1}$" not in texts[2]
    )  # one output only

    def red_arrows(ax):
        return [
            p for p in ax.patches if tuple(p.get_edgecolor()[:3]) == to_rgb("#b03a2e")
        ]

    assert len(red_arrows(second)) == 2  # y_1 -> h_2 and y_2 -> h_3
    assert red_arrows(first) == []
    plt.close("all")
    with pytest.raises(ValueError, match=r"num_steps must be an integer in \[2, 5\]"):
        draw_rnn_families(num_steps=1)


def test_backward_flow_labels_every_delta_and_message():
    ax = draw_backward_flow(num_steps=3)
    texts = {t.get_text() for t in ax.texts}
    assert {"$\\delta_{1}$", "$\\delta_{3}$", "$L_{2}$"} <= texts
    assert {"$W_{hh}^{\\top}\\delta_{2}$", "$W_{hh}^{\\top}\\delta_{3}$"} <= texts
    assert (
        "$W_{hh}^{\\top}\\delta_{1}$" not in texts
    )  # nothing flows back into h_0 here
    red = [t for t in ax.texts if t.get_color() == BACKWARD_COLOUR]
    assert (
        len(red) == 3 * 3 + 2
    )  # two messages and a delta per step, plus the W_hh ones
    plt.close("all")
    with pytest.raises(ValueError, match=r"num_steps must be an integer in \[2, 4\]"):
        draw_backward_flow(num_steps=5)


def test_median_and_range_band():
    import numpy as np

    from course_code.plots.seed_bands import plot_median_and_range

    _, ax = plt.subplots()
    runs = np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [1.0, 5.0, 3.0]])
    line = plot_median_and_range(ax, [0, 1, 2], runs, "median")
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 3.0, 3.0])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 0.0 and band[:, 1].max() == 5.0
    with pytest.raises(ValueError, match=r"runs must have shape \(R, P\)"):
        plot_median_and_range(ax, [0, 1], runs, "bad")
    plt.close("all")


def test_task_shapes_decoder_has_its_own_clock_and_generators_feed_back():
    from course_code.plots.task_shapes import TASK_PATTERNS, draw_unrolled

    _, ax = plt.subplots()
    draw_unrolled(ax, TASK_PATTERNS["many_to_many_different"][1])
    states = [t.get_text() for t in ax.texts if t.get_text().startswith("$h_")]
    assert states == ["$h_{1}$", "$h_{2}$", "$h_{3}$"] + [f"$h_{{{t}}}$" for t in range(1, 5)]
    feedback = [t for t in ax.texts if t.get_text() == "" and t.arrow_patch is not None]
    assert len(feedback) == 3  # decoder outputs 1-3 feed decoder steps 2-4
    _, ax = plt.subplots()
    draw_unrolled(ax, TASK_PATTERNS["many_to_many_same"][1])
    assert not [t for t in ax.texts if t.get_text() == ""]  # inputs given: no feedback
    plt.close("all")
