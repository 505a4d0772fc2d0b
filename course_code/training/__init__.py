"""The training loop the course reuses, with its batches, metrics and checkpoints.

* :func:`fit` and :class:`History` (:mod:`~course_code.training.loop`): train
  for some epochs with optional gradient-norm clipping, a switchable progress
  bar, and per-epoch evaluation.
* :class:`ShuffledBatches`, :class:`RandomBatches`
  (:mod:`~course_code.training.batches`): seeded, re-iterable batch streams.
* :func:`sequence_cross_entropy`, :func:`accuracy`, :func:`perplexity`
  (:mod:`~course_code.training.metrics`).
* :func:`save_checkpoint`, :func:`load_checkpoint`
  (:mod:`~course_code.training.checkpoint`).
"""

from course_code.training.batches import RandomBatches, ShuffledBatches
from course_code.training.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from course_code.training.loop import History, fit
from course_code.training.metrics import accuracy, perplexity, sequence_cross_entropy

__all__ = [
    "Checkpoint",
    "History",
    "RandomBatches",
    "ShuffledBatches",
    "accuracy",
    "fit",
    "load_checkpoint",
    "perplexity",
    "save_checkpoint",
    "sequence_cross_entropy",
]
