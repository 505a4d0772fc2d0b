"""Vocabularies with special tokens, encoded pairs and their batches."""

from __future__ import annotations

import pytest
import torch

from course_code.data.pairs import BOS, EOS, PAD, PairBatches, TokenVocabulary, encode_pairs


def test_vocabulary_ids_and_round_trip():
    vocab = TokenVocabulary(["b", "a", "b"])
    assert vocab.tokens == ("<pad>", "<bos>", "<eos>", "a", "b") and len(vocab) == 5
    assert vocab.encode(["a", "b"]) == [3, 4]
    assert vocab.decode([BOS, 4, PAD, 3, EOS, 4], separator=" ") == "b a"


def test_vocabulary_rejects_bad_tokens():
    with pytest.raises(ValueError, match="non-empty strings"):
        TokenVocabulary(["<eos>"])
    with pytest.raises(ValueError, match="not in the vocabulary"):
        TokenVocabulary("ab").encode("abc")


def test_decoder_input_and_target_are_shifted_by_one():
    src_vocab, tgt_vocab = TokenVocabulary(["forty", "two", "seven"]), TokenVocabulary("0123456789")
    source, dec_in, dec_out = encode_pairs([(["forty", "two"], "42"), (["seven"], "7")], src_vocab, tgt_vocab)
    four, two, seven = (tgt_vocab.encode(c)[0] for c in "427")
    assert source.tolist() == [src_vocab.encode(["forty", "two"]), [src_vocab.encode(["seven"])[0], PAD]]
    assert dec_in.tolist() == [[BOS, four, two], [BOS, seven, PAD]]
    assert dec_out.tolist() == [[four, two, EOS], [seven, EOS, PAD]]
    assert torch.equal(dec_in[:, 1:][dec_out[:, :-1] != EOS], dec_out[:, :-1][dec_out[:, :-1] != EOS])


def test_encode_pairs_errors():
    vocab = TokenVocabulary("ab")
    with pytest.raises(ValueError, match="at least one"):
        encode_pairs([], vocab, vocab)
    with pytest.raises(ValueError, match="at least one token"):
        encode_pairs([("a", "")], vocab, vocab)


def test_batches_cover_every_pair_once_and_are_trimmed():
    vocab = TokenVocabulary("abc")
    pairs = [("a" * (1 + i % 5), "b" * (1 + i % 3)) for i in range(23)]
    source, dec_in, dec_out = encode_pairs(pairs, vocab, vocab)
    batches = PairBatches(source, dec_in, dec_out, batch_size=4, seed=0)
    assert len(batches) == 6
    seen = []
    for (src, din), dout in batches:
        assert (src != PAD).sum(1).max() == src.shape[1]  # no all-padding column
        assert (dout != PAD).sum(1).max() == dout.shape[1] == din.shape[1]
        seen += [(s[s != PAD].tolist(), d[d != PAD].tolist()) for s, d in zip(src, dout)]
    expected = [(s[s != PAD].tolist(), d[d != PAD].tolist()) for s, d in zip(source, dec_out)]
    assert sorted(seen) == sorted(expected)
    first = [b[1].tolist() for b in PairBatches(source, dec_in, dec_out, 4, seed=0)]
    assert first == [b[1].tolist() for b in PairBatches(source, dec_in, dec_out, 4, seed=0)]


def test_batches_errors():
    x = torch.zeros(3, 2, dtype=torch.int64)
    with pytest.raises(ValueError, match="batch_size"):
        PairBatches(x, x, x, 0, seed=0)
    with pytest.raises(ValueError, match="expected source"):
        PairBatches(x, x, x[:, :1], 2, seed=0)
