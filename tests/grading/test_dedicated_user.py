"""The fallback where bubblewrap cannot run (Docker, Gradescope): the child runs as a dedicated user.

Forced with ``choose_isolation("user")`` whatever bubblewrap would do. The test
creates a throwaway system user, and removes it afterwards, so it runs only as
root; the interpreter must be one that user can execute (``/usr/bin/python3.X``
of the same version when this one lives in a private home).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from course_code.grading.grade import grade_notebook
from course_code.grading.dedicated_user import _processes_of, kill_all_processes_of, readable_by
from course_code.grading.isolation import choose_isolation

from .helpers import FAST, FULL_MARKS, write_submission

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("useradd") is None,
                                reason="creating a throwaway user needs root and useradd")


def _python_for(uid: int, gid: int) -> str | None:
    own = os.path.realpath(sys.executable)
    if readable_by(Path(own), uid, gid):
        return own
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    return system if os.path.exists(system) else None


@pytest.fixture
def grader_user(monkeypatch):
    name = f"cg-test-{os.getpid()}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True,
                   capture_output=True)
    entry = pwd.getpwnam(name)
    try:
        python = _python_for(entry.pw_uid, entry.pw_gid)
        if python is None or not readable_by(Path(np.__file__).resolve().parent, entry.pw_uid, entry.pw_gid):
            pytest.skip("no interpreter with NumPy that an unprivileged user may run")
        monkeypatch.setenv("COURSE_GRADER_USER", name)
        monkeypatch.setenv("COURSE_GRADER_PYTHON", python)
        yield entry
    finally:
        try:
            kill_all_processes_of(entry.pw_uid, entry.pw_gid)  # the processes of this test's own user
        except (NameError, ValueError, OSError, subprocess.SubprocessError):
            pass
        subprocess.run(["userdel", name], capture_output=True)


def test_the_dedicated_user_grades_and_nothing_of_it_outlives_the_submission(grader_user, tmp_path):
    isolation = choose_isolation("user")
    assert isolation.level == "user" and isolation.uid == grader_user.pw_uid
    assert f"dedicated user {grader_user.pw_name}" in isolation.label
    result = grade_notebook(write_submission(tmp_path / "ok.ipynb"), limits=FAST, isolation=isolation)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    assert result.isolation == isolation.label

    report = tmp_path / "public" / "grade.json"
    report.parent.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(report.parent, 0o755)
    report.write_text("graded")
    os.chmod(report, 0o644)
    escape = ("import os, signal, time\n"
              "if os.fork() == 0:\n    os.setsid()\n    time.sleep(30)\n    os._exit(0)\n"
              f"try:\n    open({str(report)!r}, 'w').write('10/10')\nexcept OSError:\n    pass\n"
              "for pid in (os.getppid(), 1):\n"
              "    try:\n        os.kill(pid, signal.SIGSTOP)\n    except OSError:\n        pass\n")
    result = grade_notebook(write_submission(tmp_path / "escape.ipynb", extra_cells=(escape,)), limits=FAST,
                            isolation=isolation)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    time.sleep(0.5)
    assert _processes_of(grader_user.pw_uid) == []
    assert report.read_text() == "graded"


def test_the_level_says_when_the_dedicated_user_can_read_the_package(grader_user):
    isolation = choose_isolation("user")
    package = Path(__file__).resolve().parents[2] / "course_code"
    if readable_by(package, grader_user.pw_uid, grader_user.pw_gid):
        assert not isolation.real and "can read" in isolation.label and isolation.warnings
    else:
        assert isolation.real


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_a_root_grader_starts_bubblewrap_as_the_dedicated_user_so_a_fork_bomb_hits_the_process_limit(
        grader_user, tmp_path):
    isolation = choose_isolation("bubblewrap")
    assert isolation.uid == grader_user.pw_uid and f"started as user {grader_user.pw_name}" in isolation.label
    bomb = ("import os, time\nforked = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n"
            "            time.sleep(30)\n            os._exit(0)\n        forked += 1\nexcept OSError:\n    pass\n"
            "print(forked)")
    result = grade_notebook(write_submission(tmp_path / "bomb.ipynb", extra_cells=(bomb,)), limits=FAST,
                            isolation=isolation)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    time.sleep(0.5)
    assert _processes_of(grader_user.pw_uid) == []
