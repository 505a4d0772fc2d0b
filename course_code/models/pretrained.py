"""The character model that ships with the course, and its weights as NumPy arrays.

The shipped data file ``char_rnn_python_docs.pt`` is the :class:`~course_code.models.CharRNN`
trained by ``scripts/train_char_model.py`` (see ``course_code/data/files/README.md``). The
chapter on training reads it, and so does the sampling exercise, which runs
the model with the student's own NumPy code: :func:`char_rnn_to_numpy` gives
the weights in the course's NumPy names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from course_code.data.files import data_file
from course_code.data.text import CharVocabulary
from course_code.models.char_rnn import CharRNN
from course_code.nn.convert import rnn_layer_to_numpy
from course_code.training.checkpoint import load_checkpoint

__all__ = ["CHAR_MODEL_PATH", "char_rnn_to_numpy", "load_char_rnn"]

CHAR_MODEL_PATH = data_file("char_rnn_python_docs.pt")


def load_char_rnn(path: str | Path = CHAR_MODEL_PATH) -> tuple[CharRNN, CharVocabulary]:
    """The trained character model of a checkpoint, in eval mode, with its vocabulary.

    Raises:
        ValueError: if the file is missing or is not a character-model checkpoint
            (its configuration must hold ``chars``, ``hidden_size`` and ``embedding_dim``).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no checkpoint at {path}: run scripts/train_char_model.py to create it")
    config = load_checkpoint(path).config
    missing = {"chars", "hidden_size", "embedding_dim"} - set(config)
    if missing:
        raise ValueError(f"{path} is not a character-model checkpoint: its config lacks {sorted(missing)}")
    vocab = CharVocabulary(config["chars"])
    model = CharRNN(len(vocab), config["hidden_size"], config["embedding_dim"])
    load_checkpoint(path, model)
    return model.eval(), vocab


@torch.no_grad()
def char_rnn_to_numpy(model: CharRNN) -> dict[str, np.ndarray]:
    """A one-layer :class:`CharRNN`'s weights as float64 NumPy arrays.

    Returns:
        ``{"embedding": (V, D), "W_xh": (H, D), "W_hh": (H, H), "b_h": (H,),
        "W_hy": (V, H), "b_y": (V,)}``, with ``b_h = bias_ih + bias_hh``.

    Raises:
        ValueError: if the model is not a vanilla RNN or has more than one recurrent layer.
    """
    if getattr(model, "cell", "rnn") != "rnn":
        raise ValueError(f"only a vanilla-RNN CharRNN has these six arrays, got cell={model.cell!r}")
    if model.rnn.num_layers != 1:
        raise ValueError(f"only a one-layer CharRNN has these six arrays, got {model.rnn.num_layers} layers")
    weights = {"embedding": model.embedding.weight.numpy().copy(), **rnn_layer_to_numpy(model.rnn)}
    weights["W_hy"] = model.readout.weight.numpy().copy()
    weights["b_y"] = model.readout.bias.numpy().copy()
    return {name: array.astype(np.float64) for name, array in weights.items()}
