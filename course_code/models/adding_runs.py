"""The adding problem over seeds: one run of a named model, with its learning curve.

A run builds one of :data:`MODELS` with its weights seeded by ``seed``, draws
its training batches from ``seed + 1`` (so seed 0 is the setup the chapters
used before they had seeds), trains it with Adam (``eta = 0.01``, gradient
norms clipped at 1) on a fresh batch per update, and measures the test MSE on
1000 held-out sequences every ``eval_every`` updates. The test sequences are
those of :func:`~course_code.training.adding_problem.adding_test_mse`, so a
run's test MSE after ``k`` updates equals that of
:func:`~course_code.training.adding_problem.train_on_adding_problem` run for
``k`` updates with the same seeds.

Two tasks share the inputs, the target and the baseline MSE 1/6:
``"adding"`` (:func:`~course_code.data.long_range.adding_problem`, one marker
in each half: a dependency of up to ``T`` steps) and ``"recent"``
(:func:`~course_code.data.long_range.adding_problem` with ``window=2``, both
markers in the last two steps: a dependency of one step).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from course_code.data.long_range import ADDING_BASELINE_MSE, adding_problem
from course_code.models.long_memory import adding_regressor
from course_code.models.recurrent_regressor import last_state_regressor
from course_code.shapes import check_positive_int
from course_code.training.adding_problem import TEST_SEED
from course_code.training.batches import RandomBatches
from course_code.training.loop import fit

__all__ = ["MODELS", "SUCCESS_MSE", "TASKS", "AddingRun", "adding_model", "adding_run"]

MODELS = {
    "rnn": "vanilla RNN",
    "irnn": "IRNN",
    "lstm": "LSTM, default b_f",
    "lstm_bf1": "LSTM, b_f = 1",
    "gru": "GRU",
}
"""The models a run can build, with the names the chapters print."""

TASKS = ("adding", "recent")
"""``"adding"``: one marker in each half; ``"recent"``: both in the last two steps."""

SUCCESS_MSE = ADDING_BASELINE_MSE / 10
"""A run succeeds if its test MSE is below a tenth of the baseline 1/6."""


def adding_model(name: str, hidden_size: int = 32, seed: int = 0) -> nn.Module:
    """One of :data:`MODELS`: a one-layer core and a linear read-out of ``h_T``.

    ``"irnn"`` is the IRNN of :mod:`course_code.models.long_memory`: a ReLU RNN
    with ``W_hh = I``, zero biases and ``W_xh`` drawn from N(0, 0.1^2);
    ``"lstm_bf1"`` is PyTorch's LSTM with its forget-gate bias set to 1; the
    others keep PyTorch's initialisation.

    Args:
        name: a key of :data:`MODELS`.
        hidden_size: ``H``.
        seed: seeds the initial weights.

    Returns:
        A module ``(N, T, 2) -> (N,)``.

    Raises:
        ValueError: for an unknown ``name``.
    """
    if name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {name!r}")
    if name == "irnn":
        return adding_regressor("IRNN (ReLU, W = I)", hidden_size, seed)
    if name == "lstm_bf1":
        return last_state_regressor(
            "lstm", hidden_size, seed=seed, forget_gate_bias=1.0
        )
    return last_state_regressor(name, hidden_size, seed=seed)


@dataclass
class AddingRun:
    """What one run did.

    Attributes:
        model, task, length, seed: the setting (``length`` is ``T``).
        losses: the training MSE of every update.
        eval_steps: the updates after which the test MSE was measured.
        test_mse: the test MSE at each of ``eval_steps`` (NaN after a divergence).
        weights: the trained model's ``state_dict``, if asked for.
    """

    model: str
    task: str
    length: int
    seed: int
    losses: list[float]
    eval_steps: list[int]
    test_mse: list[float]
    weights: dict | None = field(default=None, repr=False)

    @property
    def final_mse(self) -> float:
        """The test MSE after the last update."""
        return self.test_mse[-1]

    def mse_at(self, step: int) -> float:
        """The test MSE after ``step`` updates (one of ``eval_steps``)."""
        if step not in self.eval_steps:
            raise ValueError(
                f"step must be one of eval_steps {self.eval_steps}, got {step}"
            )
        return self.test_mse[self.eval_steps.index(step)]

    def first_below(self, level: float, width: int = 20) -> int | None:
        """When training first got below ``level``, or ``None`` if it never did.

        That is the first update ``k`` at which the mean training loss of
        updates ``k - width + 1 .. k`` is below ``level``.
        """
        losses = np.asarray(self.losses)
        running = np.convolve(losses, np.ones(width) / width, mode="valid")
        hits = np.flatnonzero(running < level)
        return int(hits[0]) + width if hits.size else None


def _task_data(task: str, num_sequences: int, length: int, rng: np.random.Generator):
    if task == "adding":
        return adding_problem(num_sequences, length, rng)
    return adding_problem(num_sequences, length, rng, window=2)


def adding_run(
    model: str,
    length: int,
    steps: int,
    seed: int,
    *,
    task: str = "adding",
    batch_size: int = 128,
    hidden_size: int = 32,
    eval_every: int = 50,
    keep_weights: bool = False,
) -> AddingRun:
    """Train one model on one task for ``steps`` updates and record its curves.

    Args:
        model: a key of :data:`MODELS`.
        length: ``T``.
        steps: updates, a multiple of ``eval_every``.
        seed: seeds the weights; the training batches use ``seed + 1``.
        task: one of :data:`TASKS`.
        batch_size: ``N`` of every training batch.
        hidden_size: ``H``.
        eval_every: measure the test MSE after every this many updates.
        keep_weights: return the trained ``state_dict`` too.

    Returns:
        The :class:`AddingRun`.

    Raises:
        ValueError: for an unknown model or task, or ``steps`` not a positive
            multiple of ``eval_every``.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    eval_every = check_positive_int("eval_every", eval_every)
    multiple = f"a positive multiple of eval_every={eval_every}"
    steps = check_positive_int("steps", steps, what=multiple)
    if steps % eval_every:
        raise ValueError(f"steps must be {multiple}, got {steps}")
    network = adding_model(model, hidden_size, seed)
    x_test, y_test = _task_data(task, 1000, length, np.random.default_rng(TEST_SEED))
    x_test = torch.as_tensor(x_test, dtype=torch.float32)
    y_test = torch.as_tensor(y_test, dtype=torch.float32)

    def make_batch(rng: np.random.Generator):
        x, y = _task_data(task, batch_size, length, rng)
        return x.astype(np.float32), y.astype(np.float32)

    batches = RandomBatches(make_batch, batches_per_epoch=eval_every, seed=seed + 1)
    history = fit(
        network,
        F.mse_loss,
        batches,
        torch.optim.Adam(network.parameters(), lr=1e-2),
        epochs=steps // eval_every,
        clip_grad_norm=1.0,
        eval_fn=lambda m: {"test_mse": F.mse_loss(m(x_test), y_test)},
        progress=False,
    )
    test_mse = [record.get("test_mse", float("nan")) for record in history.epochs]
    eval_steps = [eval_every * (k + 1) for k in range(steps // eval_every)]
    test_mse += [float("nan")] * (len(eval_steps) - len(test_mse))
    weights = (
        {k: v.clone() for k, v in network.state_dict().items()}
        if keep_weights
        else None
    )
    return AddingRun(
        model, task, length, seed, list(history.losses), eval_steps, test_mse, weights
    )
