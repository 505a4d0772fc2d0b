"""Tests of course_code.data.text: the corpus, the character vocabulary, next-character batches."""

import numpy as np
import pytest

from course_code.data.text import CharVocabulary, next_char_batch, python_docs_text


def test_vocabulary_is_sorted_and_round_trips():
    vocab = CharVocabulary("hello world")
    assert vocab.chars == " dehlorw"
    assert len(vocab) == 8
    ids = vocab.encode("world hello")
    np.testing.assert_array_equal(ids, [7, 5, 6, 4, 1, 0, 3, 2, 4, 4, 5])
    assert ids.dtype == np.int64
    assert vocab.decode(ids) == "world hello"
    assert vocab.decode(np.array([], dtype=np.int64)) == ""


def test_vocabulary_rejects_unknown_characters_and_bad_ids():
    vocab = CharVocabulary("abc")
    with pytest.raises(ValueError, match="'xz'"):
        vocab.encode("axbz")
    with pytest.raises(ValueError, match=r"\[0, V=3\)"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match=r"\[0, V=3\)"):
        vocab.decode([-1])
    with pytest.raises(ValueError, match="integers"):
        vocab.decode([0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(T,\)"):
        vocab.decode([[0, 1]])
    with pytest.raises(ValueError, match="non-empty string"):
        CharVocabulary("")
    with pytest.raises(ValueError, match="string"):
        vocab.encode(["a"])


def test_python_docs_text_is_ascii_and_long():
    text = python_docs_text()
    assert len(text) > 100_000
    assert text.isascii()
    assert "statement" in text
    assert len(CharVocabulary(text)) < 128


def test_next_char_batch_targets_are_inputs_shifted_by_one():
    ids = np.arange(100)
    inputs, targets = next_char_batch(ids, batch_size=5, seq_len=7, rng=np.random.default_rng(0))
    assert inputs.shape == targets.shape == (5, 7)
    assert inputs.dtype == targets.dtype == np.int64
    # With ids = 0, 1, 2, ... every row counts up by one and the targets are one ahead.
    np.testing.assert_array_equal(np.diff(inputs, axis=1), 1)
    np.testing.assert_array_equal(targets, inputs + 1)
    assert targets.max() <= 99


def test_next_char_batch_is_seeded():
    ids = np.random.default_rng(5).integers(0, 10, size=200)
    a = next_char_batch(ids, 4, 10, np.random.default_rng(1))
    b = next_char_batch(ids, 4, 10, np.random.default_rng(1))
    c = next_char_batch(ids, 4, 10, np.random.default_rng(2))
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_next_char_batch_validates():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="longer than seq_len=10"):
        next_char_batch(np.arange(10), 2, 10, rng)
    with pytest.raises(ValueError, match="batch_size"):
        next_char_batch(np.arange(50), 0, 10, rng)
    with pytest.raises(ValueError, match="integer array"):
        next_char_batch(np.linspace(0, 1, 50), 2, 10, rng)
    with pytest.raises(ValueError, match="Generator"):
        next_char_batch(np.arange(50), 2, 10, 0)
