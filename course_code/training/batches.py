"""Re-iterable, seeded streams of ``(inputs, targets)`` batches for :func:`~course_code.training.fit`.

Iterating over one of these objects yields one epoch. Each object owns its
random generator, so two objects built with the same seed give the same
batches in the same order, epoch after epoch, whatever else the program draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import torch

from course_code.shapes import ArgumentTypeError, check_positive_int

__all__ = ["RandomBatches", "ShuffledBatches"]


_check_positive = check_positive_int


class ShuffledBatches:
    """Mini-batches of a fixed data set, reshuffled at the start of every epoch.

    Args:
        inputs: a tensor whose first axis indexes examples, ``(M, ...)``.
        targets: ``(M, ...)``, the same ``M``.
        batch_size: ``N``; the last batch of an epoch may be smaller.
        seed: seeds the generator that draws the permutations.

    Yields:
        ``(inputs[idx], targets[idx])`` for consecutive slices ``idx`` of a
        fresh random permutation of ``range(M)``.
    """

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor, batch_size: int, seed: int) -> None:
        if not (isinstance(inputs, torch.Tensor) and isinstance(targets, torch.Tensor)):
            raise ArgumentTypeError(f"inputs and targets must be torch tensors, got {type(inputs).__name__} "
                                    f"and {type(targets).__name__}; convert arrays with torch.from_numpy")
        if inputs.dim() == 0 or targets.dim() == 0 or inputs.shape[0] != targets.shape[0]:
            raise ValueError(
                f"inputs and targets must share their first axis M, got shapes "
                f"{tuple(inputs.shape)} and {tuple(targets.shape)}"
            )
        self.inputs, self.targets = inputs, targets
        self.batch_size = _check_positive("batch_size", batch_size)
        check_positive_int("seed", seed, minimum=0)
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-self.inputs.shape[0] // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(self.inputs.shape[0], generator=self.generator)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            yield self.inputs[idx], self.targets[idx]


class RandomBatches:
    """``batches_per_epoch`` fresh batches per epoch from a function of a NumPy generator.

    Useful when a data set is too large to enumerate, for example random
    windows of a long text: ``RandomBatches(lambda rng: next_char_batch(ids,
    32, 64, rng), batches_per_epoch=100, seed=0)``. NumPy arrays that the
    function returns are turned into tensors.

    Args:
        make_batch: ``rng -> (inputs, targets)``.
        batches_per_epoch: how many batches one epoch holds.
        seed: seeds the ``np.random.Generator`` passed to ``make_batch``.
    """

    def __init__(self, make_batch: Callable, batches_per_epoch: int, seed: int) -> None:
        if not callable(make_batch):
            raise ValueError("make_batch must be a function rng -> (inputs, targets)")
        self.make_batch = make_batch
        self.batches_per_epoch = _check_positive("batches_per_epoch", batches_per_epoch)
        check_positive_int("seed", seed, minimum=0)
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return self.batches_per_epoch

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for _ in range(self.batches_per_epoch):
            inputs, targets = self.make_batch(self.rng)
            yield torch.as_tensor(inputs), torch.as_tensor(targets)
