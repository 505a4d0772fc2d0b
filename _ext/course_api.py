"""A Sphinx directive that documents every module of a package: ``course-modules``.

The API reference pages (``api/*.md``) use it once per subpackage of ``course_code``::

    ```{course-modules} course_code.scratch
    ```

It writes the package's own docstring, then one section per module of the package
(found with ``pkgutil``, so a module added to the package appears in the next build
with no edit here), each section an ``automodule`` with ``:members:``. Modules whose
name starts with an underscore are left out, as are the ones listed in ``:exclude:``;
``:modules-only:`` leaves out subpackages too (each has its own page), and
``:no-package:`` leaves out the package's own docstring.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
import types
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles


def package_modules(
    package_name: str, exclude: set[str] = frozenset(), modules_only: bool = False
) -> list[str]:
    """The public modules (and, unless ``modules_only``, subpackages) directly inside a package, sorted."""
    package = importlib.import_module(package_name)
    return sorted(
        f"{package_name}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
        and info.name not in exclude
        and not (modules_only and info.ispkg)
    )


class CourseModules(SphinxDirective):
    """``course-modules PACKAGE``: the package's docstring, then every module with its members."""

    required_arguments = 1
    option_spec = {
        "exclude": directives.unchanged,
        "modules-only": directives.flag,
        "no-package": directives.flag,
    }

    def _parse(self, rst_lines: list[str]) -> list[nodes.Node]:
        """Parse reStructuredText (autodoc's directives are rST) in a MyST or an rST page."""
        container = nodes.section()  # any element: only its children are returned
        if type(self.state).__module__.startswith("myst_parser"):
            # MyST parses nested content as Markdown; eval-rst hands it to the rST parser.
            lines = ["````{eval-rst}", *rst_lines, "````"]
        else:
            lines = rst_lines
        content = StringList(lines, source=f"<course-modules {self.arguments[0]}>")
        nested_parse_with_titles(self.state, content, container)
        return container.children

    def run(self) -> list[nodes.Node]:
        package_name = self.arguments[0]
        exclude = set((self.options.get("exclude") or "").replace(",", " ").split())
        modules = package_modules(
            package_name, exclude, modules_only="modules-only" in self.options
        )
        # Rebuild the page when a module of the package is added, removed or edited.
        package_dir = Path(importlib.import_module(package_name).__file__).parent
        for path in sorted(package_dir.glob("*.py")):
            self.env.note_dependency(str(path))

        # The package itself: its docstring and its py:module target (members are documented
        # in their own modules, where they are defined, so nothing is documented twice).
        result = (
            []
            if "no-package" in self.options
            else self._parse([f".. automodule:: {package_name}", ""])
        )
        for module in modules:
            section = nodes.section(ids=[nodes.make_id(f"module-section-{module}")])
            section += nodes.title(module, module)
            section += self._parse(
                [
                    f".. automodule:: {module}",
                    "   :members:",
                    "   :show-inheritance:",
                    "",
                ]
            )
            result.append(section)
        for node in result:
            drop_empty_bases(node)
        return result


def drop_empty_bases(tree: nodes.Node) -> None:
    """Remove the "Bases:" line of classes whose only bases were object or private (see public_bases)."""
    for paragraph in list(tree.findall(nodes.paragraph)):
        if paragraph.astext().strip() == "Bases:":
            paragraph.parent.remove(paragraph)


# --- Cross-references in docstrings -----------------------------------------------------
#
# Docstrings refer to objects the way their module sees them: ``:func:`fit``` in
# ``course_code.training``'s docstring means ``course_code.training.loop.fit``, which the
# package re-exports; ``np.ndarray`` in a signature is NumPy's array. The API pages document
# each object once, in the module that defines it, so two handlers finish the job:
#
# * ``missing-reference``: a name that Python resolves (in the referring module) to an object
#   of ``course_code`` is linked to where that object is documented;
# * ``warn-missing-reference``: a name that Python resolves to a real object that has no page
#   (NumPy, torch, matplotlib, the standard library, or an undocumented constant) is shown as
#   plain code without a warning: the site works offline, so there is no intersphinx.
#
# Everything else still fails the nitpicky build (-n -W): a misspelt or stale name, or a
# docstring whose text napoleon has mistaken for a type.

_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")


def _import_dotted(name: str):
    """The object a dotted name refers to (importing its longest module prefix), or raise LookupError."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - not a module: try a shorter prefix
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj
    raise LookupError(name)


def _python_object(target: str, modname: str | None, classname: str | None):
    """What ``target`` means where it is written: ``(dotted name tried, object)``, or None."""
    target = target.lstrip("~.")
    if not _DOTTED.match(target):
        return None
    scopes = []
    if modname:
        if classname:
            scopes.append(f"{modname}.{classname}")
        parts = modname.split(".")
        scopes += [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
    for name in [f"{scope}.{target}" for scope in scopes] + [target]:
        try:
            return name, _import_dotted(name)
        except LookupError:
            continue
    return None


def _documented_name(name: str, obj, py_objects) -> str | None:
    """The name under which ``obj`` (found as ``name``) is documented on the API pages."""
    if name in py_objects:
        return name
    if isinstance(obj, types.ModuleType):
        real = obj.__name__
    elif getattr(obj, "__module__", None) and getattr(obj, "__qualname__", None):
        real = f"{obj.__module__}.{obj.__qualname__}"
    else:
        # A constant re-exported by a package: documented in exactly one of its modules?
        package, _, last = name.rpartition(".")
        matches = [
            n
            for n in py_objects
            if n.startswith(package + ".") and n.rsplit(".", 1)[-1] == last
        ]
        real = matches[0] if len(matches) == 1 else None
    return real if real in py_objects else None


def _defining_entry(names: list[str]) -> str | None:
    """Of several documented names for one object (re-exports), the one where it is defined."""
    objects = []
    for name in names:
        try:
            objects.append(_import_dotted(name))
        except LookupError:
            return None
    if not objects or any(obj is not objects[0] for obj in objects):
        return (
            None  # different objects that share a name: ambiguous, let the build say so
        )
    obj = objects[0]
    home = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    return home if home in names else None


def resolve_reexported(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    target = node["reftarget"].lstrip("~.")
    found = _python_object(target, node.get("py:module"), node.get("py:class"))
    if found is not None:
        name, obj = found
        if not (
            name.startswith("course_code")
            or getattr(obj, "__module__", "").startswith("course_code")
        ):
            return None
        real = _documented_name(name, obj, domain.objects)
    elif "." not in target:
        # A bare class or function name the referring module does not import (the text
        # names a sibling module's object): link it if exactly one course_code object has it.
        matches = [
            n
            for n in domain.objects
            if n.startswith("course_code.") and n.rsplit(".", 1)[-1] == target
        ]
        real = matches[0] if len(matches) == 1 else _defining_entry(matches)
    else:
        real = None
    if real is None:
        return None
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], real, node, contnode
    )


def quiet_for_real_objects(app, domain, node):
    """True (no warning) when the target names a real Python object that has no page here."""
    if domain is None or domain.name != "py":
        return None
    found = _python_object(
        node["reftarget"], node.get("py:module"), node.get("py:class")
    )
    return True if found is not None else None


# --- Napoleon and the course's prose -----------------------------------------------------
#
# Google style lets a docstring start a "Returns:" section, or the docstring of a constant
# or attribute, with "type: description", and napoleon turns the text before the first colon
# into a type to link. The course writes prose there ("One string: the topics in ...", "MSE of
# always predicting 1: ...") and gives types as annotations, shown in the signatures. So before
# napoleon runs, an empty type is put in front of that first line (": One string: ..."), and
# napoleon keeps the whole line as the description.

_RETURNS_HEADER = re.compile(r"^\s*(Returns?|Yields?):\s*$")


def keep_prose_descriptions(app, what, name, obj, options, lines):
    if what in ("data", "attribute", "property"):
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None:
            lines[first] = ": " + lines[first]
    for i, line in enumerate(list(lines)):
        if _RETURNS_HEADER.match(line):
            body = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            if body is not None:
                indent = len(lines[body]) - len(lines[body].lstrip())
                lines[body] = lines[body][:indent] + ": " + lines[body][indent:]


# --- Equations written in plain text ------------------------------------------------------
#
# Docstrings are read in ``help()`` as much as on the API pages, so their equations are plain
# text, set off by indentation::
#
#     h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)      (course_code.nn.VanillaRNN)
#
# In reStructuredText an indented block after a paragraph is a block quote, whose lines run
# together into one paragraph, and a ``::`` block is highlighted as Python, equations too. So,
# after napoleon, each such block becomes a ``code-block``: ``python`` when it parses as
# Python, ``text`` (shown as written, line by line) when it does not.

_MARKUP_START = re.compile(r"^(\.\. |:|[-*+] |\d+[.)] |>>>)")


def _block_language(block: list[str]) -> str:
    try:
        ast.parse(textwrap.dedent("\n".join(block)))
    except SyntaxError:
        return "text"
    return "python"


def equations_as_text(app, what, name, obj, options, lines):
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        # A top-level paragraph line, then a blank line, then an indented block.
        if not line.strip() or line[0].isspace() or _MARKUP_START.match(line):
            continue
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j == i or j >= len(lines) or not lines[j][:1].isspace():
            continue
        # The paragraph this line ends must itself be top-level prose (not a field's body).
        start = len(out) - 1
        while start > 0 and out[start - 1].strip():
            start -= 1
        if any(l[:1].isspace() or _MARKUP_START.match(l) for l in out[start:]):
            continue
        k = j
        while k < len(lines) and (not lines[k].strip() or lines[k][:1].isspace()):
            k += 1
        block = lines[j:k]
        while block and not block[-1].strip():
            block.pop()
        if _MARKUP_START.match(block[0].lstrip()):
            continue  # an indented directive or list: leave it to rST
        if out[-1].rstrip().endswith("::"):
            stripped = out[-1].rstrip()[:-2].rstrip()
            out[-1] = stripped + ":" if stripped else ""
        out += ["", f".. code-block:: {_block_language(block)}", ""] + block + [""]
        i = k
    lines[:] = out


# --- NamedTuple fields and base classes ----------------------------------------------------
#
# A NamedTuple's fields are properties whose docstring Python writes as "Alias for field
# number 0"; the course documents each field in a comment on its line instead
# (``dh_prev: np.ndarray  # (N, H)``). That comment becomes the field's description, and the
# alias text is dropped. "Bases:" lists only public classes: ``object`` says nothing, and a
# private base (``_SingleLayerRNN``) is replaced by its own public bases.

_ALIAS = re.compile(r"^Alias for field number \d+$")


def _field_comment(cls, field: str) -> str:
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return ""
    match = re.search(
        rf"^\s+{re.escape(field)}\s*:[^#\n]*#\s*(.+)$", source, re.MULTILINE
    )
    return match.group(1).strip() if match else ""


def describe_namedtuple_fields(app, what, name, obj, options, lines):
    if not (
        len(lines) >= 1
        and _ALIAS.match(lines[0].strip())
        and all(not l.strip() for l in lines[1:])
    ):
        return
    owner_name, _, field = name.rpartition(".")
    try:
        owner = _import_dotted(owner_name)
    except LookupError:
        owner = None
    comment = _field_comment(owner, field) if isinstance(owner, type) else ""
    lines[:] = [comment] if comment else []


def public_bases(app, name, obj, options, bases):
    def expand(base):
        if base is object:
            return []
        if getattr(base, "__name__", "").startswith("_") and isinstance(base, type):
            return [b for parent in base.__bases__ for b in expand(parent)]
        return [base]

    public = [b for base in list(bases) for b in expand(base)]
    bases[:] = list(dict.fromkeys(public))


# --- Constants that are paths ----------------------------------------------------------------
#
# ``CO2_WEEKLY_CSV = data_file("...")`` is an absolute path on the machine that built the
# book; shown as its value ("= PosixPath('/work/...')") it is wrong for every reader. Such
# constants are documented by name and docstring only.


def _path_aware_data_documenter():
    from pathlib import PurePath

    from sphinx.ext.autodoc import DataDocumenter

    class PathAwareDataDocumenter(DataDocumenter):
        def should_suppress_value_header(self) -> bool:
            return (
                isinstance(self.object, PurePath)
                or super().should_suppress_value_header()
            )

    return PathAwareDataDocumenter


# --- One copy of each script per page ---------------------------------------------------
#
# sphinx-thebe adds its inline configuration script (``const THEBE_JS_URL = ...``) in an
# event handler, and in a Jupyter Book build every page ends up with two copies of it (and of
# sphinx-togglebutton's settings); the second ``const`` throws "Identifier 'THEBE_JS_URL' has
# already been declared" in every reader's console. Keep the first of identical scripts.


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # The same file or inline body with the same attributes, whatever its priority.
        # (An inline script's filename is None or "", depending on who added it.)
        key = (
            getattr(script, "filename", None) or "",
            repr(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_autodocumenter(_path_aware_data_documenter(), override=True)
    # Early: html-page-context stops at the first handler that returns a template name.
    app.connect("html-page-context", drop_duplicate_scripts, priority=100)
    app.connect("autodoc-process-docstring", describe_namedtuple_fields, priority=300)
    app.connect(
        "autodoc-process-docstring", keep_prose_descriptions, priority=400
    )  # napoleon: 500
    app.connect("autodoc-process-bases", public_bases)
    app.connect(
        "autodoc-process-docstring", equations_as_text, priority=600
    )  # after napoleon
    app.add_directive("course-modules", CourseModules)
    app.connect("missing-reference", resolve_reexported)
    app.connect("warn-missing-reference", quiet_for_real_objects)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
