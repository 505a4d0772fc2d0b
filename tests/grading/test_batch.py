"""Batch grading of a class: a CSV gradebook and Gradescope results, one broken file tolerated."""

from __future__ import annotations

import csv
import json
import shutil

from course_code.grading.cli import main

from .helpers import SOURCE, STUDENT, sha256, write_submission


def test_batch_grades_a_folder_into_a_gradebook_and_gradescope_files(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(SOURCE, folder / "alice.ipynb")
    shutil.copy(STUDENT, folder / "bob.ipynb")
    write_submission(folder / "carol.ipynb", {"softmax": "def softmax(logits):\n    return np.exp(logits)\n"})
    (folder / "dave.ipynb").write_text("not a notebook at all")
    hashes = {p.name: sha256(p) for p in folder.glob("*.ipynb")}

    gradebook, gradescope = tmp_path / "grades.csv", tmp_path / "gradescope"
    status = main(["grade", "--batch", str(folder), "--csv", str(gradebook), "--gradescope", str(gradescope),
                   "--jobs", "2", "--timeout", "5", "--allow-unsandboxed"])
    assert status == 0
    rows = {row["submission"]: row for row in csv.DictReader(gradebook.open())}
    assert set(rows) == {"alice.ipynb", "bob.ipynb", "carol.ipynb", "dave.ipynb"}
    assert float(rows["alice.ipynb"]["score"]) == 10 and float(rows["alice.ipynb"]["max_score"]) == 10
    assert float(rows["bob.ipynb"]["score"]) == 0
    assert float(rows["carol.ipynb"]["softmax"]) < 2 and float(rows["carol.ipynb"]["rnn_forward"]) == 3
    assert float(rows["dave.ipynb"]["score"]) == 0 and "not valid notebook JSON" in rows["dave.ipynb"]["error"]

    alice = json.loads((gradescope / "alice.json").read_text())
    assert alice["score"] == 10
    assert [(t["name"], t["score"], t["max_score"]) for t in alice["tests"]] == [
        ("rnn_step_forward", 2, 2), ("rnn_forward", 3, 3), ("softmax", 2, 2), ("sequence_cross_entropy", 3, 3)]
    assert "not implemented yet" in json.loads((gradescope / "bob.json").read_text())["tests"][0]["output"]
    assert json.loads((gradescope / "dave.json").read_text())["score"] == 0
    assert {p.name: sha256(p) for p in folder.glob("*.ipynb")} == hashes


def test_batch_of_a_missing_folder_cannot_run(tmp_path, capsys):
    assert main(["grade", "--batch", str(tmp_path / "nowhere")]) == 2
