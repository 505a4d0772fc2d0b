"""The dedicated user: what it may not read, and ending every process it started.

Where bubblewrap cannot run (inside Docker without user namespaces, which is
how Gradescope runs autograders) and the grader is root, the child runs as a
dedicated unprivileged user (``course-grader``, or ``$COURSE_GRADER_USER``) in an
empty folder of its own. The grader's files are root's and not writable by it,
the grader cannot be signalled by it, and after each question and each
submission every process of that user is killed (:func:`kill_all_processes_of`).
Whether it can *read* the package and the solutions depends on their permissions
(:func:`readable_by`, :func:`protected_paths`): the Gradescope ``setup.sh`` makes
them unreadable. Whether this level runs here is decided in :mod:`isolation`.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

from course_code.grading.child_runtime import child_python

__all__ = [
    "DEFAULT_USER",
    "USER_LOCK",
    "kill_all_processes_of",
    "protected_paths",
    "readable_by",
]

DEFAULT_USER = "course-grader"


def readable_by(path: Path, uid: int, gid: int) -> bool:
    """Whether ``uid`` (group ``gid``) could list or read ``path``, judged by the mode bits of it and its parents."""
    try:
        chain = [path, *path.parents]
        for i, part in enumerate(chain):
            info = part.stat()
            bits = (stat.S_IXUSR | (stat.S_IRUSR if i == 0 else 0), stat.S_IXGRP | (stat.S_IRGRP if i == 0 else 0),
                    stat.S_IXOTH | (stat.S_IROTH if i == 0 else 0))
            need = bits[0] if info.st_uid == uid else bits[1] if info.st_gid == gid else bits[2]
            if info.st_mode & need != need:
                return False
        return True
    except OSError:
        return False


def protected_paths() -> list[Path]:
    """What the dedicated user must not read: the package (and its solutions), the exercises' sources."""
    package = Path(__file__).resolve().parents[1]
    paths = [package]
    source = package.parent / "exercises" / "source"
    if source.is_dir():
        paths.append(source)
    return paths


USER_LOCK = threading.Lock()


def kill_all_processes_of(uid: int, gid: int) -> None:
    """SIGKILL every process of ``uid`` (never root's): a helper running as ``uid`` calls ``kill(-1)``.

    The kernel sends ``kill(-1)`` to every process the caller may signal, that
    is every process of that user, in one pass that a fork cannot race.
    """
    if uid <= 0:
        raise ValueError(f"refusing to kill every process of uid {uid}")
    script = "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\n"
    for _ in range(3):
        subprocess.run([child_python(), "-I", "-S", "-c", script], user=uid, group=gid, extra_groups=[],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd="/", env={"PATH": "/usr/bin:/bin"}, timeout=30, check=False)
        if not _processes_of(uid):
            return


def _processes_of(uid: int) -> list[int]:
    """The live processes of ``uid`` (zombies, already dead and waiting to be reaped, are left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid != uid:
                    continue
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    state = handle.read().rsplit(b")", 1)[1].split()[0]
                if state not in (b"Z", b"X"):
                    found.append(int(entry))
            except (OSError, IndexError):
                pass
    return found
