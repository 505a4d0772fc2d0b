"""Small PyTorch models built on :mod:`course_code.nn`, and the baselines they must beat.

* :class:`CharRNN`: a character-level language model; :func:`text_cross_entropy`
  scores it on a text, :func:`sample` generates text with a temperature.
* :class:`ManyToOneRNN`: reads a sequence and answers once, from ``h_T``
  (classification or one-step forecasting).
* Counting baselines for language models (:mod:`~course_code.models.ngram`).
"""

from course_code.models.char_rnn import CharRNN, text_cross_entropy
from course_code.models.many_to_one import ManyToOneRNN
from course_code.models.ngram import (
    bigram_probabilities,
    ngram_cross_entropy,
    unigram_probabilities,
    uniform_probabilities,
)
from course_code.models.sampling import sample, sample_next
from course_code.reproducibility import seeded_init

__all__ = [
    "CharRNN",
    "ManyToOneRNN",
    "bigram_probabilities",
    "ngram_cross_entropy",
    "sample",
    "sample_next",
    "seeded_init",
    "text_cross_entropy",
    "unigram_probabilities",
    "uniform_probabilities",
]
