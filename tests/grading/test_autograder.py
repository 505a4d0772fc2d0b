"""The Gradescope autograder zip, run in a temporary folder laid out like Gradescope's /autograder.

``run_autograder`` is run with bash exactly as Gradescope would, except that
``AUTOGRADER_ROOT`` points at the temporary folder and ``AUTOGRADER_PYTHON`` at this
interpreter (``setup.sh``, which installs NumPy with pip, is read but not run). The
package it imports is the zip's own copy. Each ``results.json`` is checked against
Gradescope's documented format.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from course_code.grading.cli import main
from course_code.grading.sets import get_set

from .helpers import SOURCE, STUDENT, write_submission

TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}


def assert_gradescope_format(data: dict) -> None:
    """Gradescope's results.json: known keys only, numbers where numbers go, every test with its maximum."""
    assert isinstance(data, dict) and set(data) <= TOP_KEYS, set(data) - TOP_KEYS
    assert isinstance(data["score"], (int, float)) and not isinstance(data["score"], bool)
    assert isinstance(data.get("output", ""), str)
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert isinstance(test.get("output", ""), str)
    assert abs(data["score"] - sum(t["score"] for t in data["tests"])) < 1e-9


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The zip built by the command line, unpacked into a fake /autograder/source."""
    out = tmp_path_factory.mktemp("zip")
    assert main(["exercises", "autograder", "rnn_forward", "--output", str(out)]) == 0
    path = out / "rnn_forward_autograder.zip"
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        archive.extractall(root / "source")
    for name, mode in modes.items():
        os.chmod(root / "source" / name, mode)
    return root, names, modes


def test_the_zip_holds_setup_run_autograder_and_the_package_without_torch(autograder):
    root, names, modes = autograder
    assert {"setup.sh", "run_autograder", "secret.txt", "package/course_code/grading/grade.py"} <= set(names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert modes["secret.txt"] == 0o600
    assert not any("exercises/source" in n or n.endswith(".ipynb") for n in names)  # no solutions inside
    setup = (root / "source" / "setup.sh").read_text()
    commands = "\n".join(line for line in setup.splitlines() if not line.lstrip().startswith("#"))
    assert "numpy" in commands and "torch" not in commands and "useradd" in commands and "go-rwx" in commands
    assert int((root / "source" / "secret.txt").read_text()) >= 0


def _run(root, files: dict[str, bytes]):
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    submission.mkdir()
    for name, data in files.items():
        (submission / name).write_bytes(data)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_PYTHON": sys.executable, "OMP_NUM_THREADS": "1", "HOME": str(root)}
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert_gradescope_format(data)
    return data


def test_correct_buggy_stub_corrupted_and_missing_submissions_all_get_results(autograder, tmp_path):
    root, _, _ = autograder
    maximum = get_set("rnn_forward").max_score
    correct = _run(root, {"my homework (final).ipynb": SOURCE.read_bytes(), "notes.txt": b"hello"})
    assert correct["score"] == maximum and "Graded my homework (final).ipynb" in correct["output"]
    assert [t["name"] for t in correct["tests"]] == [q.name for q in get_set("rnn_forward").questions]
    assert "hidden" in correct["output"]

    buggy = write_submission(tmp_path / "x.ipynb", {"softmax": "def softmax(logits):\n    return np.exp(logits)\n"})
    result = _run(root, {"rnn_forward.ipynb": buggy.read_bytes()})
    softmax = next(t for t in result["tests"] if t["name"] == "softmax")
    assert softmax["score"] < softmax["max_score"] and result["score"] == maximum - 2 + softmax["score"]

    stub = _run(root, {"Untitled.ipynb": STUDENT.read_bytes()})
    assert stub["score"] == 0 and "not implemented yet" in stub["tests"][0]["output"]

    corrupted = _run(root, {"rnn_forward.ipynb": b"\x00\xff{ not json"})
    assert corrupted["score"] == 0 and corrupted["tests"][0]["max_score"] == maximum
    assert "Could not grade" in corrupted["output"]

    nothing = _run(root, {"answers.pdf": b"%PDF-1.4"})
    assert nothing["score"] == 0 and "no Jupyter notebook" in nothing["output"]


def test_run_autograder_writes_results_even_when_python_cannot_start(autograder):
    root, _, _ = autograder
    shutil.rmtree(root / "results", ignore_errors=True)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": "/nonexistent/python3"}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=60)
    data = json.loads((root / "results" / "results.json").read_text())
    assert_gradescope_format(data)
    assert data["score"] == 0 and data["tests"][0]["max_score"] == get_set("rnn_forward").max_score
