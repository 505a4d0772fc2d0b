"""One training loop for every model of the course: :func:`fit` and its :class:`History`.

Each step is the update rule ``theta <- theta - eta * grad L`` in the hands of
a ``torch.optim`` optimizer, preceded by global gradient-norm clipping when
asked for::

    zero the gradients -> loss_fn(model(inputs), targets) -> backward
    -> record and (optionally) clip the global gradient norm -> optimizer.step()

(or, for comparison, clip every gradient entry into ``[-c, c]``: ``clip_grad_value``).

The loop adds no randomness of its own: with the same model weights, the
same batches (see :mod:`course_code.training.batches`) and the same
optimizer settings, two runs produce identical histories.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import torch
from tqdm import tqdm

from course_code.shapes import check_positive_int, check_positive_real

__all__ = ["History", "fit"]


@dataclass
class History:
    """What happened during training.

    Attributes:
        losses: the training loss of every step, in order.
        grad_norms: the global gradient norm of every step, measured **before**
            clipping: ``sqrt(sum over all parameters of |grad|^2)``.
        epochs: one dict per epoch: ``"epoch"`` (counting from 1),
            ``"train_loss"`` (the mean of that epoch's step losses) and
            whatever the evaluation function returned.
        diverged: true if a loss or gradient norm became infinite or NaN; the
            loop then stopped without applying that step.
    """

    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    epochs: list[dict[str, float]] = field(default_factory=list)
    diverged: bool = False

    def to_dict(self) -> dict:
        """Plain lists and numbers, for :func:`torch.save` and ``json``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, state: dict) -> History:
        return cls(
            losses=list(state["losses"]),
            grad_norms=list(state["grad_norms"]),
            epochs=[dict(record) for record in state["epochs"]],
            diverged=bool(state["diverged"]),
        )


def _describe(record: dict[str, float], epochs_total: int) -> str:
    parts = [f"epoch {record['epoch']}/{epochs_total}"]
    parts += [f"{name} {value:.4f}" for name, value in record.items() if name != "epoch"]
    return "  ".join(parts)


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    batches: Iterable,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int = 1,
    clip_grad_norm: float | None = None,
    clip_grad_value: float | None = None,
    eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
    progress: bool = True,
    report: bool = False,
    history: History | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``batches``; return the history.

    Args:
        model: maps a batch of inputs to outputs, ``model(inputs)``.
        loss_fn: ``(outputs, targets) -> scalar loss tensor``, for example
            :func:`torch.nn.functional.cross_entropy` for ``(N, V)`` logits,
            :func:`~course_code.training.sequence_cross_entropy` for ``(N, T, V)``
            logits, or :func:`torch.nn.functional.mse_loss`.
        batches: an iterable of ``(inputs, targets)`` pairs; it is iterated once
            per epoch, so it must be re-iterable (a list, a
            :class:`~course_code.training.ShuffledBatches`, ...).
        optimizer: a ``torch.optim`` optimizer over the model's parameters.
        epochs: how many passes to make, a positive integer.
        clip_grad_norm: if given, rescale the gradients whenever their global
            norm exceeds this value, so that it equals this value
            (:func:`torch.nn.utils.clip_grad_norm_`). The history records the
            norm before clipping either way.
        clip_grad_value: if given, clip every entry of every gradient into
            ``[-clip_grad_value, clip_grad_value]``
            (:func:`torch.nn.utils.clip_grad_value_`), after any norm clipping.
            Unlike norm clipping this can change the update's direction; it is
            here so that the two can be compared.
        eval_fn: called after every epoch as ``eval_fn(model)`` in eval mode
            without gradients; the dict it returns (for example
            ``{"val_loss": ..., "val_accuracy": ...}``) joins the epoch's record.
        progress: show a tqdm progress bar. Turn it off in notebooks whose
            outputs are stored.
        report: print one line per epoch with the numbers of its record.
        history: a history to continue (after loading a checkpoint); the new
            steps and epochs are appended to it.

    Returns:
        The :class:`History` (the one passed in, if any).

    Raises:
        ValueError: if ``epochs`` is not a positive integer or
            ``clip_grad_norm`` or ``clip_grad_value`` is not positive.
    """
    epochs = check_positive_int("epochs", epochs)
    for name, value in (("clip_grad_norm", clip_grad_norm), ("clip_grad_value", clip_grad_value)):
        if value is not None:
            check_positive_real(name, value)
    history = History() if history is None else history
    parameters = [p for p in model.parameters() if p.requires_grad]
    max_norm = math.inf if clip_grad_norm is None else float(clip_grad_norm)
    total = epochs * len(batches) if hasattr(batches, "__len__") else None
    first_epoch = len(history.epochs) + 1
    write = tqdm.write if progress else print

    with tqdm(total=total, disable=not progress, desc="training", unit="step") as bar:
        for epoch in range(first_epoch, first_epoch + epochs):
            model.train()
            epoch_losses = []
            for inputs, targets in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(inputs), targets)
                loss.backward()
                norm = float(torch.nn.utils.clip_grad_norm_(parameters, max_norm))
                history.losses.append(loss.item())
                history.grad_norms.append(norm)
                if not (math.isfinite(loss.item()) and math.isfinite(norm)):
                    history.diverged = True
                    break
                if clip_grad_value is not None:
                    torch.nn.utils.clip_grad_value_(parameters, clip_grad_value)
                optimizer.step()
                epoch_losses.append(loss.item())
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.4f}")
            record: dict[str, float] = {"epoch": epoch}
            record["train_loss"] = sum(epoch_losses) / len(epoch_losses) if epoch_losses else math.nan
            if eval_fn is not None and not history.diverged:
                model.eval()
                with torch.no_grad():
                    record.update({name: float(value) for name, value in eval_fn(model).items()})
                model.train()
            history.epochs.append(record)
            if report:
                write(_describe(record, first_epoch + epochs - 1))
            if history.diverged:
                if report:
                    write(f"stopped: the loss or gradient norm became non-finite at step {len(history.losses)}")
                break
    return history
