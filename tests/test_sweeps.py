"""run_jobs: the same results, in the same order, on one process or two."""

import pytest

from course_code.models.tagging_runs import TaggerSpec, tagging_splits, train_tagger
from course_code.sweeps import run_jobs


def test_results_come_back_in_job_order():
    jobs = [(2, 3), (3, 2), (5, 1), (7, 0)]
    assert run_jobs(pow, jobs, processes=2) == [8, 9, 5, 1]
    assert run_jobs(pow, jobs, processes=1) == [8, 9, 5, 1]


def test_seeded_training_runs_do_not_depend_on_the_scheduling():
    splits = tagging_splits(0, sizes=(128, 32, 32))
    spec = TaggerSpec(hidden_size=8, epochs=2, batch_size=32)
    jobs = [(spec, seed, splits) for seed in (0, 1, 0)]
    pooled = run_jobs(train_tagger, jobs, processes=2)
    alone = run_jobs(train_tagger, jobs, processes=1)
    assert pooled == alone
    assert pooled[0] == pooled[2] and pooled[0] != pooled[1]


def test_bad_process_count():
    with pytest.raises(ValueError, match="processes"):
        run_jobs(pow, [(1, 1)], processes=0)
