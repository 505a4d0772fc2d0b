"""Build a model's initial weights from a seed without touching torch's global generator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["seeded_init"]


@contextmanager
def seeded_init(seed: int | None) -> Iterator[None]:
    """Inside this block, torch's random numbers come from ``seed``; outside, nothing changes.

    With ``seed=None`` the block uses the global generator as usual. Layers
    created inside the block with the same seed, in the same order, get the
    same initial weights.
    """
    if seed is None:
        yield
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
