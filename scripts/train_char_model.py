"""Train the character-level language model of the chapter "Training recurrent networks".

The chapter trains this model live for a few epochs; this script runs the very
same configuration (same seeds, same batches) for longer and stores the result
in ``course_code/data/files/char_rnn_python_docs.pt``, which the chapter loads. Re-run it with::

    .venv/bin/python scripts/train_char_model.py

It takes a few minutes on two CPU cores. The output is reproducible on one
machine; the text it learns from, ``pydoc_data.topics``, changes a little
between Python versions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from course_code.data.text import CharVocabulary, next_char_batch, python_docs_text
from course_code.models import CharRNN, text_cross_entropy
from course_code.reproducibility import seed_everything
from course_code.training import RandomBatches, fit, perplexity, save_checkpoint, sequence_cross_entropy

CONFIG = {
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
}
OUTPUT = Path(__file__).resolve().parents[1] / "course_code" / "data" / "files" / "char_rnn_python_docs.pt"


def split_corpus(config: dict):
    """The vocabulary and the encoded training and validation parts of the corpus."""
    text = python_docs_text()
    vocab = CharVocabulary(text)
    ids = vocab.encode(text)
    split = int(len(ids) * (1 - config["validation_fraction"]))
    return vocab, ids[:split], ids[split:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    seed_everything(0)
    config = dict(CONFIG, epochs=args.epochs)
    vocab, train_ids, val_ids = split_corpus(config)
    config["chars"] = vocab.chars
    model = CharRNN(len(vocab), config["hidden_size"], config["embedding_dim"], seed=config["model_seed"])
    batches = RandomBatches(
        lambda rng: next_char_batch(train_ids, config["batch_size"], config["seq_len"], rng),
        batches_per_epoch=config["steps_per_epoch"],
        seed=config["batch_seed"],
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learning_rate"])
    history = fit(
        model, sequence_cross_entropy, batches, optimizer,
        epochs=args.epochs, clip_grad_norm=config["clip_grad_norm"], report=True, progress=False,
        eval_fn=lambda m: {"val_perplexity": perplexity(text_cross_entropy(m, val_ids))},
    )
    save_checkpoint(args.output, model, optimizer, history, config)
    print(f"saved {args.output} ({args.output.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
