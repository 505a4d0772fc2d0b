"""How far the student's code is kept from everything else: three isolation levels.

``bubblewrap`` (:mod:`bubblewrap`)
    The child runs under ``bwrap`` (Debian/Ubuntu package ``bubblewrap``) in new
    PID, mount, network, IPC, UTS and user namespaces, as an unprivileged uid,
    with ``--die-with-parent``. Its filesystem holds only read-only binds of the
    system's libraries, the Python runtime (with its site-packages hidden) and
    NumPy, plus a private tmpfs as the only writable place: no repository, no
    ``exercises/source``, no ``course_code``, no grader output. It sees no other
    process, so it can signal none, and everything it started dies with it.
``dedicated user`` (:mod:`dedicated_user`)
    Where bubblewrap cannot run (inside Docker without user namespaces, which is
    how Gradescope runs autograders) and the grader is root: the child runs as a
    dedicated unprivileged user (``course-grader``, or ``$COURSE_GRADER_USER``)
    in an empty folder of its own. The grader's files are root's and not writable
    by it, the grader cannot be signalled by it, and after each question and each
    submission every process of that user is killed. Whether it can *read* the
    package and the solutions depends on their permissions: the Gradescope
    ``setup.sh`` makes them unreadable, and the level's description says when
    they are not.
``process`` (:mod:`child_runtime`)
    Neither is available (a student's laptop): a separate Python process with
    resource limits, an empty working folder, a minimal environment and only the
    standard library and NumPy on ``sys.path``. Not a sandbox: it runs as the
    user who grades.

``$COURSE_GRADER_ISOLATION`` (``auto``, ``bubblewrap``, ``user`` or ``process``)
or the ``--isolation`` option chooses; ``auto`` takes the strongest that works.
This module holds what a level is (:class:`Isolation`) and the choice of one.
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from course_code.grading.bubblewrap import SANDBOX_SITE, bwrap_arguments
from course_code.grading.child_runtime import (
    child_environment,
    child_python,
    private_site,
)
from course_code.grading.dedicated_user import (
    DEFAULT_USER,
    USER_LOCK,
    kill_all_processes_of,
    protected_paths,
    readable_by,
)

__all__ = ["Isolation", "IsolationError", "LEVELS", "choose_isolation"]

LEVELS = ("bubblewrap", "user", "process")
REAL = {"bubblewrap", "user"}


class IsolationError(RuntimeError):
    """The isolation level asked for cannot run here (the message says why and what to do)."""


@dataclass
class Isolation:
    """One isolation level, ready to start children.

    Attributes:
        level: ``"bubblewrap"``, ``"user"`` or ``"process"``.
        description: one sentence for reports, e.g. ``"bubblewrap sandbox (bwrap 0.8.0)"``.
        real: whether it is a sandbox the submission cannot leave (bubblewrap, or the
            dedicated user with the package unreadable).
        uid: the dedicated user's uid (level ``user``; -1 otherwise).
        gid: the dedicated user's primary group.
        warnings: what a report should say about this level (e.g. what the user can read).
    """

    level: str
    description: str
    real: bool
    uid: int = -1
    gid: int = -1
    warnings: list[str] = field(default_factory=list)

    @property
    def reap(self) -> str:
        """How the child may end the processes its student code started: see child._reap_others."""
        return {"bubblewrap": "namespace", "user": "uid"}.get(self.level, "")

    @property
    def label(self) -> str:
        """The isolation as reports name it, e.g. ``"bubblewrap (bwrap 0.8.0)"``."""
        return self.description

    def command(self, program: str) -> tuple[list[str], dict]:
        """The command and ``subprocess.Popen`` keywords that run ``python -c program`` at this level.

        The program gets the folder holding NumPy as ``sys.argv[1]``.
        """
        python = child_python()
        run = [python, "-I", "-S", "-c", program]
        if self.level == "bubblewrap":
            env = child_environment("/tmp")
            arguments = bwrap_arguments()
            for key, value in env.items():
                arguments += ["--setenv", key, value]
            keywords = {"start_new_session": True}
            if self.uid > 0:  # a root grader starts bwrap as the dedicated user: its process limit then holds
                keywords.update(user=self.uid, group=self.gid, extra_groups=[], cwd="/")
            return ["bwrap", *arguments, "--", *run, SANDBOX_SITE], keywords
        private = tempfile.mkdtemp(prefix="course-grader-")  # work/.. is this folder, never /tmp itself
        work = os.path.join(private, "work")
        os.mkdir(work, 0o700)
        keywords = {"cwd": work, "env": child_environment(work), "start_new_session": True}
        if self.level == "user":
            os.chmod(private, 0o711)
            os.chown(work, self.uid, self.gid)
            keywords.update(user=self.uid, group=self.gid, extra_groups=[], umask=0o077)
        return [*run, private_site()], keywords | {"_work": private}

    def lock(self):
        """Held while a child runs: the dedicated user runs one child at a time (its processes are all killed after)."""
        return USER_LOCK if self.level == "user" else _NoLock()

    def clean_up(self, process: subprocess.Popen | None, keywords: dict) -> None:
        """End everything the child started and remove its working folder."""
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.level == "user":
            kill_all_processes_of(self.uid, self.gid)
        work = keywords.get("_work")
        if work:
            shutil.rmtree(work, ignore_errors=True)


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _probe(command: list[str], keywords: dict) -> str:
    """``""`` if ``command`` imports NumPy and exits 0 within 60 s, else why not."""
    keywords = {k: v for k, v in keywords.items() if not k.startswith("_")}
    try:
        run = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, **keywords)
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    if run.returncode != 0:
        return (run.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit status {run.returncode}"])[-1]
    return ""


PROBE = "import sys\nsys.path.insert(0, sys.argv[1])\nimport numpy\n"


def _bubblewrap() -> Isolation | str:
    """Bubblewrap, started as the dedicated user when the grader is root and that user can run Python
    with NumPy (then RLIMIT_NPROC binds the sandbox, which it does not for root); else as this user."""
    name = os.environ.get("COURSE_GRADER_USER", DEFAULT_USER)
    return _bubblewrap_for(name if os.geteuid() == 0 else "", child_python())


@functools.lru_cache(maxsize=None)
def _bubblewrap_for(user: str, python: str) -> Isolation | str:
    if not sys.platform.startswith("linux"):
        return "bubblewrap runs only on Linux"
    if shutil.which("bwrap") is None:
        return ("bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap; or run "
                "tools/grader_deps.sh as root)")
    try:
        version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"bwrap does not run: {error}"
    isolation = Isolation("bubblewrap", f"bubblewrap sandbox ({version or 'bwrap'})", True)
    try:
        entry = pwd.getpwnam(user) if user else None
    except KeyError:
        entry = None
    if entry is not None and entry.pw_uid > 0:
        as_user = Isolation("bubblewrap", f"bubblewrap sandbox ({version or 'bwrap'}, started as user {user})",
                            True, entry.pw_uid, entry.pw_gid)
        if not _probe(*as_user.command(PROBE)):
            return as_user
    command, keywords = isolation.command(PROBE)
    why = _probe(command, keywords)
    if why:
        return f"bwrap cannot create its namespaces here ({why})"
    return isolation


@functools.lru_cache(maxsize=None)
def _dedicated_user(name: str) -> Isolation | str:
    if os.geteuid() != 0:
        return "the dedicated-user fallback needs the grader to run as root"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return (f"there is no user {name!r} (create it with: useradd --system --no-create-home "
                f"--shell /usr/sbin/nologin {name})")
    if entry.pw_uid == 0:
        return f"user {name!r} is root"
    isolation = Isolation("user", f"dedicated user {name} (uid {entry.pw_uid})", True, entry.pw_uid, entry.pw_gid)
    command, keywords = isolation.command(PROBE)
    try:
        why = _probe(command, keywords)
    finally:
        isolation.clean_up(None, keywords)
    if why:
        return f"user {name!r} cannot run {child_python()} with NumPy ({why}); set COURSE_GRADER_PYTHON"
    readable = [str(p) for p in protected_paths() if readable_by(p, entry.pw_uid, entry.pw_gid)]
    if readable:
        isolation.real = False
        isolation.description += ", but it can read " + " and ".join(readable)
        isolation.warnings.append(f"user {name} can read {', '.join(readable)}: make them unreadable to it "
                                  f"(chmod -R o-rwx), as the Gradescope setup.sh does")
    return isolation


def choose_isolation(requested: str | None = None) -> Isolation:
    """The isolation level to grade with.

    Args:
        requested: ``"auto"`` (the strongest that works), ``"bubblewrap"``, ``"user"``
            or ``"process"``; None reads ``$COURSE_GRADER_ISOLATION`` (default ``auto``).

    Raises:
        IsolationError: if the level asked for (other than ``auto``) cannot run here.
        ValueError: for an unknown level.
    """
    requested = requested or os.environ.get("COURSE_GRADER_ISOLATION", "") or "auto"
    if requested not in ("auto", *LEVELS):
        raise ValueError(f"unknown isolation level {requested!r}; expected auto, {', '.join(LEVELS)}")
    reasons = []
    if requested in ("auto", "bubblewrap"):
        found = _bubblewrap()
        if isinstance(found, Isolation):
            return found
        reasons.append(found)
        if requested == "bubblewrap":
            raise IsolationError(found)
    if requested in ("auto", "user"):
        found = _dedicated_user(os.environ.get("COURSE_GRADER_USER", DEFAULT_USER))
        if isinstance(found, Isolation):
            return found
        if requested == "user":
            raise IsolationError(found)
        reasons.append(found)
    description = "separate process only (not a sandbox)"
    isolation = Isolation("process", description, False)
    if requested == "auto" and os.geteuid() == 0:
        isolation.warnings.extend(reasons)
    return isolation
