"""Train the character-level language models of the chapter "Training recurrent networks".

The chapter trains the vanilla model live for a few epochs; this script runs the
very same configuration (same seeds, same batches) for longer and stores the
result in ``course_code/data/files/char_rnn_python_docs.pt``, which the chapter
loads. With ``--model lstm`` it trains the larger LSTM model that the chapter
sets against the best n-gram baseline, and stores it (weights, history and
configuration, no optimizer state) in ``char_lstm_python_docs.pt``::

    .venv/bin/python scripts/train_char_model.py              # vanilla RNN, a few minutes
    .venv/bin/python scripts/train_char_model.py --model lstm # LSTM, 20-40 minutes

The checkpoint is rewritten after every epoch, so an interrupted run leaves its
last complete epoch behind. Both runs are seeded and reproducible on one machine; they read the shipped copy
of the corpus (``python_docs_topics.txt``), so every Python sees the same text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from course_code.data.text import CharVocabulary, next_char_batch, python_docs_text
from course_code.models import CharRNN, text_cross_entropy
from course_code.reproducibility import seed_everything
from course_code.training import (
    RandomBatches,
    fit,
    perplexity,
    save_checkpoint,
    sequence_cross_entropy,
)

FILES = Path(__file__).resolve().parents[1] / "course_code" / "data" / "files"

CONFIG = {
    "cell": "rnn",
    "hidden_size": 128,
    "embedding_dim": 32,
    "batch_size": 32,
    "seq_len": 50,
    "steps_per_epoch": 100,
    "learning_rate": 0.005,
    "clip_grad_norm": 1.0,
    "validation_fraction": 0.1,
    "model_seed": 0,
    "batch_seed": 1,
    "epochs": 30,
}
"""The vanilla model of the chapter (its first four epochs are trained live there)."""

LSTM_CONFIG = dict(CONFIG, cell="lstm", hidden_size=256, seq_len=100, learning_rate=0.003)
"""The LSTM model, with the vanilla model's budget (30 epochs of 100 steps): fixed before
training, not tuned on the validation text."""

MODELS = {
    "rnn": (CONFIG, FILES / "char_rnn_python_docs.pt", True),
    "lstm": (LSTM_CONFIG, FILES / "char_lstm_python_docs.pt", False),
}
"""name -> (configuration, output file, whether to store the optimizer's state)."""


def split_corpus(config: dict):
    """The vocabulary and the encoded training and validation parts of the corpus."""
    text = python_docs_text()
    vocab = CharVocabulary(text)
    ids = vocab.encode(text)
    split = int(len(ids) * (1 - config["validation_fraction"]))
    return vocab, ids[:split], ids[split:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="rnn")
    parser.add_argument("--epochs", type=int, default=None, help="default: the model's own")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    base_config, default_output, keep_optimizer = MODELS[args.model]
    output = args.output or default_output
    seed_everything(0)
    config = dict(base_config)
    if args.epochs is not None:
        config["epochs"] = args.epochs
    vocab, train_ids, val_ids = split_corpus(config)
    config["chars"] = vocab.chars
    model = CharRNN(len(vocab), config["hidden_size"], config["embedding_dim"],
                    seed=config["model_seed"], cell=config["cell"])
    batches = RandomBatches(
        lambda rng: next_char_batch(train_ids, config["batch_size"], config["seq_len"], rng),
        batches_per_epoch=config["steps_per_epoch"],
        seed=config["batch_seed"],
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learning_rate"])
    history = None
    for _ in range(config["epochs"]):  # one epoch at a time, the checkpoint saved after each
        history = fit(
            model, sequence_cross_entropy, batches, optimizer,
            epochs=1, clip_grad_norm=config["clip_grad_norm"], report=True, progress=False,
            eval_fn=lambda m: {"val_perplexity": perplexity(text_cross_entropy(m, val_ids))},
            history=history,
        )
        partial = output.with_suffix(".partial")
        save_checkpoint(partial, model, optimizer if keep_optimizer else None, history, config)
        partial.replace(output)
    print(f"saved {output} ({output.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
