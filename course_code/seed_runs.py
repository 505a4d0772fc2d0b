"""Run many seeded training runs over a small pool of processes, in a fixed order.

A claim about training is checked on several seeds, and on a two-core laptop
the runs take half as long when two run at once. :func:`run_jobs` hands each
job to one of ``processes`` worker processes, each limited to one torch thread,
and returns the results in the order of the jobs. Every run must be seeded by
its own arguments (a ``seed`` among them), never by what ran before it in the
same process, so the numbers do not depend on which worker ran which job:
``processes=1`` runs the jobs one after another in this process and returns
the same results.

The function must be importable by the workers (defined in a module, not in a
notebook), and its arguments and results must pickle.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import torch

from course_code.shapes import check_positive_int

__all__ = ["run_jobs"]


def _one_thread() -> None:
    torch.set_num_threads(1)


def run_jobs(
    function: Callable[..., Any], jobs: Iterable[Sequence[Any]], processes: int = 2
) -> list[Any]:
    """``[function(*job) for job in jobs]``, computed on ``processes`` worker processes.

    Args:
        function: a module-level function (workers import it by name).
        jobs: one tuple of positional arguments per call.
        processes: how many workers; ``1`` runs every job here, in order, with
            torch's thread count left as it is.

    Returns:
        The results, in the order of ``jobs``.

    Raises:
        ValueError: if ``processes`` is not a positive integer.
    """
    processes = check_positive_int("processes", processes)
    jobs = [tuple(job) for job in jobs]
    if processes == 1 or len(jobs) <= 1:
        return [function(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")  # no fork of a process running torch
    with ProcessPoolExecutor(
        max_workers=min(processes, len(jobs)),
        mp_context=context,
        initializer=_one_thread,
    ) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        return [future.result() for future in futures]
