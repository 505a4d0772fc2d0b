"""The figures the chapters draw. Every figure in the book comes from here, not from image files."""

from course_code.plots.hidden_states import plot_activations, plot_hidden_states
from course_code.plots.task_shapes import draw_task_shapes
from course_code.plots.unrolled import draw_unrolled_rnn

__all__ = ["draw_task_shapes", "draw_unrolled_rnn", "plot_activations", "plot_hidden_states"]
