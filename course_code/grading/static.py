"""Read the student's code without running it: find a function, spot use of the reference.

A submission that calls the reference implementation in ``course_code`` gets
no points for that question. The check is static (``ast``): the function, or a
function of the notebook it calls, imports ``course_code``, names it, or uses
a name that an import from ``course_code`` bound (``check``, from
``course_code.grading``, is the one allowed import). The child process also
makes ``course_code`` unimportable, so dynamic tricks fail at run time.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["FunctionSource", "find_function", "reference_use"]

ALLOWED_IMPORTS = {("course_code.grading", "check")}


@dataclass(frozen=True)
class FunctionSource:
    """Where a function is defined: ``cell`` (index among code cells) and its ``node``.

    ``syntax_error`` is set instead (and ``node`` is None) when the cell that
    seems to define the function cannot be parsed.
    """

    cell: int
    node: ast.FunctionDef | None = None
    syntax_error: str = ""


def _parse(source: str):
    try:
        return ast.parse(source)
    except SyntaxError as error:
        return error


def find_function(cells: list[str], name: str) -> FunctionSource | None:
    """The last top-level ``def name`` in the code cells, as Jupyter's "run all" would leave it.

    Returns None if no cell defines it. A cell with a syntax error that
    contains ``def name(`` is reported as a :class:`FunctionSource` with
    ``syntax_error`` (unless a later cell defines the function correctly).
    """
    found = None
    pattern = re.compile(rf"^\s*def\s+{re.escape(name)}\s*\(", re.MULTILINE)
    for index, source in enumerate(cells):
        tree = _parse(source)
        if isinstance(tree, SyntaxError):
            if pattern.search(source):
                found = FunctionSource(index, syntax_error=f"SyntaxError on line {tree.lineno} of the cell "
                                                           f"defining {name}: {tree.msg}")
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                found = FunctionSource(index, node)
    return found


def _reference_names(trees: list[ast.Module]) -> set[str]:
    """Names bound anywhere by importing from ``course_code`` (except the allowed ``check``)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "course_code":
                        names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course_code":
                for alias in node.names:
                    if (node.module, alias.name) not in ALLOWED_IMPORTS:
                        names.add(alias.asname or alias.name)
    return names


def _direct_use(function: ast.AST, reference_names: set[str]) -> str:
    """Why ``function`` itself uses the reference, or ``""``."""
    for node in ast.walk(function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(m.split(".")[0] == "course_code" for m in modules):
                return "it imports course_code"
        if isinstance(node, ast.Name) and (node.id == "course_code" or node.id in reference_names):
            return f"it uses {node.id!r}, imported from course_code"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "course_code" in node.value:
            return "it refers to course_code by name"
    return ""


def reference_use(cells: list[str], name: str) -> str:
    """Why the function ``name`` counts as calling the reference implementation, or ``""``.

    Follows calls into the notebook's other top-level functions, so a helper
    that wraps the reference is caught too.
    """
    trees = [t for t in (_parse(s) for s in cells) if isinstance(t, ast.Module)]
    reference_names = _reference_names(trees)
    if name in reference_names:
        return f"{name} itself is imported from course_code"
    functions = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):  # e.g. softmax = some_module.softmax
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
                    why = _direct_use(node.value, reference_names)
                    if why:
                        return f"{name} is assigned from course_code ({why})"
    if name not in functions:
        return ""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        why = _direct_use(functions[current], reference_names)
        if why:
            return why if current == name else f"it calls {current}, and {why}"
        for node in ast.walk(functions[current]):
            if isinstance(node, ast.Name) and node.id in functions:
                todo.append(node.id)
    return ""
