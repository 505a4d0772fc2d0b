"""Tests of course_code.plots.task_shapes: the four patterns as boxes and arrows."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from course_code.plots.task_shapes import TASK_PATTERNS, Step, draw_task_shapes, draw_unrolled  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def count(ax, kind):
    return sum(isinstance(patch, kind) for patch in ax.patches)


def texts(ax):
    return [text.get_text() for text in ax.texts]


# (hidden boxes, input boxes, output boxes) of each pattern, counted from the course's definitions.
EXPECTED = {
    "one_to_many": (4, 1, 4),
    "many_to_one": (4, 4, 1),
    "many_to_many_same": (4, 4, 4),
    "many_to_many_different": (7, 3, 4),
}


def test_draw_task_shapes_draws_four_panels_with_the_right_boxes_and_arrows():
    fig = draw_task_shapes()
    axes = fig.axes
    assert len(axes) == 4
    for ax, (task, (hidden, inputs, outputs)) in zip(axes, EXPECTED.items()):
        assert ax.get_title() == TASK_PATTERNS[task][0]
        assert count(ax, FancyBboxPatch) == hidden + inputs + outputs
        # input->hidden, hidden->output, and one recurrent arrow between neighbouring steps
        assert count(ax, FancyArrowPatch) == inputs + outputs + (hidden - 1)
        labels = texts(ax)
        assert sum(label.startswith("$x_") for label in labels) == inputs
        assert sum(label.startswith("$h_") for label in labels) == hidden
        assert sum(label.startswith("$\\hat{y}_") for label in labels) == outputs


def test_many_to_one_reads_its_output_at_the_last_step():
    fig, ax = plt.subplots()
    draw_unrolled(ax, TASK_PATTERNS["many_to_one"][1])
    output_box = [p for p in ax.patches if isinstance(p, FancyBboxPatch) and p.get_y() > 1.5]
    hidden_boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch) and 0.5 < p.get_y() < 1.5]
    assert len(output_box) == 1
    assert output_box[0].get_x() == pytest.approx(max(p.get_x() for p in hidden_boxes))


def test_draw_task_shapes_into_given_axes():
    fig, grid = plt.subplots(1, 4)
    assert draw_task_shapes(grid) is fig
    assert all(len(ax.patches) > 0 for ax in grid)
    assert draw_task_shapes(list(grid)) is fig


def test_draw_task_shapes_rejects_bad_axes():
    fig, grid = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="4 Axes, got 3"):
        draw_task_shapes(grid)
    with pytest.raises(ValueError, match=r"axes\[3\] must be a matplotlib Axes"):
        draw_task_shapes(list(grid) + ["not an axes"])
    _, other = plt.subplots()
    with pytest.raises(ValueError, match="one figure"):
        draw_task_shapes(list(grid) + [other])


def test_draw_unrolled_rejects_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes"):
        draw_unrolled(None, [Step(True, True)])
    with pytest.raises(ValueError, match="between 1 and 7 steps, got 0"):
        draw_unrolled(ax, [])
    with pytest.raises(ValueError, match="between 1 and 7 steps, got 8"):
        draw_unrolled(ax, [Step(True, True)] * 8)
    with pytest.raises(ValueError, match=r"steps\[1\] must be a Step"):
        draw_unrolled(ax, [Step(True, True), (True, True)])
