"""The stored pyramid-attention study: complete, chosen on validation, one row re-run.

``scripts/pyramid_attention_study.py`` wrote
``course_code/data/files/pyramid_attention_study.json``; the chapter "Deep and
bidirectional RNNs" shows its rows. Re-running the short check row (seed 0 of the
pyramid listener) must give exactly the stored numbers.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch

from course_code.data.files import data_file
from course_code.models.listener_runs import listener_run

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pyramid_attention_study.py"
MACHINE_DEPENDENT = ("phase", "cpu_seconds", "cpu_seconds_per_update")


def _script():
    spec = importlib.util.spec_from_file_location("pyramid_attention_study", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stored():
    return json.loads(data_file("pyramid_attention_study.json").read_text())


def _without_timings(row):
    return {k: v for k, v in row.items() if k not in MACHINE_DEPENDENT}


def _job_of(row):
    return (
        row["phase"],
        row["kind"],
        row["seed"],
        row["learning_rate"],
        row["updates"],
    )


def test_every_job_of_the_script_has_its_row(stored):
    script = _script()
    rows = stored["rows"]
    expected = [job[:5] for phase in script.PHASES for job in script.jobs(phase, rows)]
    assert sorted(_job_of(r) for r in rows) == sorted(expected)
    for row in rows:
        assert row["eval_updates"][-1] == row["updates"]
        for key in ("loss", "token_accuracy", "exact"):
            assert len(row[key]) == len(row["eval_updates"])
        for key in ("exact", "token_accuracy"):
            assert all(0 <= value <= 1 for value in row[key])


def test_the_learning_rates_are_the_validation_choice(stored):
    rates = _script().chosen_rates(stored["rows"])
    for row in stored["rows"]:
        if row["phase"] == "seeds":
            assert row["learning_rate"] == rates[row["kind"]]
            selection = [
                r
                for r in stored["rows"]
                if r["phase"] == "selection" and r["kind"] == row["kind"]
            ]
            best = max(r["exact"][-1] for r in selection)
            chosen = next(
                r for r in selection if r["learning_rate"] == row["learning_rate"]
            )
            assert chosen["exact"][-1] == best


def test_the_check_row_re_run_equals_the_stored_row(stored):
    row = next(r for r in stored["rows"] if r["phase"] == "check")
    check = stored["check"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the script's workers
    try:
        again = listener_run(
            check["kind"],
            check["seed"],
            check["learning_rate"],
            check["updates"],
            check["eval_every"],
        )
    finally:
        torch.set_num_threads(threads)
    assert _without_timings(again) == _without_timings(row)
