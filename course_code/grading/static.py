"""Read the student's code without running it: find a function, spot use of the reference.

A submission that calls the reference implementation in ``course_code`` gets
no points for that question. The check is static (``ast``): the function, or a
function of the notebook it calls, imports ``course_code``, names it, or uses
a name whose last top-level binding is an import from ``course_code`` (``check``
and ``grade``, from ``course_code.grading``, are the allowed imports). Docstrings
and comments do not count. This check is for honest mistakes and the plain
trick: the sandbox is what stops the others, since ``course_code`` is not on
its filesystem (and not on ``sys.path`` at the weaker isolation levels).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["FunctionSource", "find_function", "reference_use"]

ALLOWED_IMPORTS = {("course_code.grading", "check"), ("course_code.grading", "grade")}


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


def _docstrings(tree: ast.AST) -> set[int]:
    """The ``id`` of every string constant that is only a docstring or a bare string statement."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.add(id(node.value))
    return found


def _is_course_code(module: str) -> bool:
    return module.split(".")[0] == "course_code"


def _top_level_bindings(trees: list[ast.Module]) -> dict[str, ast.AST]:
    """What each top-level name is bound to when every cell has run in order: the last binding wins.

    The value is the binding statement (an import, a ``def``, a ``class`` or an assignment).
    """
    bound: dict[str, ast.AST] = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound[alias.asname or alias.name.split(".")[0]] = node
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    bound[alias.asname or alias.name] = node
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            bound[name.id] = node
    return bound


def _reference_names(trees: list[ast.Module]) -> set[str]:
    """Top-level names whose last binding imports from ``course_code`` (except the allowed ``check`` and ``grade``)."""
    names = set()
    for name, node in _top_level_bindings(trees).items():
        if isinstance(node, ast.Import) and any(_is_course_code(a.name) and (a.asname or a.name.split(".")[0]) == name
                                                for a in node.names):
            names.add(name)
        elif isinstance(node, ast.ImportFrom) and _is_course_code(node.module or ""):
            if not any((node.module, a.name) in ALLOWED_IMPORTS and (a.asname or a.name) == name for a in node.names):
                names.add(name)
    return names


def _direct_use(function: ast.AST, reference_names: set[str], docstrings: set[int] = frozenset()) -> str:
    """Why ``function`` itself uses the reference, or ``""`` (docstrings and comments do not count)."""
    for node in ast.walk(function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(_is_course_code(m) for m in modules):
                return "it imports course_code"
        if isinstance(node, ast.Name) and (node.id == "course_code" or node.id in reference_names):
            return f"it uses {node.id!r}, imported from course_code"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "course_code" in node.value \
                and id(node) not in docstrings:
            return "it refers to course_code by name"
    return ""


def reference_use(cells: list[str], name: str) -> str:
    """Why the function ``name`` counts as calling the reference implementation, or ``""``.

    Follows calls into the notebook's other top-level functions, so a helper
    that wraps the reference is caught too. What counts is each name's last
    top-level binding, as after "run all": an import of the reference followed by
    the student's own ``def`` of the same name is the student's function. Docstrings
    and comments that mention ``course_code`` do not count.
    """
    trees = [t for t in (_parse(s) for s in cells) if isinstance(t, ast.Module)]
    reference_names = _reference_names(trees)
    docstrings = set().union(*(_docstrings(t) for t in trees)) if trees else set()
    if name in reference_names:
        return f"{name} itself is imported from course_code"
    bindings = _top_level_bindings(trees)
    binding = bindings.get(name)
    if isinstance(binding, (ast.Assign, ast.AnnAssign, ast.AugAssign)):  # e.g. softmax = some_module.softmax
        why = _direct_use(binding.value, reference_names, docstrings) if binding.value is not None else ""
        return f"{name} is assigned from course_code ({why})" if why else ""
    functions = {n: node for n, node in bindings.items() if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if name not in functions:
        return ""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        why = _direct_use(functions[current], reference_names, docstrings)
        if why:
            return why if current == name else f"it calls {current}, and {why}"
        for node in ast.walk(functions[current]):
            if isinstance(node, ast.Name) and node.id in functions:
                todo.append(node.id)
    return ""
