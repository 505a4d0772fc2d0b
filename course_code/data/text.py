"""Text for character-level language models: a corpus, a vocabulary, and batches.

* :func:`python_docs_text`: the English text of Python's reference documentation
  (what ``help("if")`` prints), as Python 3.11's standard-library module
  ``pydoc_data.topics`` holds it. The package ships that text as a file, so every
  Python version reads the same characters. Licensed under the PSF License
  Agreement, like Python itself. Nothing is downloaded.
* :class:`CharVocabulary`: the sorted set of characters of a text, with
  ``encode`` (string to integer ids) and ``decode`` (ids back to a string).
* :func:`next_char_batch`: ``N`` random windows of a long id sequence, each
  paired with the same window shifted one character to the left, so that the
  target at step ``t`` is the character that follows input ``t``.
"""

from __future__ import annotations

import numpy as np

from course_code.data.files import data_file
from course_code.shapes import check_generator, check_positive_int

__all__ = ["PYTHON_DOCS_FILE", "CharVocabulary", "next_char_batch", "python_docs_text"]

# The shipped copy of CPython 3.11.7's pydoc_data.topics, joined (course_code/data/files).
PYTHON_DOCS_FILE = "python_docs_topics.txt"

# Typographic characters of the documentation and their plain-ASCII spelling.
_ASCII_SPELLINGS = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "--", "\u2026": "...", "\u00a0": " ",
}


def python_docs_text(ascii_only: bool = True) -> str:
    """The topics of Python's reference documentation, joined in sorted order.

    The text is ``pydoc_data.topics.topics`` of CPython 3.11.7, a dict from topic
    names (``"if"``, ``"assignment"``, ...) to their documentation, joined in
    alphabetical order of the names and shipped as the package's data file
    ``python_docs_topics.txt``. Python 3.12 and 3.13 carry a longer text (and one
    more character); reading the shipped copy keeps the vocabulary, the checkpoint
    and every number the chapters print the same on every Python. It is about half
    a million characters of technical English with code examples.

    Args:
        ascii_only: if true, typographic quotes and dashes become their ASCII
            spelling and any other non-ASCII character is dropped, which keeps
            the vocabulary small and free of characters seen only once or twice.

    Returns:
        One string: the topics in alphabetical order of their names, separated
        by blank lines (465,107 characters, 94 distinct, with ``ascii_only``).
    """
    if not isinstance(ascii_only, bool):
        raise TypeError(f"ascii_only must be True or False, got {ascii_only!r}")
    text = data_file(PYTHON_DOCS_FILE).read_text(encoding="utf-8")
    if ascii_only:
        text = "".join(_ASCII_SPELLINGS.get(char, char) for char in text)
        text = text.encode("ascii", errors="ignore").decode("ascii")
    return text


class CharVocabulary:
    """The characters of a text, each given an integer id in ``[0, V)``.

    Ids follow the sorted order of the characters, so the same text always
    gives the same vocabulary.

    Args:
        text: a non-empty string; its distinct characters form the vocabulary.

    Raises:
        ValueError: if ``text`` is not a non-empty string.

    Example:
        >>> vocab = CharVocabulary("hello")
        >>> vocab.chars, len(vocab)
        ('ehlo', 4)
        >>> vocab.encode("hole")
        array([1, 3, 2, 0])
        >>> vocab.decode([1, 0, 2, 2, 3])
        'hello'
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty string, got {text!r:.40}")
        self.chars = "".join(sorted(set(text)))
        self._ids = {char: i for i, char in enumerate(self.chars)}

    def __len__(self) -> int:
        """``V``, the number of distinct characters."""
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharVocabulary(V={len(self)})"

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of ``text``, ``int64`` of shape ``(len(text),)``.

        Raises:
            ValueError: if ``text`` is not a string or holds a character
                outside the vocabulary (the message shows which).
        """
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}")
        unknown = sorted(set(text) - self._ids.keys())
        if unknown:
            raise ValueError(f"text holds characters outside the vocabulary: {''.join(unknown)!r}")
        return np.fromiter((self._ids[char] for char in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """The string spelled by ``ids``, a 1-D sequence of integers in ``[0, V)``.

        Accepts a list, a NumPy array or a torch tensor of shape ``(T,)``.

        Raises:
            ValueError: if ``ids`` is not 1-D, holds non-integers, or an id lies
                outside ``[0, V)``.
        """
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must have shape (T,), got shape {ids.shape}")
        if ids.size == 0:
            return ""
        if not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"ids must hold integers, got dtype {ids.dtype}")
        if ids.min() < 0 or ids.max() >= len(self):
            raise ValueError(
                f"ids must lie in [0, V={len(self)}), got values from {ids.min()} to {ids.max()}"
            )
        return "".join(self.chars[i] for i in ids)


def next_char_batch(
    ids, batch_size: int, seq_len: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``N`` windows of ``T`` characters and the characters that follow each one.

    A start position ``s`` is drawn uniformly from the ``len(ids) - T``
    possible ones; the row's input is ``ids[s : s + T]`` and its target is
    ``ids[s + 1 : s + T + 1]``, so ``targets[n, t] == inputs[n, t + 1]`` for
    ``t < T - 1``.

    Args:
        ids: the encoded text, integers, shape ``(L,)`` with ``L > T``.
        batch_size: ``N``, a positive integer.
        seq_len: ``T``, a positive integer.
        rng: the source of randomness; equal generators give equal batches.

    Returns:
        ``(inputs, targets)``, both ``int64`` of shape ``(N, T)``.

    Raises:
        ValueError: if ``ids`` is not a 1-D integer array longer than ``T``, or
            ``batch_size`` or ``seq_len`` is not a positive integer.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    seq_len = check_positive_int("seq_len", seq_len)
    check_generator("rng", rng)
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array (L,), got shape {ids.shape} and dtype {ids.dtype}")
    if ids.shape[0] <= seq_len:
        raise ValueError(f"ids must be longer than seq_len={seq_len}, got length {ids.shape[0]}")
    starts = rng.integers(0, ids.shape[0] - seq_len, size=batch_size)  # (N,)
    offsets = np.arange(seq_len)  # (T,)
    inputs = ids[starts[:, None] + offsets]  # (N, T)
    targets = ids[starts[:, None] + offsets + 1]  # (N, T)
    return inputs.astype(np.int64), targets.astype(np.int64)
