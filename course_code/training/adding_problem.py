"""Train and test a model on the adding problem (:func:`course_code.data.long_range.adding_problem`).

A model reads ``T`` steps of ``(value, marker)`` pairs and must output the sum of
the two marked values. Always answering 1 scores the baseline MSE 1/6
(:data:`~course_code.data.long_range.ADDING_BASELINE_MSE`); a model whose test
MSE stays near it has not learned to carry the first marked value to the end.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from course_code.data.long_range import adding_problem
from course_code.shapes import check_positive_int
from course_code.training.batches import RandomBatches
from course_code.training.loop import History, fit

__all__ = ["TEST_SEED", "adding_batches", "adding_test_mse", "train_on_adding_problem"]

TEST_SEED = 2_000_000
"""Seeds the test sequences; training seeds should differ from it."""


def adding_batches(batch_size: int, length: int, steps: int, seed: int) -> RandomBatches:
    """``steps`` fresh batches per epoch: inputs ``(N, T, 2)`` and targets ``(N,)``, float32."""

    def make_batch(rng: np.random.Generator):
        x, y = adding_problem(batch_size, length, rng)
        return x.astype(np.float32), y.astype(np.float32)

    return RandomBatches(make_batch, batches_per_epoch=steps, seed=seed)


@torch.no_grad()
def adding_test_mse(model: torch.nn.Module, length: int, num_sequences: int = 1000, seed: int = TEST_SEED) -> float:
    """Mean squared error of ``model`` on ``num_sequences`` fresh test sequences of length ``length``."""
    x, y = adding_problem(num_sequences, length, np.random.default_rng(seed))
    was_training = model.training
    model.eval()
    prediction = model(torch.as_tensor(x, dtype=torch.float32))  # (N,)
    model.train(was_training)
    return float(F.mse_loss(prediction, torch.as_tensor(y, dtype=torch.float32)))


def train_on_adding_problem(
    model: torch.nn.Module,
    length: int,
    steps: int,
    *,
    batch_size: int = 64,
    optimizer: str = "adam",
    learning_rate: float = 1e-2,
    clip_grad_norm: float | None = 1.0,
    clip_grad_value: float | None = None,
    seed: int = 0,
    test_size: int = 1000,
    test_every: int | None = None,
    progress: bool = False,
) -> tuple[History, float]:
    """Train ``model`` (``(N, T, 2) -> (N,)``) for ``steps`` updates; return its history and test MSE.

    Args:
        model: the model to train, in place.
        length: ``T`` of every training and test sequence.
        steps: number of updates, each on a fresh batch.
        batch_size: ``N``.
        optimizer: ``"adam"`` or ``"sgd"``.
        learning_rate: ``eta``.
        clip_grad_norm, clip_grad_value: passed to :func:`~course_code.training.fit`.
        seed: seeds the training batches (the test set always uses :data:`TEST_SEED`).
        test_size: number of test sequences.
        test_every: if given, also measure the test MSE after every
            ``test_every`` updates (it must divide ``steps``); each record of
            ``history.epochs`` then holds ``"step"`` and ``"test_mse"``. The
            batches are the same either way.
        progress: show a progress bar (off by default, for stored notebooks).

    Returns:
        ``(history, test_mse)``; ``test_mse`` is NaN if training diverged.
    """
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}, got {optimizer!r}")
    if test_every is not None:
        divisor = f"a positive divisor of steps={steps}"
        test_every = check_positive_int("test_every", test_every, what=divisor)
        if steps % test_every:
            raise ValueError(f"test_every must be {divisor}, got {test_every!r}")
    per_epoch = steps if test_every is None else test_every
    batches = adding_batches(batch_size, length, per_epoch, seed)
    eval_fn = None
    if test_every is not None:
        done = iter(range(test_every, steps + 1, test_every))

        def eval_fn(trained: torch.nn.Module) -> dict[str, float]:
            return {"step": next(done), "test_mse": adding_test_mse(trained, length, test_size)}

    history = fit(model, F.mse_loss, batches, optimizers[optimizer](model.parameters(), lr=learning_rate),
                  epochs=steps // per_epoch, clip_grad_norm=clip_grad_norm, clip_grad_value=clip_grad_value,
                  eval_fn=eval_fn, progress=progress)
    test_mse = float("nan") if history.diverged else adding_test_mse(model, length, test_size)
    return history, test_mse
