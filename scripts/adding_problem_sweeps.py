"""Seed sweeps on the adding problem for the chapter "Vanishing and exploding gradients".

Every comparative sentence of that chapter about training on the adding problem
rests on these runs: five seeds per setting (initial weights from seed ``s``,
training batches from seed ``s + 1``, the chapter's convention), the test MSE
measured every 250 updates, and the training loss averaged over every 50
updates for the learning curves. The runs take too long for the notebook, so
this script writes them to ``course_code/data/files/adding_problem_sweeps.json``,
which the chapter loads; ``tests/test_adding_problem_sweeps.py`` re-runs one row
and checks that it equals the stored one. Re-run it with::

    .venv/bin/python scripts/adding_problem_sweeps.py

It takes 15-30 minutes on two CPU cores (two worker processes, one thread each).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

OUTPUT = (Path(__file__).resolve().parents[1] / "course_code" / "data" / "files"
          / "adding_problem_sweeps.json")
SEEDS = (0, 1, 2, 3, 4)
TEST_EVERY = 250
LOSS_EVERY = 50
HIDDEN_SIZE = 32
BATCH_SIZE = 128

SETTINGS = (
    # (experiment, model, T, updates)
    *(("lengths", "vanilla tanh", T, 500) for T in (5, 10, 60)),
    *(("lengths", "vanilla tanh", T, 1500) for T in (20, 40)),
    *(("remedies", kind, 30, 1500) for kind in (
        "vanilla tanh", "orthogonal tanh", "IRNN (ReLU, W = I)", "leaky, alpha = 0.1",
        "skip, d = 10", "truncated, k = 10", "IRNN, truncated k = 10")),
)
"""Every setting run over :data:`SEEDS`. A run of ``U`` updates also gives the
test MSE after 250, 500, ... updates: the first 500 batches of a 1500-update
run are those of a 500-update run."""


def run(setting: tuple, seed: int) -> dict:
    """One training run; returns the row stored in the results file."""
    import torch

    torch.set_num_threads(1)
    from course_code.models.long_memory import adding_regressor
    from course_code.training.adding_problem import train_on_adding_problem

    experiment, kind, length, steps = setting
    model = adding_regressor(kind, hidden_size=HIDDEN_SIZE, seed=seed)
    history, test_mse = train_on_adding_problem(
        model, length=length, steps=steps, batch_size=BATCH_SIZE, seed=seed + 1,
        test_every=TEST_EVERY,
    )
    losses = np.asarray(history.losses, dtype=np.float64)
    return {
        "experiment": experiment, "model": kind, "length": length, "steps": steps,
        "seed": seed, "batch_seed": seed + 1,
        "test_mse": {str(int(r["step"])): round(float(r["test_mse"]), 6)
                     for r in history.epochs},
        "mean_loss_every_50": [round(float(x), 6)
                               for x in losses.reshape(-1, LOSS_EVERY).mean(axis=1)],
        "final_test_mse": round(float(test_mse), 6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    jobs = [(setting, seed) for setting in SETTINGS for seed in SEEDS]
    start = time.time()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        futures = [pool.submit(run, *job) for job in jobs]
        rows = []
        for (setting, seed), future in zip(jobs, futures):
            rows.append(future.result())
            print(f"{setting} seed {seed}: test MSE {rows[-1]['final_test_mse']:.4f} "
                  f"({time.time() - start:.0f} s)", flush=True)
    results = {
        "description": "adding problem, H = 32, Adam eta = 0.01, norm clipping at 1, "
                       "batches of 128, 1000 test sequences; written by "
                       "scripts/adding_problem_sweeps.py",
        "hidden_size": HIDDEN_SIZE, "batch_size": BATCH_SIZE,
        "rows": rows,
    }
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.output} with {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
