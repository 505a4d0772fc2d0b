"""Seeding, so that every number a notebook prints is the same on every run."""

from __future__ import annotations

import random

import numpy as np
import torch

__all__ = ["seed_everything"]


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
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    return np.random.default_rng(seed)
