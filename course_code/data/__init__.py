"""Sequence data: padding and masks, toy task batches, and windows of a series.

* :mod:`course_code.data.sequences`: pad sequences of different lengths into an
  ``(N, T, D)`` batch, with a lengths vector ``(N,)`` and a mask ``(N, T)``.
* :mod:`course_code.data.tasks`: toy batches with the shapes of the four task
  patterns (one-to-many, many-to-one, and the two many-to-many).
* :func:`~course_code.data.timeseries.sliding_windows`: cut a series into
  (window, next value) pairs. The predictors that read such windows live in
  :mod:`course_code.models.forecasters`.
"""

from course_code.data.sequences import arithmetic_progression, last_steps, length_mask, pad_sequences
from course_code.data.tasks import TASKS, TaskExample, task_example
from course_code.data.timeseries import sliding_windows

__all__ = [
    "TASKS",
    "TaskExample",
    "arithmetic_progression",
    "last_steps",
    "length_mask",
    "pad_sequences",
    "sliding_windows",
    "task_example",
]
