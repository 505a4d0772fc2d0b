"""A synthetic tagging task in which a word's tag is decided by a word that comes after it.

The task imitates named-entity recognition. A sentence is a run of ordinary
words in which entities appear: one to three *names* followed by a *cue* word
that reveals what the names refer to::

    we met  paris    hilton   said  near  the  bridge         (names, then cue "said": a person)
    O  O    PER      PER      O     O     O    O
    we saw  paris    city     and   then                      (cue "city": a location)
    O  O    LOC      O        O     O

Every name can be a person (PER), a location (LOC) or an organisation (ORG),
with equal probability and independently of everything before it, so the tag
of a name is decided only by the cue, 1 to 3 steps *later*. A left-to-right
model reading up to step ``t`` cannot do better than guess on names: any
causal tagger is right on at most 1/3 of the name tokens
(:func:`causal_accuracy_ceiling`). A bidirectional model sees the cue.

Token id 0 is padding; tags are ``O, PER, LOC, ORG`` = ``0, 1, 2, 3``.
"""

from __future__ import annotations

import numpy as np

from course_code.masking import length_mask
from course_code.shapes import check_generator, check_positive_int, check_probability

__all__ = [
    "CUES",
    "FILLERS",
    "NAMES",
    "PAD_ID",
    "TAGS",
    "VOCABULARY",
    "causal_accuracy_ceiling",
    "decode_tokens",
    "make_tagging_batch",
    "tagging_sentence",
]

TAGS = ("O", "PER", "LOC", "ORG")
PAD_ID = 0
FILLERS = ("the", "a", "we", "saw", "met", "near", "and", "then", "with", "today", "visited", "from", "of", "by",
           "bridge")
NAMES = ("paris", "jordan", "sydney", "austin", "florence", "chelsea", "victoria", "lincoln", "georgia",
         "dallas", "kent", "hilton", "morgan", "york")
CUES = {  # tag id -> the words that reveal it
    1: ("said", "smiled", "wrote"),
    2: ("city", "county", "river"),
    3: ("inc", "ltd", "corp"),
}
VOCABULARY = ("<pad>",) + FILLERS + NAMES + tuple(word for tag in (1, 2, 3) for word in CUES[tag])
_ID = {word: i for i, word in enumerate(VOCABULARY)}


_positive = check_positive_int


def tagging_sentence(length: int, rng: np.random.Generator, entity_probability: float = 0.3):
    """One sentence of exactly ``length`` words and its tags, as two integer arrays ``(length,)``.

    Words are drawn left to right: with probability ``entity_probability`` (if
    it fits in the remaining space) an entity of 1-3 names plus its cue, else
    one filler word. The entity's type is uniform over PER, LOC, ORG.
    """
    length = _positive("length", length)
    check_generator("rng", rng)
    entity_probability = check_probability("entity_probability", entity_probability)
    words, tags = [], []
    while len(words) < length:
        span = int(rng.integers(1, 4))  # 1 to 3 names
        if rng.random() < entity_probability and len(words) + span + 1 <= length:
            tag = int(rng.integers(1, 4))
            words += [_ID[NAMES[i]] for i in rng.integers(0, len(NAMES), span)]
            words.append(_ID[CUES[tag][int(rng.integers(0, 3))]])
            tags += [tag] * span + [0]  # the names get the type, the cue itself is O
        else:
            words.append(_ID[FILLERS[int(rng.integers(0, len(FILLERS)))]])
            tags.append(0)
    return np.array(words, dtype=np.int64), np.array(tags, dtype=np.int64)


def make_tagging_batch(num_sentences: int, rng: np.random.Generator, min_length: int = 6, max_length: int = 20,
                       entity_probability: float = 0.3, padding_tag: int = -100):
    """``num_sentences`` sentences of random lengths, padded at the end.

    Returns:
        ``(tokens, tags, lengths)``: token ids ``(N, T)`` with :data:`PAD_ID` at
        padding, tag ids ``(N, T)`` with ``padding_tag`` at padding (PyTorch's
        ``ignore_index`` by default), and the lengths ``(N,)``; ``T`` is the
        longest length drawn.
    """
    num_sentences = _positive("num_sentences", num_sentences)
    min_length, max_length = _positive("min_length", min_length), _positive("max_length", max_length)
    if min_length > max_length:
        raise ValueError(f"min_length must be at most max_length, got {min_length} > {max_length}")
    check_generator("rng", rng)
    lengths = rng.integers(min_length, max_length + 1, num_sentences)
    T = int(lengths.max())
    tokens = np.full((num_sentences, T), PAD_ID, dtype=np.int64)
    tags = np.full((num_sentences, T), padding_tag, dtype=np.int64)
    for n, length in enumerate(lengths):
        tokens[n, :length], tags[n, :length] = tagging_sentence(int(length), rng, entity_probability)
    return tokens, tags, lengths.astype(np.int64)


def causal_accuracy_ceiling(tags: np.ndarray, lengths: np.ndarray, delay: int = 0) -> float:
    """The best token accuracy a left-to-right tagger can expect on these sentences.

    Before its cue, a name's type is uniform over three and independent of the
    prefix, so the best causal guess is right with probability 1/3 on a name.
    Every other token is recognisable from itself (it is not a name) and is O.
    At ``delay=0`` (the tag of word ``t`` emitted at step ``t``) the ceiling is
    the mean over real tokens of ``1`` (O) and ``1/3`` (a name). A tagger whose
    output is delayed by ``d`` steps (:mod:`course_code.data.delayed_outputs`)
    has read ``d`` words further, so a name whose cue is at most ``d`` words
    after it counts ``1`` as well.
    """
    delay = check_positive_int("delay", delay, minimum=0)
    tags = np.asarray(tags)
    mask = length_mask(lengths, tags.shape[1])
    is_name = (tags > 0) & mask
    cue_distance = np.zeros(tags.shape, dtype=np.int64)  # steps from a name to its cue
    for t in range(tags.shape[1] - 2, -1, -1):  # a name's cue follows its span
        cue_distance[:, t] = np.where(is_name[:, t], cue_distance[:, t + 1] + 1, 0)
    guessed = is_name & (cue_distance > delay)  # names whose cue the tagger has not read
    return float((mask.sum() - guessed.sum() * 2 / 3) / mask.sum())


def decode_tokens(tokens: np.ndarray) -> list[str]:
    """Token ids ``(T,)`` to words, without the padding."""
    return [VOCABULARY[int(i)] for i in tokens if int(i) != PAD_ID]
