"""Seed sweeps and long runs of the chapter "Encoder-decoder models and attention".

The chapter trains its models live for one seed at its own budget; the sweeps over
seeds, the runs to 40 epochs, the length-generalisation split, the reversed
sources and the multiplicative score take about 19 CPU minutes, so this script runs them with the chapter's very recipe
(:func:`course_code.models.number_translation.run_plan`) and stores the scores in
``course_code/data/files/seq2seq_studies.json``, which the chapter loads and shows.
``tests/test_seq2seq_studies.py`` re-runs one row and checks it equals the stored one::

    .venv/bin/python scripts/seq2seq_studies.py      # about 19 CPU minutes, 2 processes
    .venv/bin/python scripts/seq2seq_studies.py --only conditioning --again

Every run is seeded by its own seed and uses one thread, so the numbers do not depend
on which process runs which job or in what order. Rows already stored for the same
job (study, split, model, seed and plan) are kept, not run again, unless ``--again``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

CHAPTER = [(4, 3e-3), (2, 1e-3)]  # the chapter's budget: 6 epochs, 378 updates


def _to_fit(total_epochs: int) -> list[tuple[int, float]]:
    """A budget to fit the training set: pairs of epochs at 3e-3, the last 3 at 1e-3."""
    return [(2, 3e-3)] * ((total_epochs - 6) // 2) + [(2, 1e-3)] * 3


def jobs() -> list[dict]:
    """Every run of every study, in the order the chapter needs them first."""
    out = []
    for seed in range(5):  # "both" at the chapter's budget is the conditioning study's
        out.append({"study": "chapter", "split": "by_digits", "kind": "attention",
                    "seed": seed, "plan": CHAPTER, "detail_epochs": [6]})
    for kind in ("init", "input", "both"):
        for seed in range(5):
            out.append({"study": "conditioning", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": CHAPTER, "detail_epochs": [6]})
    for kind in ("both", "attention"):
        for seed in range(3):
            out.append({"study": "budget", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": _to_fit(40), "detail_epochs": [40]})
    for kind in ("self-attention", "self-attention+positions"):
        for seed in range(3):
            out.append({"study": "positions", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": CHAPTER, "detail_epochs": [6]})
    for split in ("up_to_6_digits",):
        for kind in ("both", "attention"):
            for seed in range(3):
                out.append({"study": "length", "split": split, "kind": kind,
                            "seed": seed, "plan": [(4, 3e-3), (4, 1e-3)],
                            "detail_epochs": [8]})
    # Sutskever et al.'s control: the source words in reverse order, for the model
    # without attention, with a two-way and a one-way encoder ("both" in order is
    # the conditioning study's row), at the chapter's budget and to 40 epochs
    for kind in ("both-reversed", "one-way", "one-way-reversed"):
        for seed in range(5):
            out.append({"study": "order", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": CHAPTER, "detail_epochs": [6]})
    for kind in ("one-way", "one-way-reversed"):
        for seed in range(3):
            out.append({"study": "order", "split": "by_digits", "kind": kind,
                        "seed": seed, "plan": _to_fit(40), "detail_epochs": [40]})
    # Luong's multiplicative score in place of the additive one ("attention" at the
    # chapter's budget is the chapter study's row)
    for seed in range(5):
        out.append({"study": "scores", "split": "by_digits",
                    "kind": "multiplicative-attention", "seed": seed, "plan": CHAPTER,
                    "detail_epochs": [6]})
    return out


def run_job(job: dict) -> dict:
    """One row: the job's description and what :func:`run_plan` returns."""
    import torch

    from course_code.models.number_translation import run_plan

    torch.set_num_threads(1)
    start = time.process_time()
    row = run_plan(job["kind"], job["split"], job["seed"], job["plan"],
                   job["detail_epochs"])
    row = {"study": job["study"], **row, "plan": [list(p) for p in job["plan"]]}
    row["cpu_seconds"] = round(time.process_time() - start, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one study (and keep the other stored rows)")
    parser.add_argument("--again", action="store_true",
                        help="re-run jobs whose rows are already stored")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    import course_code.data.files

    path = Path(course_code.data.files.__file__).parent / "seq2seq_studies.json"
    todo = [j for j in jobs() if args.only in (None, j["study"])]
    kept = []
    if path.exists() and not args.again:
        # keep the stored rows of other studies, and of the jobs already run
        stored = json.loads(path.read_text())["rows"]
        done = {_key(r) for r in stored}
        kept = [r for r in stored if args.only not in (None, r["study"])
                or (_key(r) in {_key(j) for j in todo})]
        todo = [j for j in todo if _key(j) not in done]
    context = multiprocessing.get_context("spawn")
    rows = []
    with ProcessPoolExecutor(args.processes, mp_context=context) as pool:
        for future in as_completed([pool.submit(run_job, job) for job in todo]):
            row = future.result()
            rows.append(row)
            print(json.dumps({k: row[k] for k in ("study", "split", "kind", "seed")}),
                  row["points"][-1], f"{row['cpu_seconds']} s", flush=True)
            _write(path, kept + rows)  # after every row: a stopped sweep keeps them
    print("wrote", path)


def _key(job: dict) -> str:
    """What identifies a run: its study, split, model, seed and plan."""
    plan = [list(p) for p in job["plan"]]
    return json.dumps([job["study"], job["split"], job["kind"], job["seed"], plan])


def _write(path: Path, rows: list[dict]) -> None:
    order = {"conditioning": 0, "chapter": 1, "budget": 2, "positions": 3, "length": 4,
             "order": 5, "scores": 6}
    rows = sorted(rows, key=lambda r: (order[r["study"]], r["split"], r["kind"],
                                       r["seed"]))
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
