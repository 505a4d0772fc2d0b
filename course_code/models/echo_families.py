"""Two families of RNN on the delayed echo: hidden-to-hidden against output-to-hidden.

Both are trained by the same optimiser on the same stream of batches, from one
seed each, and tested on held-out sequences. The hidden-to-hidden network is
:class:`course_code.nn.VanillaRNN` with a linear read-out, trained by
backpropagation through time; the output-to-hidden network is
:class:`course_code.nn.output_recurrent.OutputRecurrentRNN`, trained with
teacher forcing and tested both teacher-forced and free-running.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from course_code.data.echo import delayed_echo
from course_code.nn.output_recurrent import OutputRecurrentRNN
from course_code.nn.rnn import VanillaRNN

__all__ = ["FamilyRun", "train_family_on_echo"]

TEST_SEED = 2  # the held-out sequences


@dataclass
class FamilyRun:
    """One run: which family, its seed, its loss curve and its held-out accuracy.

    Attributes:
        family: ``"hidden-to-hidden"`` or ``"output-to-hidden"``.
        seed: the seed of the weights and of the training batches.
        losses: training loss of every update, ``(steps,)``.
        test_accuracy: accuracy on the held-out sequences over the steps
            ``t >= delay``; for output-to-hidden, free-running.
        teacher_forced_accuracy: the same, fed the true previous targets
            (``nan`` for hidden-to-hidden, which has no such input).
    """

    family: str
    seed: int
    losses: np.ndarray
    test_accuracy: float
    teacher_forced_accuracy: float


def _accuracy(logits: torch.Tensor, targets: torch.Tensor, delay: int) -> float:
    predictions = logits.argmax(dim=-1)
    return float((predictions[:, delay:] == targets[:, delay:]).double().mean())


def train_family_on_echo(
    family: str,
    seed: int,
    delay: int = 3,
    steps: int = 300,
    length: int = 24,
    batch_size: int = 32,
    hidden_size: int = 16,
    learning_rate: float = 0.01,
) -> FamilyRun:
    """Train one network of the given family on the delayed echo with Adam.

    Args:
        family: ``"hidden-to-hidden"`` or ``"output-to-hidden"``.
        seed: seeds the initial weights and the training batches.
        delay: the echo's delay. steps: number of Adam updates.
        length, batch_size, hidden_size: ``T``, ``N`` and ``H``.
        learning_rate: Adam's step size.

    Returns:
        A :class:`FamilyRun`.

    Raises:
        ValueError: if ``family`` is not one of the two names.
    """
    if family not in ("hidden-to-hidden", "output-to-hidden"):
        raise ValueError(
            f"family must be 'hidden-to-hidden' or 'output-to-hidden', got {family!r}"
        )
    rng = np.random.default_rng(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if family == "hidden-to-hidden":
            rnn, readout = VanillaRNN(1, hidden_size), nn.Linear(hidden_size, 2)
            modules = nn.ModuleList([rnn, readout])
        else:
            model = OutputRecurrentRNN(1, hidden_size, 2)
            modules = nn.ModuleList([model])
    optimiser = torch.optim.Adam(modules.parameters(), lr=learning_rate)

    def logits_of(x, targets, teacher_forced=True):
        if family == "hidden-to-hidden":
            return readout(rnn(x)[0])
        if teacher_forced:
            return model.forward_teacher_forced(x, targets)
        return model.forward_free_running(x)

    losses = []
    for _ in range(steps):
        x, targets = (
            torch.tensor(a) for a in delayed_echo(batch_size, length, delay, rng)
        )
        x = x.float()
        logits = logits_of(x, targets)
        loss = F.cross_entropy(logits.reshape(-1, 2), targets.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())

    x_test, y_test = delayed_echo(512, length, delay, np.random.default_rng(TEST_SEED))
    x_test, y_test = torch.tensor(x_test).float(), torch.tensor(y_test)
    with torch.no_grad():
        test = _accuracy(logits_of(x_test, y_test, teacher_forced=False), y_test, delay)
        forced = (
            _accuracy(logits_of(x_test, y_test), y_test, delay)
            if family == "output-to-hidden"
            else float("nan")
        )
    return FamilyRun(family, seed, np.array(losses), test, forced)
