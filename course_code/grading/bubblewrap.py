"""The bubblewrap sandbox: the ``bwrap`` arguments that keep the child from everything else.

:func:`bwrap_arguments` gives the child new user, PID, network, IPC, UTS (and,
where it can, cgroup) namespaces, runs it as uid ``SANDBOX_UID`` with a cleared
environment, and builds its filesystem from read-only binds: the system's program
and library folders, the interpreter's base prefixes with every site-packages
inside them hidden under an empty tmpfs, and NumPy's folders at ``SANDBOX_SITE``;
``/tmp`` is a tmpfs of ``TMPFS_BYTES``, the only place it can write. What this
protects, and when bubblewrap is used, is told in :mod:`isolation`.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from course_code.grading.child_runtime import child_python, numpy_dirs

__all__ = ["SANDBOX_SITE", "SANDBOX_UID", "TMPFS_BYTES", "bwrap_arguments"]

SANDBOX_SITE = "/opt/course-grader/site"  # where NumPy appears inside the bubblewrap sandbox
SANDBOX_UID = 65534
TMPFS_BYTES = 64 * 2**20


def _site_packages_under(root: str) -> list[str]:
    """Every site-packages or dist-packages folder inside ``root`` (hidden from the sandbox)."""
    found = []
    for lib in ("lib", "lib64", "local/lib"):
        base = Path(root) / lib
        if not base.is_dir():
            continue
        for python in base.glob("python3*"):
            for name in ("site-packages", "dist-packages"):
                if (python / name).is_dir():
                    found.append(str(python / name))
        if (base / "python3" / "dist-packages").is_dir():
            found.append(str(base / "python3" / "dist-packages"))
    return found


@functools.lru_cache(maxsize=None)
def _runtime_prefixes(python: str) -> list[str]:
    """Where the interpreter ``python`` keeps its standard library (its base prefixes)."""
    if python == os.path.realpath(sys.executable):
        found = {sys.base_prefix, sys.base_exec_prefix}
    else:
        run = subprocess.run([python, "-I", "-S", "-c", "import sys; print(sys.base_prefix); print(sys.base_exec_prefix)"],
                             capture_output=True, text=True, timeout=60, check=True)
        found = set(run.stdout.split())
    return sorted(os.path.realpath(p) for p in found)


def bwrap_arguments() -> list[str]:
    python = child_python()
    args = ["--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--disable-userns",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--clearenv"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    prefixes = _runtime_prefixes(python)
    hidden = []
    for prefix in prefixes:
        if not prefix.startswith("/usr"):
            args += ["--ro-bind", prefix, prefix]
        hidden += _site_packages_under(prefix)
    if not any(python.startswith(p + os.sep) for p in prefixes + ["/usr"]):
        args += ["--ro-bind", python, python]
    for folder in sorted(set(hidden)):
        args += ["--tmpfs", folder]
    for directory in numpy_dirs():
        args += ["--ro-bind", str(directory), f"{SANDBOX_SITE}/{directory.name}"]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp"]
    return args
