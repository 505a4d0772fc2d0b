"""The grader against a determined student and a careless class: one case or more per finding of issue 14.

Safe on a shared machine: every submission, output and marker lives in pytest's
temporary folders; the only processes signalled are the ones these tests start
(a sleeper each test kills itself); time and memory are bounded by the grader's
limits, set short here. Tests that need a real sandbox skip, saying why, where
only the plain-process isolation is available.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course_code.grading.child_channel import read_npz
from course_code.grading.cli import main
from course_code.grading.grade import grade_notebook
from course_code.grading.isolation import choose_isolation
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set

from .helpers import FAST, FULL_MARKS, REPO, SOURCE, grade_points, write_submission

ISOLATION = choose_isolation()
needs_sandbox = pytest.mark.skipif(not ISOLATION.real, reason=f"no real sandbox here ({ISOLATION.label})")
SOFTMAX = "def softmax(logits):\n"
GOOD_SOFTMAX = ("    e = np.exp(logits - logits.max(axis=-1, keepdims=True))\n"
                "    return e / e.sum(axis=-1, keepdims=True)\n")
SITE_PACKAGES = Path(np.__file__).resolve().parents[1]


def _hidden(text) -> str:
    """A Python expression for ``text`` in which the word course_code never appears (so the static check is
    not what stops it)."""
    parts = str(text).split("course_code")
    return "(" + " + 'course' + '_code' + ".join(repr(p) for p in parts) + ")"


def _softmax_result(result):
    return next(q for q in result.questions if q.name == "softmax")


def _probe(submission, body: str):
    """Grade a softmax that runs ``body`` (which raises RuntimeError with its finding); return the messages."""
    points, result = grade_points(submission({"softmax": SOFTMAX + body}))
    return {t.message for t in _softmax_result(result).tests if not t.label.startswith("property")}


# ---- 1-3: the reference, the solutions and torch are out of reach ----------------------------------


def test_1_removing_the_import_block_and_spelling_the_name_apart_gains_nothing(submission):
    body = ("    import importlib, sys\n    sys.meta_path[:] = [f for f in sys.meta_path if 'Block' not in repr(f)]\n"
            "    losses = importlib.import_module('course' + '_code.scratch.losses')\n"
            "    return losses.softmax(logits)\n")
    points, result = grade_points(submission({"softmax": SOFTMAX + body}))
    assert points["softmax"] == 0
    assert "No module named 'course_code'" in _softmax_result(result).message
    assert {n: p for n, p in points.items() if n != "softmax"} == {n: p for n, p in FULL_MARKS.items() if n != "softmax"}


@needs_sandbox
def test_2_the_solutions_and_the_package_cannot_be_found_from_inside(submission):
    body = ("    import glob, os, sys\n"
            f"    targets = [{_hidden(REPO / 'exercises' / 'source' / 'rnn_forward.ipynb')},\n"
            f"               {_hidden(REPO / 'course_code' / '__init__.py')}]\n"
            "    places = ['/proc/1/cwd', f'/proc/{os.getppid()}/cwd', os.path.dirname(sys.executable)]\n"
            "    seen = [t for t in targets if os.path.exists(t)]\n"
            "    for place in places:\n"
            "        try:\n            seen += [p for p in os.listdir(place) if p in ('exercises', 'course' + '_code')]\n"
            "        except OSError:\n            pass\n"
            "    seen += glob.glob('/**/__editable__*', recursive=False) + glob.glob('/proc/*/root/work')\n"
            "    raise RuntimeError('LEAKS ' + repr(seen) if seen else 'CLEAN')\n")
    assert {m.split(" (")[0] for m in _probe(submission, body)} == {"raised RuntimeError: CLEAN"}


@needs_sandbox
def test_3_torch_stays_unimportable_with_site_packages_put_back(submission):
    body = ("    import sys, sysconfig\n"
            f"    sys.path += [{str(SITE_PACKAGES)!r}, sysconfig.get_paths()['purelib']]\n"
            "    try:\n        import torch\n    except ImportError:\n        raise RuntimeError('NO TORCH')\n"
            "    raise RuntimeError('TORCH')\n")
    assert {m.split(" (")[0] for m in _probe(submission, body)} == {"raised RuntimeError: NO TORCH"}


# ---- 4-5: hidden inputs, and answers that do no work --------------------------------------------------


def _lookup_table_cell() -> str:
    question = get_set("rnn_forward").question("softmax")
    table = {case.args[0].tobytes().hex(): question.reference(case.args[0]).tolist() for case in question.cases()}
    return (f"TABLE = {table!r}\n\n" + SOFTMAX +
            "    return np.array(TABLE.get(logits.tobytes().hex(), np.zeros(logits.shape).tolist()))\n")


def test_4_a_lookup_table_of_the_public_answers_earns_nothing_on_hidden_inputs(submission):
    path = submission({"softmax": _lookup_table_cell()})
    public = grade_notebook(path, limits=FAST)
    assert _softmax_result(public).points == 2  # the attack works where the inputs are known ...
    hidden = grade_notebook(path, limits=FAST, secret=424242)
    assert _softmax_result(hidden).points == 0  # ... and not where they are drawn from a secret
    assert hidden.inputs.startswith("hidden") and public.inputs.startswith("public")
    assert {q.name: q.points for q in hidden.questions if q.name != "softmax"} == {
        n: p for n, p in FULL_MARKS.items() if n != "softmax"}


def test_5_a_uniform_distribution_has_the_softmax_property_and_still_scores_zero(submission):
    body = "    return np.full(logits.shape, 1.0 / logits.shape[-1])\n"
    points, result = grade_points(submission({"softmax": SOFTMAX + body}))
    assert points["softmax"] == 0
    prop = next(t for t in _softmax_result(result).tests if t.label.startswith("property"))
    assert not prop.passed and prop.message.startswith("not counted")


# ---- 6-8: one submission harming the grader, the class or the next run -----------------------------


@pytest.fixture
def sleeper():
    """A process of this test's own, for a submission to try to kill; the test ends it."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


@needs_sandbox
def test_6_and_8_an_escaping_process_can_neither_outlive_grading_nor_touch_the_grader(tmp_path, sleeper):
    marker, report = tmp_path / "escaped.txt", tmp_path / "grade.json"
    escape = ("import os, signal, time\n"
              "if os.fork() == 0:\n    os.setsid()\n    time.sleep(2)\n"
              f"    for path in ({str(marker)!r}, {str(report)!r}):\n"
              "        try:\n            open(path, 'w').write('10/10')\n        except OSError:\n            pass\n"
              "    os._exit(0)\n"
              f"for pid in ({sleeper.pid}, {os.getpid()}, os.getppid(), -1):\n"
              "    for sig in (signal.SIGSTOP, signal.SIGKILL):\n"
              "        try:\n            os.kill(pid, sig)\n        except OSError:\n            pass\n")
    path = write_submission(tmp_path / "student.ipynb", extra_cells=(escape,))
    assert main(["grade", str(path), "--json", str(report), "--timeout", "3"]) == 0
    written = report.read_text()
    time.sleep(3)
    assert not marker.exists()
    assert report.read_text() == written and json.loads(written)["score"] == 10
    assert sleeper.poll() is None  # the other process was not killed


@needs_sandbox
def test_7_nothing_can_be_planted_for_later_runs(submission):
    names = [SITE_PACKAGES / "zz_course_grader_test.pth", REPO / "course_code" / "grading" / "zz_planted.py",
             Path(sys.base_prefix) / "lib" / "zz_planted.pth"]
    body = ("    written = []\n"
            f"    for path in [{', '.join(_hidden(n) for n in names)}]:\n"
            "        try:\n            open(path, 'a').write('import os')\n            written.append(path)\n"
            "        except OSError:\n            pass\n"
            "    raise RuntimeError('WROTE ' + repr(written) if written else 'NOTHING WRITTEN')\n")
    try:
        messages = _probe(submission, body)
        assert {m.split(" (")[0] for m in messages} == {"raised RuntimeError: NOTHING WRITTEN"}
    finally:
        planted = [n for n in names if n.exists()]
        for n in planted:
            n.unlink()
    assert planted == []


# ---- 9: the grader never crashes, and the batch always ends with a gradebook --------------------------


def test_9_strange_returns_and_cells_cost_only_their_question(submission):
    strings = SOFTMAX + "    return np.full(logits.shape, 'x')\n"
    points, result = grade_points(submission({"softmax": strings}))
    assert points["softmax"] == 0 and points["rnn_forward"] == 3
    notebook = json.loads(SOURCE.read_text())
    notebook["cells"].insert(1, {"cell_type": "code", "metadata": {}, "outputs": [], "source": [1, None, "x = 1\n"]})
    notebook["cells"].insert(1, "not a cell")
    odd = submission()
    odd.write_text(json.dumps(notebook))
    assert grade_points(odd)[0] == FULL_MARKS


def test_9_a_batch_of_broken_files_ends_with_a_full_gradebook_in_a_new_folder(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    write_submission(folder / "good.ipynb")
    (folder / "empty.ipynb").write_bytes(b"")
    (folder / "binary.ipynb").write_bytes(bytes(range(256)) * 10)
    (folder / "list.ipynb").write_text("[1, 2, 3]")
    (folder / "deep.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "cells.ipynb").write_text(json.dumps({"nbformat": 4, "metadata": {}, "cells": [1, "x", None]}))
    (folder / "dir.ipynb").mkdir()
    gradebook = tmp_path / "not" / "yet" / "there" / "grades.csv"
    status = main(["grade", "--batch", str(folder), "--csv", str(gradebook), "--set", "rnn_forward",
                   "--timeout", "3", "--jobs", "2", "--allow-unsandboxed"])
    assert status == 0
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    assert set(rows) == {"good.ipynb", "empty.ipynb", "binary.ipynb", "list.ipynb", "deep.ipynb", "cells.ipynb"}
    assert float(rows["good.ipynb"]["score"]) == 10
    assert all(float(r["max_score"]) == 10 for r in rows.values())
    assert all(r["error"] for n, r in rows.items() if n not in ("good.ipynb", "cells.ipynb"))
    assert float(rows["cells.ipynb"]["score"]) == 0


# ---- 10: what comes back is bounded; text is escaped; the CSV holds no formula -----------------------


def test_10_a_compressed_or_lying_result_archive_is_refused_before_it_is_inflated():
    bomb = io.BytesIO()
    np.savez_compressed(bomb, out0=np.zeros(50_000_000))  # 400 MB of zeros in about 400 kB
    with pytest.raises(ValueError):
        read_npz(bomb.getvalue())
    lying = io.BytesIO()
    with zipfile.ZipFile(lying, "w") as archive:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                      "shape": (10**9,)})
        archive.writestr("out0.npy", header.getvalue() + b"\0" * 64)
    with pytest.raises(ValueError, match="larger than its data"):
        read_npz(lying.getvalue())
    fine = io.BytesIO()
    np.savez(fine, out0=np.arange(3.0))
    assert read_npz(fine.getvalue())["out0"].tolist() == [0.0, 1.0, 2.0]


def test_10_control_characters_and_formulas_reach_neither_terminal_nor_spreadsheet(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    body = "    raise ValueError('\\x1b[2J\\x1b]0;owned\\x07 cleared \\u202e')\n"
    write_submission(folder / '=HYPERLINK("x";"y").ipynb', {"softmax": SOFTMAX + body})
    gradebook = tmp_path / "grades.csv"
    assert main(["grade", "--batch", str(folder), "--csv", str(gradebook), "--timeout", "3",
                 "--allow-unsandboxed", "--gradescope", str(tmp_path / "gs")]) == 0
    printed = capsys.readouterr()
    text = gradebook.read_text(encoding="utf-8")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["submission"].startswith("'=HYPERLINK")
    single = tmp_path / "one.json"
    main(["grade", str(next(folder.glob("*.ipynb"))), "--json", str(single), "--timeout", "3"])
    out = capsys.readouterr().out
    for shown in (out, printed.out, single.read_text(encoding="utf-8"), text):
        assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "\\x1b[2J" in out


# ---- 11: run once; a slow cell outside the graded functions costs a warning ----------------------------


def test_11_a_slow_exploration_cell_costs_only_a_named_warning(submission):
    slow = "import time\nstart = time.time()\nwhile time.time() - start < 30:\n    pass\nexplored = True"
    path = submission(extra_cells=(slow,))
    result = grade_notebook(path, limits=Limits(timeout_seconds=3.0, cell_seconds=1.5))
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    assert any("while time.time()" in w or "start = time.time()" in w or "import time" in w for w in result.warnings)
    assert any("was stopped" in w and "1.5 s" in w for w in result.warnings)
    assert result.seconds < 20


def test_11_a_cell_that_kills_its_own_process_is_skipped_and_named(submission):
    path = submission(extra_cells=("import os\nos._exit(7)",))
    result = grade_notebook(path, limits=FAST)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    assert any("os._exit(7)" in w or "import os" in w for w in result.warnings), result.warnings


def test_11_the_cells_run_once_not_once_per_question(submission, tmp_path):
    counter = "import os\nRUNS = os.environ.get('RUNS', 0)\nprint('cells ran')"
    result = grade_notebook(submission(extra_cells=(counter,)), limits=FAST)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    from course_code.grading import notebook as nb
    from course_code.grading.runner import run_notebook

    cells = nb.code_cells(json.loads(SOURCE.read_text()))
    work = [(j, q, q.cases()) for j, q in enumerate(get_set("rnn_forward").questions)]
    assert run_notebook(cells, work, FAST).attempts == 1


# ---- 12: magics by the tokenizer; docstrings; the last binding ------------------------------------------


def test_12_continuation_lines_that_start_with_percent_or_not_equal_are_python(submission):
    cell = ("%matplotlib inline\n" + SOFTMAX + "    ten = (10\n           % 4)\n    same = (ten\n            != 2)\n"
            "    assert not same\n" + GOOD_SOFTMAX)
    points, result = grade_points(submission({"softmax": cell}))
    assert points == FULL_MARKS, _softmax_result(result).message


def test_12_a_docstring_naming_course_code_and_a_redefined_import_are_the_students_own(submission):
    cell = ("from course_code.scratch.losses import softmax\n\n" + SOFTMAX +
            '    """Like course_code.scratch.losses.softmax, written by me."""\n'
            "    # not course_code's\n" + GOOD_SOFTMAX)
    points, result = grade_points(submission({"softmax": cell}))
    assert points == FULL_MARKS, _softmax_result(result).message


# ---- 13: the notebook grades itself with the kernel's Python ------------------------------------------


def test_13_grade_uses_the_kernels_own_interpreter(tmp_path, capsys, monkeypatch):
    from course_code.grading import grade

    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: calls.append(command) or real_run(command, **kw))
    path = write_submission(tmp_path / "rnn_forward.ipynb")
    assert grade(str(path), "--quiet", "--timeout", "3") == 0
    assert calls[0][:4] == [sys.executable, "-m", "course_code", "grade"]
    assert "10/10" in capsys.readouterr().out


# ---- 14: the right set, or a clear word ----------------------------------------------------------------


def test_14_another_sets_notebook_under_this_name_is_graded_as_itself_with_a_warning(tmp_path):
    path = write_submission(tmp_path / "bptt.ipynb")
    result = grade_notebook(path, limits=FAST)
    assert result.set_name == "rnn_forward" and result.score == 10
    assert any("bptt.ipynb" in w and "rnn_forward" in w for w in result.warnings)


def test_14_an_old_format_notebook_gets_a_clear_message(tmp_path, capsys):
    old = tmp_path / "rnn_forward.ipynb"
    old.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                               "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}]}))
    assert main(["grade", str(old)]) == 2
    error = capsys.readouterr().err
    assert "format 3" in error and "save it again" in error


# ---- isolation levels, batch refusal --------------------------------------------------------------------


def test_every_report_names_its_isolation_and_the_batch_refuses_without_a_sandbox(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    write_submission(folder / "a.ipynb")
    assert main(["grade", "--batch", str(folder), "--isolation", "process"]) == 2
    assert "Refusing" in capsys.readouterr().err
    gradebook = tmp_path / "g.csv"
    assert main(["grade", "--batch", str(folder), "--isolation", "process", "--allow-unsandboxed",
                 "--csv", str(gradebook), "--timeout", "3"]) == 0
    row = next(csv.DictReader(gradebook.open()))
    assert "WITHOUT a sandbox" in row["isolation"] and float(row["score"]) == 10
    single = tmp_path / "a.json"
    assert main(["grade", str(folder / "a.ipynb"), "--json", str(single), "--timeout", "3"]) == 0
    assert json.loads(single.read_text())["isolation"] == ISOLATION.label
    assert f"Isolation: {ISOLATION.label}" in capsys.readouterr().out


def test_the_plain_process_level_still_grades_and_keeps_its_limits(submission):
    from course_code.grading.isolation import choose_isolation as choose

    path = submission({"rnn_forward": "def rnn_forward(x, h0, W_xh, W_hh, b_h):\n    while True:\n        pass\n"})
    result = grade_notebook(path, limits=FAST, isolation=choose("process"))
    points = {q.name: q.points for q in result.questions}
    assert points["rnn_forward"] == 0 and points["softmax"] == 2
    assert result.isolation.startswith("separate process")


def test_a_folder_of_mixed_sets_leaves_other_sets_questions_blank(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    write_submission(folder / "a.ipynb")
    (folder / "b.ipynb").write_bytes((REPO / "exercises" / "bptt.ipynb").read_bytes())
    gradebook = tmp_path / "g.csv"
    assert main(["grade", "--batch", str(folder), "--csv", str(gradebook), "--timeout", "3",
                 "--allow-unsandboxed"]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    bptt = [q.name for q in get_set("bptt").questions]
    assert all(rows["a.ipynb"][name] == "" for name in bptt)
    assert rows["b.ipynb"]["softmax"] == "" and float(rows["b.ipynb"][bptt[0]]) == 0
    assert float(rows["a.ipynb"]["max_score"]) == 10 and float(rows["b.ipynb"]["max_score"]) == 10


def test_14_a_summary_names_each_mistake_once():
    from course_code.grading import run_checks

    def clip_by_global_norm(dW_xh, dW_hh, db_h, max_norm):  # the bias left out of the global norm
        norm = np.sqrt((dW_xh ** 2).sum() + (dW_hh ** 2).sum())
        scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
        return dW_xh * scale, dW_hh * scale, db_h * scale

    result = run_checks("clip_by_global_norm", clip_by_global_norm)
    named = result.message.split("looks like: ")[1].split(", ")
    assert named == ["bias left out of the global norm"]
    assert len(set(t.hint for t in result.tests if t.hint)) == 1
