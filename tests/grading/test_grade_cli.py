"""Whole-set grading: the solution scores 100%, the stub 0%; the CLI's table, JSON and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from course_code.grading.cli import main

from .helpers import FULL_MARKS, REPO, SOURCE, STUDENT, grade_points, sha256


def test_reference_solution_scores_full_marks():
    points, result = grade_points(SOURCE)
    assert points == FULL_MARKS
    assert result.score == result.max_score == 10
    assert all(q.status == "passed" for q in result.questions)


def test_untouched_student_stub_scores_zero():
    before = sha256(STUDENT)
    points, result = grade_points(STUDENT)
    assert points == {name: 0.0 for name in FULL_MARKS}
    assert {q.status for q in result.questions} == {"not attempted"}
    assert sha256(STUDENT) == before


def test_cli_prints_a_table_and_writes_json(tmp_path):
    out = tmp_path / "grade.json"
    run = subprocess.run([sys.executable, "-m", "course_code", "grade", str(SOURCE), "--json", str(out)],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    for word in ("Question", "Points", "Status", "Message", "rnn_forward", "Total", "10/10"):
        assert word in run.stdout
    data = json.loads(out.read_text())
    assert data["score"] == data["max_score"] == 10
    assert [q["name"] for q in data["questions"]] == list(FULL_MARKS)
    for q in data["questions"]:
        assert set(q) >= {"points", "max_points", "status", "message"}
        assert q["points"] == q["max_points"] == FULL_MARKS[q["name"]]


def test_exit_code_is_zero_for_a_zero_score(tmp_path, capsys):
    assert main(["grade", str(STUDENT), "--json", str(tmp_path / "g.json")]) == 0
    assert json.loads((tmp_path / "g.json").read_text())["score"] == 0


def test_exit_code_is_two_when_grading_cannot_run(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    broken = tmp_path / "rnn_forward.ipynb"
    broken.write_text("{ this is not json")
    assert main(["grade", str(broken)]) == 2
    assert "Could not grade" in capsys.readouterr().err
    assert main(["grade", str(SOURCE), "--set", "no_such_set"]) == 2


def test_gradescope_file_for_one_notebook(tmp_path, capsys):
    out = tmp_path / "results" / "results.json"
    assert main(["grade", str(SOURCE), "--gradescope", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["score"] == 10
    assert [t["name"] for t in data["tests"]] == list(FULL_MARKS)
    assert all(set(t) == {"name", "score", "max_score", "output"} for t in data["tests"])
