"""The stored seed sweeps of the encoder-decoder chapter: complete, and one row re-run.

``scripts/seq2seq_studies.py`` wrote ``course_code/data/files/seq2seq_studies.json``
with the chapter's recipe; the chapter shows its rows. Re-running one whole row (one
model, one seed, every point of its plan) must give exactly the stored numbers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from course_code.models.number_translation import load_studies, run_plan

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "seq2seq_studies.py"


def _script():
    spec = importlib.util.spec_from_file_location("seq2seq_studies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stored():
    return load_studies()


def test_every_job_of_the_script_has_its_row(stored):
    script = _script()
    keys = [script._key(row) for row in stored]
    assert sorted(keys) == sorted(script._key(job) for job in script.jobs())
    for row in stored:
        epochs = [p["epoch"] for p in row["points"]]
        assert epochs[-1] == sum(e for e, _ in row["plan"])
        for point in row["points"]:
            for split in ("train", "validation", "test"):
                assert 0 <= point[f"{split}_correct"] <= row["sizes"][split]


@pytest.mark.parametrize("study, kind, seed", [("conditioning", "init", 1),
                                               ("order", "one-way-reversed", 0),
                                               ("scores", "multiplicative-attention", 0)])
def test_one_row_re_run_equals_the_stored_row(stored, study, kind, seed):
    row = next(r for r in stored if r["study"] == study and r["kind"] == kind
               and r["seed"] == seed and r["plan"] == [[4, 3e-3], [2, 1e-3]])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the script's workers
    try:
        again = run_plan(row["kind"], row["split"], row["seed"],
                         [tuple(p) for p in row["plan"]], [6])
    finally:
        torch.set_num_threads(threads)
    expected = {k: v for k, v in row.items() if k not in ("study", "plan", "cpu_seconds")}
    assert again == expected
