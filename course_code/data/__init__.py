"""Sequence data: padding and masks, toy task batches, and simple forecasters.

* :mod:`course_code.data.sequences`: pad sequences of different lengths into an
  ``(N, T, D)`` batch, with a lengths vector ``(N,)`` and a mask ``(N, T)``.
* :mod:`course_code.data.tasks`: toy batches with the shapes of the four task
  patterns (one-to-many, many-to-one, and the two many-to-many).
* :mod:`course_code.data.forecasts`: next-value predictors of a price series,
  order-blind, fixed-window and recurrent.
"""

from course_code.data.forecasts import (
    fit_window_linear,
    last_difference_forecast,
    mean_forecast,
    median_forecast,
    progression_rnn_params,
    sliding_windows,
    window_linear_forecast,
)
from course_code.data.sequences import arithmetic_progression, last_steps, length_mask, pad_sequences
from course_code.data.tasks import TASKS, TaskExample, task_example

__all__ = [
    "TASKS",
    "TaskExample",
    "arithmetic_progression",
    "fit_window_linear",
    "last_difference_forecast",
    "last_steps",
    "length_mask",
    "mean_forecast",
    "median_forecast",
    "pad_sequences",
    "progression_rnn_params",
    "sliding_windows",
    "task_example",
    "window_linear_forecast",
]
