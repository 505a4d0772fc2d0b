"""The LSTM chapter's seed sweep on file is what scripts/lstm_adding_seeds.py gives."""

import json

import numpy as np
import pytest

from course_code.data.files import data_file
from course_code.models.adding_runs import adding_run

STORED = json.loads(data_file("lstm_adding_seeds.json").read_text())


def test_the_file_holds_five_seeds_of_five_models_at_the_stated_setting():
    runs = STORED["runs"]
    assert sorted({(row["model"], row["seed"]) for row in runs}) == sorted(
        (model, seed)
        for model in ("rnn", "rnn_h66", "irnn", "lstm", "lstm_bf1")
        for seed in range(5)
    )
    setting = STORED["setting"]
    assert (setting["length"], setting["steps"], setting["batch_size"]) == (
        60,
        1000,
        128,
    )
    for row in runs:
        assert row["eval_steps"] == list(range(50, 1001, 50))
        assert len(row["loss_curve"]) == 1000 // setting["curve_block"]
    params = {row["model"]: row["parameters"] for row in runs}
    assert params == {
        "rnn": 1185,
        "rnn_h66": 4687,
        "irnn": 1185,
        "lstm": 4641,
        "lstm_bf1": 4641,
    }


def test_seed_0_of_the_vanilla_rnn_is_re_run_to_the_stored_numbers():
    row = next(r for r in STORED["runs"] if (r["model"], r["seed"]) == ("rnn", 0))
    run = adding_run("rnn", 60, 1000, 0, batch_size=128, eval_every=50)
    assert run.test_mse == pytest.approx(row["test_mse"], rel=1e-9)
    curve = np.asarray(run.losses).reshape(-1, STORED["setting"]["curve_block"]).mean(1)
    np.testing.assert_allclose(curve, row["loss_curve"], rtol=1e-9)
