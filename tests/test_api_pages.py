"""The API reference (api.md, api/*.md, _ext/course_api.py) covers every part of course_code."""

from __future__ import annotations

import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

import course_code

pytest.importorskip("sphinx", reason="the API pages are built by Sphinx (not in make test-pythons)")

REPO = Path(__file__).resolve().parents[1]


def _load_extension():
    spec = importlib.util.spec_from_file_location("course_api", REPO / "_ext" / "course_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course_api = _load_extension()

SUBPACKAGES = sorted(info.name for info in pkgutil.iter_modules(course_code.__path__) if info.ispkg)


def test_there_are_subpackages():
    assert {"scratch", "nn", "grading"} <= set(SUBPACKAGES)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_has_a_page_in_the_toc(name):
    page = REPO / "api" / f"{name}.md"
    assert page.is_file(), f"course_code.{name} has no API page: add api/{name}.md (copy api/nn.md)"
    assert re.search(rf"^```\{{course-modules\}} course_code\.{name}\s*$", page.read_text(), re.MULTILINE), (
        f"api/{name}.md does not document course_code.{name} with the course-modules directive"
    )
    toc = (REPO / "_toc.yml").read_text()
    assert re.search(rf"^\s*- file: api/{name}\s*$", toc, re.MULTILINE), f"api/{name} is not in _toc.yml"


def test_core_page_documents_the_top_level_modules():
    text = (REPO / "api" / "core.md").read_text()
    assert "```{course-modules} course_code\n:modules-only:" in text
    modules = course_api.package_modules("course_code", modules_only=True)
    assert "course_code.shapes" in modules and "course_code.checks" in modules
    assert not any(m.rsplit(".", 1)[-1] in SUBPACKAGES for m in modules), "subpackages have their own pages"


def test_package_modules_lists_every_public_module_and_no_private_one():
    modules = course_api.package_modules("course_code.scratch")
    on_disk = sorted(
        f"course_code.scratch.{p.stem}" for p in (REPO / "course_code" / "scratch").glob("*.py") if not p.stem.startswith("_")
    )
    assert modules == on_disk
    assert "course_code.scratch.rnn" not in course_api.package_modules("course_code.scratch", exclude={"rnn"})


def test_prose_first_lines_are_not_taken_for_types():
    # A constant's docstring and a Returns section that begin with a phrase and a colon keep
    # the whole phrase as text: napoleon then sees an empty type before the added ": ".
    lines = ["MSE of always predicting 1: the variance of the target."]
    course_api.keep_prose_descriptions(None, "data", "x.Y", None, {}, lines)
    assert lines == [": MSE of always predicting 1: the variance of the target."]

    lines = ["Do it.", "", "Returns:", "    One string: the topics.", "", "Raises:", "    ValueError: if bad."]
    course_api.keep_prose_descriptions(None, "function", "x.f", None, {}, lines)
    assert lines[3] == "    : One string: the topics."
    assert lines[6] == "    ValueError: if bad.", "Raises sections keep their exception types"


def test_prose_rule_gives_napoleon_the_whole_description():
    from sphinx.ext.napoleon import Config
    from sphinx.ext.napoleon.docstring import GoogleDocstring

    lines = ["Do it.", "", "Returns:", "    One string: the topics."]
    course_api.keep_prose_descriptions(None, "function", "x.f", None, {}, lines)
    rendered = "\n".join(GoogleDocstring(lines, Config(napoleon_use_rtype=True), what="function").lines())
    assert "One string: the topics." in rendered
    assert ":rtype:" not in rendered


def test_python_object_lookup_follows_the_referring_module():
    name, obj = course_api._python_object("fit", "course_code.training", None)
    from course_code.training.loop import fit

    assert obj is fit and name == "course_code.training.fit"
    assert course_api._python_object("np.ndarray", "course_code.scratch.rnn", None)[1] is __import__("numpy").ndarray
    assert course_api._python_object("no_such_name_anywhere", "course_code.scratch.rnn", None) is None
    assert course_api._python_object("the mean", "course_code.data", None) is None
