"""Generate text from a character model by sampling with a temperature.

At each step the model's logits ``l`` become the distribution
``softmax(l / tau)``. With ``tau = 1`` that is the model's own distribution;
``tau < 1`` sharpens it towards the most likely character (``tau -> 0``
gives the greedy choice ``argmax l``); ``tau > 1`` flattens it towards the
uniform distribution.
"""

from __future__ import annotations

import numpy as np
import torch

from course_code.shapes import (
    ArgumentTypeError,
    check_positive_int,
    check_positive_real,
    check_tensor,
)

__all__ = ["sample", "sample_next"]


def _check_generator(generator) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ArgumentTypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")


def sample_next(logits: torch.Tensor, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw one class per row from ``softmax(logits / temperature)``.

    Args:
        logits: ``(N, V)``.
        temperature: ``tau > 0``.
        generator: the source of randomness (``None``: torch's global one).

    Returns:
        ``int64`` class ids ``(N,)``.

    Raises:
        ValueError: if ``temperature`` is not positive, ``logits`` is not 2-D or holds
            NaN or infinity (which would give no distribution to draw from).
        TypeError: if ``logits`` is not a floating-point tensor or ``generator`` not a generator.
    """
    temperature = check_positive_real("temperature", temperature)
    _check_generator(generator)
    check_tensor("logits", logits, ("N", "V"), dtype="float")
    if not bool(torch.isfinite(logits).all()):
        raise ValueError("logits must be finite: NaN or infinity gives no distribution to sample from")
    scaled = logits.double() / temperature
    probabilities = torch.softmax(scaled - scaled.max(dim=1, keepdim=True).values, dim=1)
    return torch.multinomial(probabilities, 1, generator=generator)[:, 0]


def sample(
    model: torch.nn.Module,
    prompt,
    length: int,
    temperature: float = 1.0,
    generator: torch.Generator | None = None,
) -> np.ndarray:
    """Continue ``prompt`` by ``length`` characters, feeding each sample back in.

    The model reads the prompt, samples the next character from its last
    logits, reads that character, samples again, and so on. It must accept
    ``model(ids (1, T), h0, return_state=True) -> (logits (1, T, V), h_n)``,
    as :class:`~course_code.models.CharRNN` does.

    Args:
        model: the character model.
        prompt: integer ids ``(T0,)`` with ``T0 >= 1``.
        length: how many characters to generate, non-negative.
        temperature: ``tau > 0``.
        generator: a ``torch.Generator``; equal generators give equal text.

    Returns:
        The generated ids, ``int64`` of shape ``(length,)`` (without the prompt).

    Raises:
        ValueError: if ``temperature`` is not positive, the prompt is empty
            or not 1-D, or ``length`` is negative.
    """
    temperature = check_positive_real("temperature", temperature)
    prompt = torch.as_tensor(np.asarray(prompt), dtype=torch.int64)
    if prompt.dim() != 1 or prompt.shape[0] == 0:
        raise ValueError(f"prompt must be a non-empty 1-D sequence of ids (T0,), got shape {tuple(prompt.shape)}")
    length = check_positive_int("length", length, minimum=0)
    _check_generator(generator)
    if int(prompt.min()) < 0:
        raise ValueError(f"prompt must hold ids >= 0, got {int(prompt.min())}")
    was_training = model.training
    model.eval()
    generated = []
    with torch.no_grad():
        logits, h = model(prompt[None, :], None, return_state=True)  # (1, T0, V)
        for _ in range(length):
            next_id = sample_next(logits[:, -1], temperature, generator)  # (1,)
            generated.append(int(next_id))
            logits, h = model(next_id[None, :], h, return_state=True)  # (1, 1, V)
    model.train(was_training)
    return np.array(generated, dtype=np.int64)
