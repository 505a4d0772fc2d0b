"""What the pyramid buys an attention model: plain and pyramid listeners, on seeds.

The chapter "Deep and bidirectional RNNs" shows the rows this script writes to
``course_code/data/files/pyramid_attention_study.json``. Three encoders of three
BiLSTM layers (``course_code.models.listener``) read utterances of 256 frames
(``course_code.data.spoken_symbols``) for the same attention decoder:

* ``plain``: every layer over 256 steps; attention over 256 keys;
* ``pyramid``: 256, 128 and 64 steps; attention over 64 keys;
* ``stacked_frames``: four frames concatenated into one step, then a plain stack
  over 64 steps: the simple baseline with the pyramid's short top layer.

Three phases, each written when it ends:

1. ``selection``: seed 0 of each encoder at each learning rate of
   :data:`LEARNING_RATES` for :data:`SELECTION_UPDATES` updates; each encoder's rate
   is the one with the highest share of exactly right validation transcripts at the
   end (the smaller rate on a tie). The test split is not looked at.
2. ``seeds``: seeds 0 to 2 of each encoder at its rate for :data:`UPDATES` updates,
   the validation split scored every 100 updates, the test split at the end.
3. ``check``: one short run that ``tests/test_pyramid_attention_study.py`` re-runs.

Success, fixed before any run: at least :data:`SUCCESS` of the test transcripts
exactly right after :data:`UPDATES` updates. Every run is seeded by its own seed and
uses one thread, so the numbers do not depend on the scheduling (the CPU seconds
do). About 43 CPU minutes, on two processes::

    .venv/bin/python scripts/pyramid_attention_study.py
    .venv/bin/python scripts/pyramid_attention_study.py --phase check
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from course_code.models.listener import ENCODER_KINDS
from course_code.models.listener_runs import (
    DATA_SEED,
    MODEL,
    SPLITS,
    TASK,
    listener_run,
)
from course_code.sweeps import run_jobs

OUTPUT = Path(__file__).resolve().parents[1] / "course_code" / "data" / "files"
NAME = "pyramid_attention_study.json"
LEARNING_RATES = (3e-3, 1e-2)
SELECTION_UPDATES = 600
UPDATES = 1500
EVAL_EVERY = 100
SEEDS = (0, 1, 2)
SUCCESS = 0.9
CHECK = {
    "kind": "pyramid",
    "seed": 0,
    "learning_rate": 3e-3,
    "updates": 100,
    "eval_every": 50,
}
PHASES = ("selection", "seeds", "check")


def run_row(
    phase: str,
    kind: str,
    seed: int,
    learning_rate: float,
    updates: int,
    eval_every: int,
) -> dict:
    """One row: the phase, what :func:`listener_run` returns, and its CPU seconds."""
    start = time.process_time()
    row = listener_run(kind, seed, learning_rate, updates, eval_every)
    return {"phase": phase, **row, "cpu_seconds": round(time.process_time() - start, 1)}


def chosen_rates(rows: list[dict]) -> dict[str, float]:
    """Each encoder's rate: the best final validation ``exact`` of the selection."""
    best = {}
    for row in sorted(
        (r for r in rows if r["phase"] == "selection"), key=lambda r: r["learning_rate"]
    ):
        score = row["exact"][-1]
        if row["kind"] not in best or score > best[row["kind"]][0]:
            best[row["kind"]] = (score, row["learning_rate"])
    return {kind: rate for kind, (_, rate) in best.items()}


def jobs(phase: str, rows: list[dict]) -> list[tuple]:
    """The argument tuples of :func:`run_row` for one phase."""
    if phase == "selection":
        return [
            ("selection", kind, 0, rate, SELECTION_UPDATES, EVAL_EVERY)
            for kind in ENCODER_KINDS
            for rate in LEARNING_RATES
        ]
    if phase == "seeds":
        rates = chosen_rates(rows)
        return [
            ("seeds", kind, seed, rates[kind], UPDATES, EVAL_EVERY)
            for kind in ENCODER_KINDS
            for seed in SEEDS
        ]
    return [
        (
            "check",
            CHECK["kind"],
            CHECK["seed"],
            CHECK["learning_rate"],
            CHECK["updates"],
            CHECK["eval_every"],
        )
    ]


def _write(path: Path, rows: list[dict]) -> None:
    order = {phase: i for i, phase in enumerate(PHASES)}
    kinds = {kind: i for i, kind in enumerate(ENCODER_KINDS)}
    rows = sorted(
        rows,
        key=lambda r: (
            order[r["phase"]],
            kinds[r["kind"]],
            r["learning_rate"],
            r["seed"],
        ),
    )
    document = {
        "written_by": "scripts/pyramid_attention_study.py",
        "description": "Listeners on spoken symbols: validation curves (loss, "
        "teacher-forced next-id accuracy, share of exactly right greedy "
        "transcripts) and final train/test scores.",
        "task": TASK,
        "splits": SPLITS,
        "data_seed": DATA_SEED,
        "model": MODEL,
        "learning_rates": list(LEARNING_RATES),
        "selection_updates": SELECTION_UPDATES,
        "updates": UPDATES,
        "success_test_exact": SUCCESS,
        "check": CHECK,
        "rows": rows,
    }
    path.write_text(json.dumps(document, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--phase",
        choices=PHASES,
        action="append",
        help="run only this phase (repeatable); keeps the other rows",
    )
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    path = OUTPUT / NAME
    rows = json.loads(path.read_text())["rows"] if path.exists() else []
    for phase in args.phase or PHASES:
        todo = jobs(phase, rows)
        # the seeds phase in chunks of one seed of every encoder, written after each
        # chunk; the plain run of a chunk takes about as long as the other two together
        chunks = [[j for j in todo if j[2] == seed] for seed in SEEDS]
        chunks = chunks if phase == "seeds" else [todo]
        rows = [r for r in rows if r["phase"] != phase]
        for chunk in chunks:
            start = time.time()
            new = run_jobs(run_row, chunk, processes=args.processes)
            rows += new
            _write(path, rows)
            cpu = sum(r["cpu_seconds"] for r in new)
            print(
                f"{phase}: {len(new)} runs, {cpu:.0f} CPU s, "
                f"{time.time() - start:.0f} s",
                flush=True,
            )
            for row in new:
                print(
                    f"  {row['kind']:15s} lr {row['learning_rate']:g} "
                    f"seed {row['seed']} "
                    f"validation exact {row['exact'][-1]:.3f} "
                    f"test {row['test_exact']:.3f}",
                    flush=True,
                )
    print("wrote", path)


if __name__ == "__main__":
    main()
