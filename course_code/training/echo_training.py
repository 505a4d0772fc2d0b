"""The delayed echo trained with full or truncated BPTT, watching held-out accuracy.

One run draws its weights and its training batches from one seed, takes plain
gradient-descent steps with the gradient of the chosen method, and every
``eval_every`` updates measures accuracy on a fixed validation set; at the end
it measures accuracy on a separate test set, step by step. Success is decided
on the test set; the validation curve is what shows a solution being reached
and then lost.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from course_code.data.echo import delayed_echo
from course_code.scratch.bptt import rnn_loss_and_gradients, truncated_bptt_gradients
from course_code.scratch.optim import sgd_step
from course_code.scratch.rnn import (
    RNNParams,
    init_rnn_params,
    output_layer,
    rnn_forward,
)

__all__ = [
    "EchoRun",
    "echo_accuracy_by_step",
    "memory_probe_accuracy",
    "targets_inside_window",
    "train_echo",
]

VALIDATION_SEED, TEST_SEED = 1, 2  # the held-out sets, never used for training


@dataclass
class EchoRun:
    """What one training run leaves behind.

    Attributes:
        seed: the seed of the weights and of the training batches.
        truncation: ``None`` for full BPTT, else ``(k1, k2)``.
        losses: training loss of every update, ``(steps,)``.
        eval_updates: the updates after which validation accuracy was measured.
        validation_accuracy: accuracy on the validation set at each of them.
        test_accuracy_by_step: final accuracy on the test set at every step
            ``t = delay, ..., T - 1`` (0-based), ``(T - delay,)``.
        peak_params: the weights at the best validation accuracy.
        final_params: the weights after the last update.
    """

    seed: int
    truncation: tuple[int, int] | None
    losses: np.ndarray
    eval_updates: np.ndarray
    validation_accuracy: np.ndarray
    test_accuracy_by_step: np.ndarray
    peak_params: RNNParams
    final_params: RNNParams

    @property
    def test_accuracy(self) -> float:
        """Final test accuracy over every step that has something to echo."""
        return float(self.test_accuracy_by_step.mean())


def echo_accuracy_by_step(
    params: RNNParams, x: np.ndarray, targets: np.ndarray, delay: int
) -> np.ndarray:
    """Accuracy of the argmax prediction at each step from ``delay`` on.

    Args:
        params: the trained weights.
        x: inputs ``(N, T, 1)`` from :func:`course_code.data.echo.delayed_echo`.
        targets: ``(N, T)``.
        delay: the echo's delay; the first ``delay`` steps are left out.

    Returns:
        ``(T - delay,)``: the fraction of the ``N`` sequences right at each step.
    """
    N = x.shape[0]
    h, _ = rnn_forward(
        x, np.zeros((N, params.W_hh.shape[0])), params.W_xh, params.W_hh, params.b_h
    )
    predictions = output_layer(h, params.W_hy, params.b_y).argmax(axis=-1)
    return (predictions[:, delay:] == targets[:, delay:]).mean(axis=0)


def train_echo(
    seed: int,
    truncation: tuple[int, int] | None = None,
    steps: int = 400,
    eval_every: int = 10,
    delay: int = 3,
    length: int = 24,
    batch_size: int = 16,
    hidden_size: int = 16,
    learning_rate: float = 0.5,
) -> EchoRun:
    """Train a vanilla RNN on the delayed echo with full or truncated BPTT.

    The loss is the mean cross-entropy over the ``N * T`` steps of a batch.

    Args:
        seed: seeds the initial weights and the stream of training batches.
        truncation: ``None`` for full BPTT, or ``(k1, k2)`` for
            :func:`course_code.scratch.bptt.truncated_bptt_gradients`.
        steps: number of gradient-descent updates.
        eval_every: updates between two validation measurements.
        delay, length, batch_size: the task, ``delay``, ``T`` and ``N``.
        hidden_size: ``H``.
        learning_rate: the step size ``eta``.

    Returns:
        An :class:`EchoRun`.
    """
    rng = np.random.default_rng(seed)
    params = init_rnn_params(1, hidden_size, 2, rng)
    validation = delayed_echo(
        256, length, delay, np.random.default_rng(VALIDATION_SEED)
    )
    test = delayed_echo(256, length, delay, np.random.default_rng(TEST_SEED))
    losses, eval_updates, accuracies = [], [0], [0.0]
    accuracies[0] = float(echo_accuracy_by_step(params, *validation, delay).mean())
    best, peak_params = accuracies[0], copy.deepcopy(params)
    for update in range(1, steps + 1):
        x, targets = delayed_echo(batch_size, length, delay, rng)
        if truncation is None:
            loss, grads = rnn_loss_and_gradients(params, x, targets, reduction="mean")
        else:
            k1, k2 = truncation
            loss, grads = truncated_bptt_gradients(
                params, x, targets, k1, k2, reduction="mean"
            )
        sgd_step(params, grads, learning_rate)
        losses.append(loss)
        if update % eval_every == 0:
            accuracy = float(echo_accuracy_by_step(params, *validation, delay).mean())
            eval_updates.append(update)
            accuracies.append(accuracy)
            if accuracy > best:
                best, peak_params = accuracy, copy.deepcopy(params)
    return EchoRun(
        seed=seed,
        truncation=truncation,
        losses=np.array(losses),
        eval_updates=np.array(eval_updates),
        validation_accuracy=np.array(accuracies),
        test_accuracy_by_step=echo_accuracy_by_step(params, *test, delay),
        peak_params=peak_params,
        final_params=params,
    )


def targets_inside_window(
    length: int, delay: int, truncation: tuple[int, int] | None
) -> np.ndarray:
    """Which targets have their echoed input inside their own gradient window.

    The target at (0-based) step ``t`` is the input of step ``t - delay``. Under
    truncation ``(k1, k2)``, the loss at ``t`` belongs to the block ending at
    ``end = t0 + k1`` (``t0`` the block's first step) and is backpropagated into
    steps ``max(end - k2, 0), ..., t`` only; the input ``x_{t - delay}`` gets a
    gradient from it only if step ``t - delay`` is among them.

    Args:
        length: ``T``. delay: the echo's delay.
        truncation: ``None`` (full BPTT) or ``(k1, k2)``.

    Returns:
        A boolean array ``(T - delay,)`` for the steps ``t = delay, ..., T - 1``.
    """
    steps = np.arange(delay, length)
    if truncation is None:
        return np.ones(len(steps), dtype=bool)
    k1, k2 = truncation
    ends = np.minimum((steps // k1 + 1) * k1, length)
    return steps - delay >= np.maximum(ends - k2, 0)


def memory_probe_accuracy(params: RNNParams, delay: int = 3, length: int = 24) -> float:
    """Is the bit of ``delay`` steps ago still in the hidden state? A linear probe says.

    Fits ``w . h_t + c`` by least squares to ``+1 / -1`` for the bit
    ``x_{t - delay}`` on the validation set's hidden states, and returns the
    accuracy of its sign on the test set's. The network's own output layer is
    not used: the probe asks what the state holds, not what the network reads.

    Args:
        params: the weights whose recurrence is probed.
        delay: how far back the probed bit lies.
        length: ``T`` of the probe's sequences.

    Returns:
        The probe's test accuracy, from 0.5 (the bit is gone) to 1.
    """

    def states_and_bits(seed: int) -> tuple[np.ndarray, np.ndarray]:
        x, targets = delayed_echo(256, length, delay, np.random.default_rng(seed))
        h0 = np.zeros((256, params.W_hh.shape[0]))
        h, _ = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
        features = h[:, delay:].reshape(-1, h.shape[-1])
        return np.c_[features, np.ones(len(features))], targets[:, delay:].reshape(-1)

    features, bits = states_and_bits(VALIDATION_SEED)
    weights = np.linalg.lstsq(features, 2.0 * bits - 1.0, rcond=None)[0]
    test_features, test_bits = states_and_bits(TEST_SEED)
    return float(((test_features @ weights > 0) == test_bits).mean())
