"""The stored seed sweeps of the adding problem (scripts/adding_problem_sweeps.py) are reproducible.

The chapter "Vanishing and exploding gradients" loads
``course_code/data/files/adding_problem_sweeps.json`` instead of training its
105 runs; this test re-runs one of them and compares it with the stored row.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from course_code.data.files import data_file

pytest.importorskip("torch", reason="the sweep trains torch models")

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "adding_problem_sweeps.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("adding_problem_sweeps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows():
    return json.loads(data_file("adding_problem_sweeps.json").read_text())["rows"]


def test_every_setting_has_every_seed(script, rows):
    stored = {(r["experiment"], r["model"], r["length"], r["steps"], r["seed"]) for r in rows}
    expected = {(*setting, seed) for setting in script.SETTINGS for seed in script.SEEDS}
    assert stored == expected
    for row in rows:
        assert len(row["test_mse"]) == row["steps"] // script.TEST_EVERY
        assert row["test_mse"][str(row["steps"])] == row["final_test_mse"]
        assert len(row["mean_loss_every_50"]) == row["steps"] // script.LOSS_EVERY


def test_one_stored_run_is_reproduced(script, rows):
    setting = ("lengths", "vanilla tanh", 10, 500)
    stored = next(r for r in rows if (r["experiment"], r["model"], r["length"], r["steps"])
                  == setting[:4] and r["seed"] == 1)
    again = script.run(setting, 1)
    assert again["test_mse"] == pytest.approx(stored["test_mse"], abs=2e-6)
    assert again["mean_loss_every_50"] == pytest.approx(stored["mean_loss_every_50"], abs=2e-6)
