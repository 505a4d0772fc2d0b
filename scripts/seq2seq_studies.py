"""Seed sweeps and long runs of the chapter "Encoder-decoder models and attention".

The chapter trains its models live for one seed at its own budget; the sweeps over
seeds, the runs to 30 epochs and the length-generalisation splits take several CPU
minutes, so this script runs them with the chapter's very recipe
(:func:`course_code.models.number_translation.run_plan`) and stores the scores in
``course_code/data/files/seq2seq_studies.json``, which the chapter loads and shows.
``tests/test_seq2seq_studies.py`` re-runs one row and checks it equals the stored one::

    .venv/bin/python scripts/seq2seq_studies.py            # about 15 CPU minutes, 2 processes
    .venv/bin/python scripts/seq2seq_studies.py --only conditioning

Every run is seeded by its own seed and uses one thread, so the numbers do not depend
on which process runs which job or in what order.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

CHAPTER = [(4, 3e-3), (2, 1e-3)]  # the chapter's budget: 6 epochs, 378 updates


def _longer(total_epochs: int) -> list[tuple[int, float]]:
    """The chapter's 6 epochs, then 2 epochs at a time at 1e-3 up to ``total_epochs``."""
    return CHAPTER + [(2, 1e-3)] * ((total_epochs - 6) // 2)


def jobs() -> list[dict]:
    """Every run of every study, the longest first."""
    out = []
    for kind in ("both", "attention"):
        for seed in range(3):
            out.append({"study": "budget", "split": "by_digits", "kind": kind, "seed": seed,
                        "plan": _longer(30), "detail_epochs": [6, 30]})
    for split in ("up_to_10_words", "up_to_6_digits"):
        for kind in ("both", "attention"):
            for seed in range(3):
                out.append({"study": "length", "split": split, "kind": kind, "seed": seed,
                            "plan": _longer(20), "detail_epochs": [6, 20]})
    for kind in ("self-attention", "self-attention+positions"):
        for seed in range(3):
            out.append({"study": "positions", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": _longer(20), "detail_epochs": [6, 20]})
    for kind in ("init", "input", "both"):
        for seed in range(5):
            out.append({"study": "conditioning", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": [(4, 3e-3)] + _longer(12)[1:],
                        "detail_epochs": []})
    return out


def run_job(job: dict) -> dict:
    """One row: the job's description and what :func:`run_plan` returns."""
    import torch

    from course_code.models.number_translation import run_plan

    torch.set_num_threads(1)
    start = time.process_time()
    row = run_plan(job["kind"], job["split"], job["seed"], job["plan"], job["detail_epochs"])
    row = {"study": job["study"], **row, "plan": [list(p) for p in job["plan"]]}
    row["cpu_seconds"] = round(time.process_time() - start, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one study (and keep the other stored rows)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    import course_code.data.files

    path = Path(course_code.data.files.__file__).parent / "seq2seq_studies.json"
    todo = [j for j in jobs() if args.only in (None, j["study"])]
    kept = []
    if args.only and path.exists():
        kept = [r for r in json.loads(path.read_text())["rows"] if r["study"] != args.only]
    context = multiprocessing.get_context("spawn")
    rows = []
    with ProcessPoolExecutor(args.processes, mp_context=context) as pool:
        for future in as_completed([pool.submit(run_job, job) for job in todo]):
            row = future.result()
            rows.append(row)
            print(json.dumps({k: row[k] for k in ("study", "split", "kind", "seed")}),
                  row["points"][-1], f"{row['cpu_seconds']} s", flush=True)
            _write(path, kept + rows)  # after every row, so an interrupted sweep keeps its rows
    print("wrote", path)


def _write(path: Path, rows: list[dict]) -> None:
    order = {"conditioning": 0, "budget": 1, "positions": 2, "length": 3}
    rows = sorted(rows, key=lambda r: (order[r["study"]], r["split"], r["kind"], r["seed"]))
    document = {
        "description": "Scores of the chapter's encoder-decoder models, written by "
                       "scripts/seq2seq_studies.py; counts are exactly right greedy "
                       "outputs (<eos> included) on the data seed 0 sets of "
                       "course_code.models.number_translation.number_task.",
        "rows": rows,
    }
    path.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
