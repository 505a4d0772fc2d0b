"""Token vocabularies with special tokens, and padded batches of (source, target) pairs.

An encoder-decoder model needs three tokens that no sentence contains:

* ``<pad>`` (id 0) fills the end of shorter sequences in a batch;
* ``<bos>`` (id 1), "beginning of sequence", is the decoder's first input;
* ``<eos>`` (id 2), "end of sequence", is the decoder's last target: emitting it
  is how the model says that the output is complete, so outputs can have any length.

For a target ``y_1 ... y_T`` the decoder reads ``<bos> y_1 ... y_T`` and must predict
``y_1 ... y_T <eos>``: the same sequence shifted by one step (teacher forcing).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch

from course_code.shapes import check_positive_int

__all__ = ["BOS", "EOS", "PAD", "PairBatches", "TokenVocabulary", "encode_pairs"]

PAD, BOS, EOS = 0, 1, 2
_SPECIALS = ("<pad>", "<bos>", "<eos>")


class TokenVocabulary:
    """Ids for a set of tokens (words or characters), after the three special tokens.

    Ids 0, 1, 2 are ``<pad>``, ``<bos>``, ``<eos>``; the tokens follow in sorted
    order, so the same tokens always give the same ids.

    Args:
        tokens: any iterable of strings (duplicates are ignored).

    Raises:
        ValueError: if a token is not a non-empty string or is a special token.

    Example:
        >>> vocab = TokenVocabulary("3120")
        >>> vocab.tokens
        ('<pad>', '<bos>', '<eos>', '0', '1', '2', '3')
        >>> vocab.encode("30"), vocab.decode([6, 3, 2, 0])
        ([6, 3], '30')
    """

    def __init__(self, tokens) -> None:
        distinct = set(tokens)
        for token in distinct:
            if not isinstance(token, str) or not token or token in _SPECIALS:
                raise ValueError(f"tokens must be non-empty strings other than {_SPECIALS}, got {token!r}")
        self.tokens = _SPECIALS + tuple(sorted(distinct))
        self._ids = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, sequence: Sequence[str]) -> list[int]:
        """The ids of a sequence of tokens (a list of words, or a string of characters)."""
        try:
            return [self._ids[token] for token in sequence]
        except KeyError as error:
            raise ValueError(f"token {error.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids, separator: str = "") -> str:
        """The tokens of ``ids`` up to the first ``<eos>``, joined by ``separator``.

        Padding and ``<bos>`` are skipped.
        """
        out = []
        for i in np.asarray(ids).reshape(-1).tolist():
            if i == EOS:
                break
            if i in (PAD, BOS):
                continue
            out.append(self.tokens[i])
        return separator.join(out)


def _padded(rows: list[list[int]]) -> torch.Tensor:
    width = max(len(row) for row in rows)
    out = torch.full((len(rows), width), PAD, dtype=torch.int64)
    for n, row in enumerate(rows):
        out[n, : len(row)] = torch.tensor(row, dtype=torch.int64)
    return out


def encode_pairs(pairs, source_vocab: TokenVocabulary, target_vocab: TokenVocabulary):
    """Encode (source, target) pairs as three padded id tensors.

    Args:
        pairs: ``M`` pairs of token sequences, e.g. ``(["forty", "two"], "42")``;
            every source and target has at least one token.
        source_vocab, target_vocab: the vocabularies of the two sides.

    Returns:
        ``(source (M, S), decoder_input (M, T + 1), decoder_target (M, T + 1))``,
        ``int64``, padded with ``PAD`` to the longest source ``S`` and target ``T``:
        ``decoder_input`` is ``<bos> y_1 ... y_T`` and ``decoder_target`` is
        ``y_1 ... y_T <eos>``.

    Raises:
        ValueError: if ``pairs`` is empty, a sequence is empty, or a token is unknown.
    """
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs must hold at least one (source, target) pair")
    sources, inputs, targets = [], [], []
    for source, target in pairs:
        if len(source) == 0 or len(target) == 0:
            raise ValueError(f"every source and target needs at least one token, got {(source, target)!r}")
        sources.append(source_vocab.encode(source))
        target_ids = target_vocab.encode(target)
        inputs.append([BOS] + target_ids)
        targets.append(target_ids + [EOS])
    return _padded(sources), _padded(inputs), _padded(targets)


class PairBatches:
    """Shuffled mini-batches of encoded pairs, for :func:`~course_code.training.fit`.

    Each batch is ``((source, decoder_input), decoder_target)``: the model receives
    the pair ``(source, decoder_input)`` as its one argument. Every batch is cut to
    the longest sequence it holds, so short examples do not pay for long ones.

    Args:
        source: ``(M, S)``. decoder_input, decoder_target: ``(M, T + 1)``; as from
            :func:`encode_pairs`.
        batch_size: ``N``; the last batch of an epoch may be smaller.
        seed: seeds the permutation of every epoch.
    """

    def __init__(self, source: torch.Tensor, decoder_input: torch.Tensor, decoder_target: torch.Tensor,
                 batch_size: int, seed: int) -> None:
        if source.dim() != 2 or decoder_input.shape != decoder_target.shape or decoder_input.dim() != 2 \
                or len(source) != len(decoder_input):
            raise ValueError(f"expected source (M, S) and decoder_input, decoder_target (M, T + 1), got "
                             f"{tuple(source.shape)}, {tuple(decoder_input.shape)}, {tuple(decoder_target.shape)}")
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.source, self.decoder_input, self.decoder_target = source, decoder_input, decoder_target
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return -(-len(self.source) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]]:
        order = torch.from_numpy(self._rng.permutation(len(self.source)))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            source, dec_in, dec_out = self.source[idx], self.decoder_input[idx], self.decoder_target[idx]
            S = int((source != PAD).sum(1).max())
            T = int((dec_out != PAD).sum(1).max())
            yield (source[:, :S], dec_in[:, :T]), dec_out[:, :T]
