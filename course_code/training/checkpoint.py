"""Save a training run to one file and restore it exactly.

A checkpoint holds everything needed to continue a run or to use its model:
the model's ``state_dict``, the optimizer's ``state_dict`` (Adam's moment
estimates, the step count, ...), the :class:`~course_code.training.History`,
and a ``config`` dict of the numbers needed to rebuild the model (sizes,
learning rate, ...). It is written with :func:`torch.save` and read with
``torch.load(weights_only=True)``, which refuses to run arbitrary code, so
``config`` may hold only plain values: numbers, strings, booleans, ``None``,
and lists, tuples and dicts of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from course_code.training.loop import History

__all__ = ["Checkpoint", "load_checkpoint", "save_checkpoint"]


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns besides the restored weights."""

    config: dict
    history: History | None


def save_checkpoint(
    path: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    history: History | None = None,
    config: dict | None = None,
) -> None:
    """Write model, optimizer, history and config to ``path`` in one file.

    Raises:
        ValueError: if ``config`` is given and is not a dict.
    """
    if config is not None and not isinstance(config, dict):
        raise ValueError(f"config must be a dict of plain values, got {type(config).__name__}")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": None if optimizer is None else optimizer.state_dict(),
            "history": None if history is None else history.to_dict(),
            "config": dict(config or {}),
        },
        path,
    )


def load_checkpoint(
    path: str | Path,
    model: torch.nn.Module | None = None,
    optimizer: torch.optim.Optimizer | None = None,
) -> Checkpoint:
    """Read a checkpoint; copy its weights into ``model`` and ``optimizer`` if given.

    Call it once without a model to read the ``config``, build the model
    from it, then again with the model.

    Raises:
        ValueError: if an optimizer is given but the file holds no optimizer
            state, or the file is not a checkpoint of this format.
    """
    state = torch.load(path, weights_only=True)
    if not isinstance(state, dict) or not {"model", "optimizer", "history", "config"} <= state.keys():
        raise ValueError(f"{path} is not a checkpoint written by save_checkpoint")
    if model is not None:
        model.load_state_dict(state["model"])
    if optimizer is not None:
        if state["optimizer"] is None:
            raise ValueError(f"{path} holds no optimizer state")
        optimizer.load_state_dict(state["optimizer"])
    history = None if state["history"] is None else History.from_dict(state["history"])
    return Checkpoint(config=state["config"], history=history)
