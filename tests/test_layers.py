"""Imports only run down the layers described in ``course_code/__init__.py``; no private name crosses modules."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

import course_code

PACKAGE = pathlib.Path(course_code.__file__).parent
TOP = 4  # the floor of anything the table does not name


def _docstring_floors() -> dict[str, int]:
    """The floor of every module or subpackage, read from the table in the package docstring."""
    floors, floor = {}, None
    for line in course_code.__doc__.splitlines():
        match = re.match(r"^(\d)\s+(.*)$", line)
        if match:
            floor = int(match.group(1))
            names = match.group(2)
        elif floor is not None and line.startswith("       "):
            names = line
        else:
            floor = None if line.startswith("=====") else floor
            continue
        cell = names[:44]  # the second column of the table
        for name in re.findall(r"``(\w+)``", cell):
            floors[name] = floor
    return floors


FLOORS = _docstring_floors()

# Imports that run up or sideways today, each to be moved by the helper who owns it.
# Remove a line when its import is gone; add none.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def _unit(module: str) -> str:
    """``course_code.nn.lstm`` -> ``nn``; ``course_code.shapes`` -> ``shapes``."""
    return module.split(".")[1] if module.count(".") >= 1 else "(root)"


def _imports():
    """Every ``(importer, imported, private names)`` inside the package, imported at any depth."""
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_code"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                yield importer, node.module, private
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("course_code"):
                        yield importer, alias.name, []


def test_the_table_names_every_floor():
    assert FLOORS["shapes"] == 0 and FLOORS["masking"] == 0
    assert FLOORS["scratch"] == FLOORS["nn"] == FLOORS["data"] == 1
    assert FLOORS["training"] == 2 and FLOORS["models"] == 3 and FLOORS["grading"] == 4


def _violations():
    found = []
    for importer, imported, _ in _imports():
        a, b = _unit(importer), _unit(imported)
        if b == "(root)" or a == b:
            continue
        floor_a, floor_b = FLOORS.get(a, TOP), FLOORS.get(b, TOP)
        same_floor_other_package = floor_a == floor_b and 0 < floor_a < TOP
        if floor_b > floor_a or same_floor_other_package:
            key = (importer.removeprefix("course_code."), imported.removeprefix("course_code."))
            if key not in KNOWN_EXCEPTIONS:
                found.append(f"{key[0]} (floor {floor_a}) imports {key[1]} (floor {floor_b})")
    return found


def test_imports_only_run_down_the_layers():
    assert _violations() == []


def test_the_check_can_fail():
    """An upward import written into a module is caught (so the test above is not vacuous)."""
    global _imports
    real = _imports
    try:
        _imports = lambda: iter([("course_code.scratch.rnn", "course_code.nn.lstm", []),  # noqa: E731
                                 ("course_code.nn.rnn", "course_code.models.char_rnn", [])])
        assert len(_violations()) == 2
    finally:
        _imports = real


def test_known_exceptions_still_exist():
    """An exception that no longer occurs must leave the list, so the list only shrinks."""
    present = {(a.removeprefix("course_code."), b.removeprefix("course_code.")) for a, b, _ in _imports()}
    assert KNOWN_EXCEPTIONS <= present


@pytest.mark.parametrize("importer, imported, private", [row for row in _imports() if row[2]])
def test_no_private_name_crosses_modules(importer, imported, private):
    assert importer == imported, f"{importer} imports private {private} from {imported}"
