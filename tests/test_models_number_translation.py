"""The chapter's recipe for the number task: splits, models, scoring."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_code.data.number_words import number_to_words
from course_code.models.number_translation import (
    MODELS,
    SPLITS,
    build_model,
    greedy_correct,
    number_task,
    run_plan,
)


@pytest.fixture(scope="module")
def tasks():
    return {split: number_task(split, seed=0) for split in SPLITS}


def test_splits_share_no_number_and_keep_their_promises(tasks):
    for split, task in tasks.items():
        sets = [set(s.numbers.tolist()) for s in (task.train, task.validation, task.test)]
        assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
        assert len(task.train.numbers) == 4000
        for s in (task.train, task.validation, task.test):
            assert [len(str(n)) for n in s.numbers] == s.digits.tolist()
            assert [len(number_to_words(int(n))) for n in s.numbers] == s.words.tolist()
    by_digits = tasks["by_digits"]
    counts = np.bincount(by_digits.test.digits, minlength=10)[1:]
    assert counts.tolist() == [2, 18] + [110] * 7
    assert np.bincount(by_digits.validation.digits, minlength=10)[1:].tolist() == [1, 9] + [55] * 7
    short = tasks["up_to_6_digits"]
    assert short.train.digits.max() <= 6 and short.validation.digits.max() <= 6
    assert short.test.digits.min() == 7 and short.test.digits.max() == 9
    words = tasks["up_to_10_words"]
    assert words.train.words.max() <= 10 and words.test.words.min() >= 11


def test_the_same_seed_gives_the_same_sets():
    a, b = number_task("by_digits", 3), number_task("by_digits", 3)
    assert np.array_equal(a.train.numbers, b.train.numbers)
    assert torch.equal(a.test.source, b.test.source)
    assert not np.array_equal(a.train.numbers, number_task("by_digits", 4).train.numbers)


@pytest.mark.parametrize("kind", MODELS)
def test_every_model_reads_the_task(kind, tasks):
    task = tasks["by_digits"]
    model = build_model(kind, task, seed=0)
    subset = task.test._replace(source=task.test.source[:5],
                                decoder_target=task.test.decoder_target[:5])
    correct = greedy_correct(model, subset)
    assert correct.shape == (5,) and correct.dtype == bool
    again = build_model(kind, task, seed=0)
    for p, q in zip(model.parameters(), again.parameters()):
        assert torch.equal(p, q)


def test_a_short_plan_is_reproducible():
    first = run_plan("both", "up_to_6_digits", 1, [(1, 3e-3)], detail_epochs=[1])
    second = run_plan("both", "up_to_6_digits", 1, [(1, 3e-3)], detail_epochs=[1])
    assert first == second
    point = first["points"][0]
    assert point["epoch"] == 1 and 0 <= point["test_correct"] <= first["sizes"]["test"]
    by_digits = first["details"]["1"]["test_by_digits"]
    assert sum(c for c, _ in by_digits.values()) == point["test_correct"]


def test_errors(tasks):
    with pytest.raises(ValueError, match="split must be one of"):
        number_task("random")
    with pytest.raises(ValueError, match="kind must be one of"):
        build_model("transformer", tasks["by_digits"], 0)


def test_reversed_sources_hold_the_same_words_last_word_first():
    plain, reversed_ = number_task("by_digits", 0), number_task("by_digits", 0, True)
    for a, b in ((plain.train, reversed_.train), (plain.test, reversed_.test)):
        assert np.array_equal(a.numbers, b.numbers)
        assert torch.equal(a.decoder_target, b.decoder_target)
        for (words, digits), (backwards, same_digits) in zip(a.pairs, b.pairs):
            assert backwards == words[::-1] and same_digits == digits
        # reversed within each source's length: the padding stays at the end
        lengths = (a.source != 0).sum(dim=1)
        assert torch.equal(lengths, (b.source != 0).sum(dim=1))
        for row, backwards, n in zip(a.source, b.source, lengths.tolist()):
            assert torch.equal(row[:n].flip(0), backwards[:n])
            assert not backwards[n:].any()
    with pytest.raises(TypeError, match="reverse_source must be True or False"):
        number_task("by_digits", 0, reverse_source=1)


def test_one_way_models_read_left_to_right_and_reversed_ones_get_reversed_sources():
    task = number_task("by_digits", 0)
    one_way = build_model("one-way", task, seed=0)
    assert one_way.encoder.output_size == 48 and not one_way.encoder.rnn.bidirectional
    assert build_model("both", task, seed=0).encoder.output_size == 96
    # the suffix changes only the data, not the model
    for p, q in zip(one_way.parameters(),
                    build_model("one-way-reversed", task, seed=0).parameters()):
        assert torch.equal(p, q)
    plan = [(1, 3e-3)]
    assert run_plan("one-way-reversed", "by_digits", 0, plan) != run_plan(
        "one-way", "by_digits", 0, plan)
