"""Seed sweeps on both CPU cores, with results that do not depend on the scheduling.

Each job is one call ``function(*arguments)``; every run must take its seed
among its arguments and draw all its randomness from it, so the results are
the same whichever worker runs which job, and in the order of the jobs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from course_code.shapes import check_positive_int

__all__ = ["run_jobs"]


def _single_threaded() -> None:
    """Run before any job: one thread for BLAS and torch, set before either is imported."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def run_jobs(
    function: Callable[..., Any], jobs: Iterable[Sequence[Any]], processes: int = 2
) -> list[Any]:
    """Run ``function(*job)`` for every job on ``processes`` worker processes.

    Workers are started with the ``spawn`` method (safe with torch and in
    notebooks) and run BLAS and torch single-threaded. ``function`` must be importable
    (defined in a module, not in a notebook cell).

    Args:
        function: a module-level function.
        jobs: the argument tuples, one per run.
        processes: worker processes; ``1`` runs the jobs here, one after another.

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
        min(processes, len(jobs)), mp_context=context, initializer=_single_threaded
    ) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        return [future.result() for future in futures]
