"""Run the LSTM chapter's seed sweep on the adding problem and store the results.

Five models (the vanilla RNN with H = 32 and with H = 66, which has as many
parameters as the LSTM; the IRNN; the LSTM with PyTorch's initialisation and
with a forget-gate bias of 1), five seeds each, T = 60, 1000 updates of Adam on
batches of 128, test MSE every 50 updates: 25 runs, about four minutes of CPU,
more than a chapter may spend. The chapter loads the file this writes,
``course_code/data/files/lstm_adding_seeds.json``; the test suite re-runs seed
0 of one model and checks it equals the stored row; and the chapter itself
re-runs seed 0 of the LSTM and the vanilla RNN live. Run it on both cores::

    .venv/bin/python scripts/lstm_adding_seeds.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from course_code.models.adding_runs import SUCCESS_MSE, adding_run
from course_code.sweeps import run_jobs

OUTPUT = Path(__file__).resolve().parents[1] / "course_code" / "data" / "files"
NAME = "lstm_adding_seeds.json"
SETTING = {"length": 60, "steps": 1000, "batch_size": 128, "eval_every": 50}
MODELS = ("rnn", "rnn_h66", "irnn", "lstm", "lstm_bf1")
SEEDS = (0, 1, 2, 3, 4)
CURVE_BLOCK = 10
"""The stored learning curve is the mean training MSE of each block of 10 updates."""


def run_row(model: str, seed: int) -> dict:
    """One row of the file: the setting, the test MSE curve and a coarse loss curve."""
    name, hidden_size = ("rnn", 66) if model == "rnn_h66" else (model, 32)
    run = adding_run(
        name,
        SETTING["length"],
        SETTING["steps"],
        seed,
        batch_size=SETTING["batch_size"],
        eval_every=SETTING["eval_every"],
        hidden_size=hidden_size,
        keep_weights=True,
    )
    losses = np.asarray(run.losses).reshape(-1, CURVE_BLOCK).mean(axis=1)
    row = {
        "model": model,
        "seed": seed,
        "hidden_size": hidden_size,
        "parameters": int(sum(v.numel() for v in run.weights.values())),
        "eval_steps": run.eval_steps,
        "test_mse": run.test_mse,
        "loss_curve": [float(v) for v in losses],
        "first_below_success": run.first_below(SUCCESS_MSE),
    }
    if name.startswith("lstm"):  # the forget-gate bias after training, b_ih + b_hh
        b = run.weights["core.lstm.bias_ih_l0"] + run.weights["core.lstm.bias_hh_l0"]
        row["forget_bias_after"] = float(b[hidden_size : 2 * hidden_size].mean())
    return row


def main() -> None:
    jobs = [(model, seed) for model in MODELS for seed in SEEDS]
    rows = run_jobs(run_row, jobs, processes=2)
    document = {
        "setting": SETTING | {"curve_block": CURVE_BLOCK, "success_mse": SUCCESS_MSE},
        "written_by": "scripts/lstm_adding_seeds.py",
        "runs": rows,
    }
    path = OUTPUT / NAME
    path.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(rows)} runs to {path}")


if __name__ == "__main__":
    main()
