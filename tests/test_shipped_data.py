"""The data files the package ships: found as package data, and in agreement with each other.

These tests need no torch, so ``make test-pythons`` runs them on every supported Python:
the character model's checkpoint is a zip archive whose ``data.pkl`` is read here with a
restricted unpickler that builds no tensors, only the plain ``config`` dict.
"""

import pickle
import zipfile

import pytest

from course_code.data.files import data_file, shipped_files
from course_code.data.text import PYTHON_DOCS_FILE, CharVocabulary, python_docs_text

CHAR_CHECKPOINTS = [name for name in shipped_files() if name.startswith("char_") and name.endswith(".pt")]


class _Placeholder:
    """Stands for any torch object inside a checkpoint (tensors, storages, ordered dicts)."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Placeholder()

    def __setstate__(self, state):
        pass


class _ConfigOnlyUnpickler(pickle.Unpickler):
    """Unpickles a torch.save archive's data.pkl without torch: torch objects become placeholders."""

    SAFE = {("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
            ("collections", "OrderedDict")}

    def find_class(self, module, name):
        if (module, name) in self.SAFE:
            return super().find_class(module, name)
        if module.startswith("torch"):
            return _Placeholder
        raise pickle.UnpicklingError(f"unexpected global {module}.{name} in a checkpoint")

    def persistent_load(self, pid):
        return _Placeholder()


def checkpoint_config(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        [pickled] = [name for name in archive.namelist() if name.endswith("/data.pkl")]
        state = _ConfigOnlyUnpickler(archive.open(pickled)).load()
    return state["config"]


def test_every_shipped_file_has_a_readme_entry():
    readme = data_file("README.md").read_text(encoding="utf-8")
    for name in shipped_files():
        if name != "README.md":
            assert f"## `{name}`" in readme, f"{name} has no section in course_code/data/files/README.md"


def test_data_file_names_what_exists_when_asked_for_a_missing_file():
    with pytest.raises(ValueError, match="mauna_loa_co2_weekly.csv"):
        data_file("no_such_file.csv")
    with pytest.raises(TypeError, match="file name"):
        data_file(3)


def test_the_corpus_is_the_shipped_python_3_11_text_on_every_python():
    # Counts written down from CPython 3.11.7's pydoc_data.topics (the issue that moved the
    # text into the package measured 3.12: 492,291 characters, 3.13: 510,723).
    raw = data_file(PYTHON_DOCS_FILE).read_text(encoding="utf-8")
    assert len(raw) == 465_048
    text = python_docs_text()
    assert (len(text), len(set(text))) == (465_107, 94)
    assert text.isascii() and "$" not in text
    assert python_docs_text(ascii_only=False) == raw


@pytest.mark.parametrize("name", CHAR_CHECKPOINTS)
def test_the_character_checkpoints_vocabulary_is_the_corpus_vocabulary(name):
    config = checkpoint_config(data_file(name))
    assert config["chars"] == CharVocabulary(python_docs_text()).chars


def test_there_is_a_character_checkpoint():
    assert "char_rnn_python_docs.pt" in CHAR_CHECKPOINTS
