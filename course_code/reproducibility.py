"""Seeding, so that every number a notebook prints is the same on every run.

* :func:`seed_everything`: what a notebook calls once at the top.
* :func:`seeded_init`: a block in which a model's initial weights come from a seed,
  without touching torch's global generator (what library code uses).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from course_code.shapes import check_positive_int

__all__ = ["seed_everything", "seeded_init"]


def seed_everything(seed: int, threads: int = 1) -> np.random.Generator:
    """Seed Python, NumPy's legacy global generator and torch; fix torch's thread count.

    Library code never calls this: it takes an ``rng`` or ``seed`` argument.
    Notebooks call it once at the top. A fixed thread count matters because
    torch may split reductions differently across threads, which changes the
    last bits of a float.

    Args:
        seed: any non-negative integer.
        threads: threads torch may use for intra-op parallelism.

    Returns:
        A fresh ``np.random.Generator`` seeded with ``seed``, for the notebook to pass on.
    """
    check_positive_int("seed", seed, minimum=0)
    threads = check_positive_int("threads", threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    return np.random.default_rng(seed)


@contextmanager
def seeded_init(seed: int | None) -> Iterator[None]:
    """Inside this block, torch's random numbers come from ``seed``; outside, nothing changes.

    With ``seed=None`` the block uses the global generator as usual. Layers
    created inside the block with the same seed, in the same order, get the
    same initial weights.

    Args:
        seed: a non-negative integer, or ``None`` for torch's global generator.

    Raises:
        ValueError: if ``seed`` is not ``None`` and not a non-negative integer
            (``True`` is not a seed).
    """
    if seed is None:
        yield
        return
    check_positive_int("seed", seed, minimum=0, what="a non-negative integer or None")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield
