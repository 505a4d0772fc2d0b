"""Text that came from a submission, made safe for a terminal, a spreadsheet and a file name.

Exception messages, type names and file names are chosen by the student. Before
the grader prints or stores them, control characters (``ESC`` sequences can
rewrite an instructor's terminal) and invisible direction overrides are
escaped, and a spreadsheet cell that would start a formula is neutralised.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable", "spreadsheet_cell"]

_KEPT = {"\n", "\t"}


def printable(text, keep_newlines: bool = True) -> str:
    """``text`` with every control or format character (other than newline and tab) escaped as ``\\xNN``/``\\uNNNN``.

    Examples:
        ``printable("a\\x1b[2Jb")`` is ``"a\\\\x1b[2Jb"``; ``printable("x\\u202ey")`` is ``"x\\\\u202ey"``.
    """
    text = str(text)
    out = []
    for char in text:
        if char in _KEPT and (keep_newlines or char == "\t"):
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def spreadsheet_cell(value):
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``= + - @`` (or tab, CR) gets a ``'``.

    Numbers pass unchanged; text is also made :func:`printable`, on one line.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = printable("" if value is None else value, keep_newlines=False).replace("\t", " ")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|") else text
