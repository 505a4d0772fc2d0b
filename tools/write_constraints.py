"""Print the exact versions installed in this environment, in constraints-file form.

``make constraints > constraints.txt`` uses it. The project itself (installed
editable) is left out, and torch's local tag (``+cpu``) is dropped so that the
pin also resolves on machines whose index has no such tag.
"""

from __future__ import annotations

import re
import subprocess
import sys

HEADER = """\
# Exact versions for 'make' (pip install -c constraints.txt): identical versions keep notebook
# outputs reproducible. pyproject.toml keeps only lower bounds. Regenerate with 'make constraints'.
# torch is pinned without a local tag: here it resolves to the CPU wheel on disk."""


def main() -> int:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    print(HEADER)
    for line in frozen:
        if line.startswith("-e") or line.lower().startswith("course-code") or line.lower().startswith("course_code"):
            continue
        print(re.sub(r"^(torch==[^+]+)\+\w+$", r"\1", line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
