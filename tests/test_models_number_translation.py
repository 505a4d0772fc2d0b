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
