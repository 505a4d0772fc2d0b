"""Toy batches with the input and target shapes of the four sequence-task patterns.

====================================  =====================  ==================
task                                  inputs                 targets
====================================  =====================  ==================
``"one_to_many"`` (captioning)        ``(N, D)``             ``(N, T_out)``
``"many_to_one"`` (sentiment)         ``(N, T_in, D)``       ``(N,)``
``"many_to_many_same"`` (tagging)     ``(N, T_in, D)``       ``(N, T_in)``
``"many_to_many_different"``          ``(N, T_in, D)``       ``(N, T_out)``
(translation)
====================================  =====================  ==================

Targets are integer classes in ``[0, V)`` (a word, a tag, a sentiment); the
inputs are random features standing in for embeddings or measurements. The
values mean nothing: these batches exist to show shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_code.shapes import check_generator, check_positive_int

__all__ = ["TASKS", "TaskExample", "task_example"]

TASKS = ("one_to_many", "many_to_one", "many_to_many_same", "many_to_many_different")

_DESCRIPTIONS = {
    "one_to_many": "one input vector, a sequence of T_out outputs (e.g. image -> caption)",
    "many_to_one": "a sequence of T_in inputs, one output (e.g. review -> sentiment)",
    "many_to_many_same": "an output at every input step (e.g. word -> named-entity tag)",
    "many_to_many_different": "T_in inputs, then T_out outputs (e.g. sentence -> translation)",
}


@dataclass
class TaskExample:
    """A toy batch for one task pattern.

    Attributes:
        task: one of :data:`TASKS`.
        inputs: ``(N, D)`` for ``"one_to_many"``, else ``(N, T_in, D)``; float64.
        targets: integer classes in ``[0, V)``: ``(N,)`` for ``"many_to_one"``,
            ``(N, T_in)`` for ``"many_to_many_same"``, else ``(N, T_out)``.
        description: one line saying what goes in and what comes out.
    """

    task: str
    inputs: np.ndarray
    targets: np.ndarray
    description: str


def task_example(
    task: str,
    rng: np.random.Generator,
    N: int = 2,
    T_in: int = 5,
    T_out: int = 3,
    D: int = 3,
    V: int = 4,
) -> TaskExample:
    """Draw a toy batch with the shapes of ``task`` (see the module's table).

    Args:
        task: one of :data:`TASKS`.
        rng: the source of randomness, e.g. ``np.random.default_rng(0)``.
        N: batch size. T_in: input steps. T_out: output steps (used by
            ``"one_to_many"`` and ``"many_to_many_different"``).
        D: input features per step. V: number of output classes.

    Returns:
        A :class:`TaskExample`.

    Raises:
        ValueError: if ``task`` is unknown, ``rng`` is not a
            ``np.random.Generator``, or a size is not a positive integer.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    check_generator("rng", rng)
    for name, value in (("N", N), ("T_in", T_in), ("T_out", T_out), ("D", D), ("V", V)):
        check_positive_int(name, value)

    if task == "one_to_many":
        inputs = rng.standard_normal((N, D))
    else:
        inputs = rng.standard_normal((N, T_in, D))
    target_shape = {
        "one_to_many": (N, T_out),
        "many_to_one": (N,),
        "many_to_many_same": (N, T_in),
        "many_to_many_different": (N, T_out),
    }[task]
    targets = rng.integers(0, V, size=target_shape)
    return TaskExample(task, inputs, targets, _DESCRIPTIONS[task])
